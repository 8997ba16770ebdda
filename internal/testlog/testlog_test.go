package testlog

import (
	"os"
	"strings"
	"testing"
)

func TestFileIsDeterministic(t *testing.T) {
	a := File(t, "--lines", "50", "--seed", "3", "--noise", "0.1")
	b := File(t, "--lines", "50", "--seed", "3", "--noise", "0.1")
	da, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	db, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	if string(da) != string(db) {
		t.Fatal("same arguments gave different bytes")
	}
	if n := strings.Count(string(da), " - INFO - Request processed: "); n < 30 {
		t.Errorf("only %d request lines in 50 entries", n)
	}
}

package fingerprint

import (
	"bytes"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	tests := []struct {
		name string
		data string
		size int
		want string
	}{
		{"shorter than size", "abc", 10, "abc"},
		{"longer than size", "abcdefghij", 4, "abcd"},
		{"empty", "", 4, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fp, _, err := Read(strings.NewReader(tc.data), tc.size, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(fp.Bytes()); got != tc.want {
				t.Fatalf("Read = %q, want %q", got, tc.want)
			}
		})
	}
	if _, _, err := Read(strings.NewReader("x"), 0, nil); err == nil {
		t.Fatal("Read with size 0: want error")
	}
}

func TestMatching(t *testing.T) {
	short := New([]byte("hello"))
	long := New([]byte("hello world"))
	other := New([]byte("help"))
	empty := New(nil)
	tests := []struct {
		name                string
		f, g                Fingerprint
		startsWith, related bool
	}{
		{"grown", long, short, true, true},
		{"shrunk", short, long, false, true},
		{"same", short, short, true, true},
		{"different", short, other, false, false},
		{"empty old", short, empty, false, false},
		{"empty new", empty, short, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.f.StartsWith(tc.g); got != tc.startsWith {
				t.Errorf("StartsWith = %v, want %v", got, tc.startsWith)
			}
			if got := tc.f.Related(tc.g); got != tc.related {
				t.Errorf("Related = %v, want %v", got, tc.related)
			}
		})
	}
}

func TestSum(t *testing.T) {
	long := New([]byte("hello world"))
	short := New([]byte("hello"))
	if !long.MatchesSum(short.Len(), short.Sum()) {
		t.Fatal("grown file does not match the saved digest of its prefix")
	}
	if long.MatchesSum(short.Len(), New([]byte("jello")).Sum()) {
		t.Fatal("different prefix matched")
	}
	if short.MatchesSum(long.Len(), long.Sum()) {
		t.Fatal("shorter file matched a longer digest")
	}
	if len(short.Sum()) != 16 || short.Sum() == long.Sum() {
		t.Fatalf("Sum = %q / %q", short.Sum(), long.Sum())
	}
	b := []byte("abc")
	fp := New(b)
	b[0] = 'x'
	if !bytes.Equal(fp.Bytes(), []byte("abc")) {
		t.Fatal("New did not copy its input")
	}
}

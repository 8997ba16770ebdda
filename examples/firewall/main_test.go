package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/logpipe/logpipe/filter/geoip/geoiptest"
)

// TestFirewall runs the program on testdata/fortigate.log with a small
// City database and compares the rubydebug output with
// testdata/fortigate.rubydebug (the @timestamp lines, the time of reading,
// are left out). Run with -update to rewrite the golden file.
func TestFirewall(t *testing.T) {
	db := filepath.Join(t.TempDir(), "city.mmdb")
	if err := geoiptest.WriteCity(db); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open("testdata/fortigate.log")
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var out bytes.Buffer
	if err := run(t.Context(), in, &out, db); err != nil {
		t.Fatal(err)
	}
	got := regexp.MustCompile(`(?m)^ *"@timestamp" => .*\n`).ReplaceAll(out.Bytes(), nil)
	const golden = "testdata/fortigate.rubydebug"
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s:\n%s", golden, got)
	}
}

// TestFirewallWithoutGeoIP checks the pipeline without a database: the
// lines are parsed, and no geo fields or geoip tags appear.
func TestFirewallWithoutGeoIP(t *testing.T) {
	in, err := os.Open("testdata/fortigate.log")
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var out bytes.Buffer
	if err := run(t.Context(), in, &out, ""); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"action" => "deny"`, `"srcip" => "203.0.113.7"`, `"_dissectfailure"`} {
		if !bytes.Contains(out.Bytes(), []byte(want)) {
			t.Errorf("output lacks %s:\n%s", want, out.Bytes())
		}
	}
	if bytes.Contains(out.Bytes(), []byte("geo")) {
		t.Errorf("geo fields without a database:\n%s", out.Bytes())
	}
}

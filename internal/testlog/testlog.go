// Package testlog gives tests and benchmarks sample logs in the tutorial's
// app.log format, written by the project's deterministic generator
// shared/data/genlogs.py (same arguments, same bytes).
package testlog

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// Script returns the path of genlogs.py: the first shared/data/genlogs.py
// found beside the working directory or one of its parents (the project's
// own checkout sits next to shared/), else the copy kept in this package,
// so that a plain clone runs the same tests. When python3 is missing the
// test is skipped, or fails when the CI environment variable is set, so
// that CI never skips silently.
func Script(tb testing.TB) string {
	tb.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		missing(tb, "python3 not found: "+err.Error())
	}
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "data", "genlogs.py")
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	_, self, _, ok := runtime.Caller(0)
	if ok {
		if p := filepath.Join(filepath.Dir(self), "genlogs.py"); exists(p) {
			return p
		}
	}
	missing(tb, "genlogs.py not found")
	return ""
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func missing(tb testing.TB, why string) {
	tb.Helper()
	if os.Getenv("CI") != "" {
		tb.Fatal("testlog: " + why)
	}
	tb.Skip("testlog: " + why)
}

// Write runs genlogs.py with args (for example "--lines", "1000",
// "--seed", "7", "--noise", "0.05") and writes its output to path.
func Write(tb testing.TB, path string, args ...string) {
	tb.Helper()
	cmd := exec.Command("python3", append([]string{Script(tb), "--out", path}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("testlog: genlogs.py %v: %v\n%s", args, err, out)
	}
}

// File writes genlogs.py output for args into a new file in tb.TempDir()
// and returns its path.
func File(tb testing.TB, args ...string) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "app.log")
	Write(tb, path, args...)
	return path
}

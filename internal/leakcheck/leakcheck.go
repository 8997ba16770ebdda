// Package leakcheck fails a test that leaves goroutines behind. It is a
// small stand-in for go.uber.org/goleak: it compares the goroutines alive
// at the end of the test with those alive at its start.
package leakcheck

import (
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// Check records the current goroutines and registers a cleanup that fails
// t if goroutines started during the test are still alive at its end. It
// waits up to 5 seconds for them to exit, since goroutines may still be
// returning when the code under test has already returned.
func Check(t testing.TB) {
	t.Helper()
	before := ids(stacks())
	t.Cleanup(func() {
		var leaked []string
		deadline := time.Now().Add(5 * time.Second)
		for {
			leaked = leaked[:0]
			for _, g := range stacks() {
				if !slices.Contains(before, id(g)) && !ignorable(g) {
					leaked = append(leaked, g)
				}
			}
			if len(leaked) == 0 || time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if len(leaked) > 0 {
			t.Errorf("leakcheck: %d goroutine(s) leaked:\n\n%s", len(leaked), strings.Join(leaked, "\n\n"))
		}
	})
}

func stacks() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if g = strings.TrimSpace(g); g != "" {
			out = append(out, g)
		}
	}
	return out
}

func id(g string) string {
	// "goroutine 12 [running]:"
	line, _, _ := strings.Cut(g, "\n")
	f := strings.Fields(line)
	if len(f) >= 2 {
		return f[1]
	}
	return line
}

func ids(gs []string) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = id(g)
	}
	return out
}

func ignorable(g string) bool {
	return strings.Contains(g, "leakcheck.stacks") ||
		strings.Contains(g, "testing.(*T).Run") ||
		strings.Contains(g, "testing.tRunner.func1") ||
		strings.Contains(g, "runtime.goexit") && strings.Contains(g, "os/signal.")
}

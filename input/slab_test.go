package input

import (
	"path/filepath"
	"testing"

	"github.com/logpipe/logpipe"
)

// The path and host fields of a file's events share their text; each
// event must still own its fields: a change to one event's [log][file]
// or [host] reaches no other event, and a path that text cannot hold
// exactly (not valid UTF-8) is kept exactly.
func TestFileSharedFieldsAreEachEventsOwn(t *testing.T) {
	for _, name := range []string{"app.log", "bad\xff.log"} {
		dir := t.TempDir()
		path := filepath.Join(dir, name)
		writeFile(t, path, "one\ntwo\nthree\n")
		evs := drain(t, newFile(t, FileConfig{Paths: []string{filepath.Join(dir, "*.log")}}))
		if len(evs) != 3 {
			t.Fatalf("%q: %d events", name, len(evs))
		}
		pathField, host := logpipe.MustPath("[log][file][path]"), logpipe.MustPath("[host][name]")
		for _, e := range evs {
			if v, _ := e.Get(pathField); v.Str() != path {
				t.Fatalf("path %q, want %q", v.Str(), path)
			}
		}
		want := evs[2].String()
		if err := evs[0].Set(logpipe.MustPath("[log][file][offset]"), logpipe.IntValue(1)); err != nil {
			t.Fatal(err)
		}
		if err := evs[0].Set(host, logpipe.StringValue("other")); err != nil {
			t.Fatal(err)
		}
		v, _ := evs[1].Get(logpipe.MustPath("[log][file]"))
		v.Object().Set("path", logpipe.StringValue("changed"))
		v, _ = evs[1].Get(logpipe.MustPath("[host]"))
		v.Object().Delete("name")
		c := evs[2].Clone()
		c.Delete(pathField)
		if got := evs[2].String(); got != want {
			t.Fatalf("untouched event changed:\n%s\nwant\n%s", got, want)
		}
		if v, _ := evs[0].Get(host); v.Str() != "other" {
			t.Fatalf("host %q", v.Str())
		}
		if v, _ := evs[0].Get(pathField); v.Str() != path {
			t.Fatalf("path after a sibling was set: %q", v.Str())
		}
		if v, _ := evs[1].Get(pathField); v.Str() != "changed" {
			t.Fatalf("event 1: %s", evs[1])
		}
		if _, ok := evs[1].Get(host); ok {
			t.Fatalf("event 1: %s", evs[1])
		}
	}
}

// Once a pipeline is seen reading the shared path or host objects, the
// input builds them for each event instead; a pipeline that only encodes
// them keeps sharing.
func TestFileStopsSharingFieldsThePipelineReads(t *testing.T) {
	for _, read := range []bool{false, true} {
		dir := t.TempDir()
		path := filepath.Join(dir, "app.log")
		writeFile(t, path, "1\n2\n3\n4\n5\n6\n")
		in := newFile(t, FileConfig{Paths: []string{path}, MaxBatch: 2})
		pathField := logpipe.MustPath("[log][file][path]")
		n := 0
		for {
			b, ack, err := in.Read(t.Context())
			if err != nil {
				break
			}
			for _, e := range b {
				n++
				if read {
					if v, _ := e.Get(pathField); v.Str() != path {
						t.Fatalf("path %q", v.Str())
					}
				} else if e.String() == "" {
					t.Fatal("no JSON")
				}
			}
			if err := ack(t.Context(), nil); err != nil {
				t.Fatal(err)
			}
			if in.eagerConst.Load() != read {
				t.Fatalf("read %v: eager %v after a batch", read, in.eagerConst.Load())
			}
		}
		if n != 6 {
			t.Fatalf("%d events", n)
		}
	}
}

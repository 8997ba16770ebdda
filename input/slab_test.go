package input

import (
	"math/rand/v2"
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

// readConstants samples one event in constSample, from a moving offset,
// across the slabs of a batch: a batch of which about half the events'
// shared objects were built is one the pipeline reads, one with 2% built
// is not, and every event the stride points at is looked at wherever
// the slabs split.
func TestReadConstantsSamples(t *testing.T) {
	ft := newFieldText([]string{"log", "file", "path"}, "/var/log/app.log")
	if !ft.ok {
		t.Fatal("no text")
	}
	// batch builds the plains of n events in slabs of the sizes the
	// builder takes (4, 8, 16, ...), built(i) telling which events' two
	// objects are read; it returns them and the number of texts.
	batch := func(n int, built func(i int) bool) ([][]plainEvent, int) {
		var slabs [][]plainEvent
		for i, size := 0, 4; i < n; size *= 2 {
			s := make([]plainEvent, min(size, n-i))
			for k := range s {
				for j := range s[k].texts {
					v := s[k].texts[j].Init(ft.text)
					if built(i + k) {
						v.Object().Len()
					}
				}
			}
			slabs = append(slabs, s)
			i += len(s)
		}
		return slabs, n * textsPerEvent
	}
	r := rand.New(rand.NewPCG(7, 8))
	coin := func(p float64) func(int) bool { return func(int) bool { return r.Float64() < p } }
	for _, c := range []struct {
		name   string
		n      int
		built  func(int) bool
		offset int
		want   bool
	}{
		{"none", 1024, func(int) bool { return false }, 0, false},
		{"all", 1024, func(int) bool { return true }, 3, true},
		{"all of one event", 1, func(int) bool { return true }, 0, true},
		{"half at random", 1024, coin(0.5), 0, true},
		{"2% at random", 1024, coin(0.02), 0, false},
		{"the offset's events, across slabs", 1000, func(i int) bool { return i%constSample == 5 }, 5, true},
		{"beside the offset's events", 1000, func(i int) bool { return i%constSample == 5 }, 4, false},
		{"offset past the stride", 1000, func(i int) bool { return i%constSample == 5 }, 5 + 3*constSample, true},
	} {
		plains, texts := batch(c.n, c.built)
		if got := readConstants(plains, texts, c.offset); got != c.want {
			t.Errorf("%s: readConstants = %v, want %v", c.name, got, c.want)
		}
	}
}

package filter

import (
	"testing"

	"github.com/logpipe/logpipe"
)

// event builds an Event from a JSON document (see Event.UnmarshalJSON).
func event(t testing.TB, doc string) *logpipe.Event {
	t.Helper()
	e := &logpipe.Event{}
	if err := e.UnmarshalJSON([]byte(doc)); err != nil {
		t.Fatalf("bad test event %s: %v", doc, err)
	}
	return e
}

// applyOne runs f on a one-event batch and returns the event.
func applyOne(t *testing.T, f logpipe.Filter, e *logpipe.Event) *logpipe.Event {
	t.Helper()
	out, err := f.Apply(t.Context(), logpipe.Batch{e})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if len(out) != 1 {
		t.Fatalf("Apply returned %d events, want 1", len(out))
	}
	return out[0]
}

// checkEvent compares got with the event described by want (JSON).
func checkEvent(t *testing.T, got *logpipe.Event, want string) {
	t.Helper()
	w := event(t, want)
	// Times and their RFC 3339 text differ in kind but encode alike, so an
	// identical encoding also counts as equal.
	if !got.Equal(w) && got.String() != w.String() {
		t.Errorf("event mismatch\n got: %s\nwant: %s", got, w)
	}
}

// checkCase runs one table case: the filter built without error, applied
// to the event in, gives want and is marked failed exactly when wantFailed.
func checkCase(t *testing.T, f logpipe.Filter, err error, in, want string, wantFailed bool) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	got := applyOne(t, f, event(t, in))
	checkEvent(t, got, want)
	if got.Failed() != wantFailed {
		t.Errorf("Failed() = %v, want %v", got.Failed(), wantFailed)
	}
}

// checkFields fails unless every field reference in want holds exactly
// the JSON value given for it and no field in absent exists.
func checkFields(t *testing.T, e *logpipe.Event, want map[string]string, absent []string) {
	t.Helper()
	for ref, js := range want {
		w, err := logpipe.ParseJSON(js)
		if err != nil {
			t.Fatalf("bad want %s: %v", js, err)
		}
		got, ok := e.Get(logpipe.MustPath(ref))
		if !ok || !got.Equal(w) {
			t.Errorf("%s = %s (found %v), want %s\nevent: %s", ref, got, ok, js, e)
		}
	}
	for _, ref := range absent {
		if v, ok := e.Get(logpipe.MustPath(ref)); ok {
			t.Errorf("%s = %s, want absent", ref, v)
		}
	}
}

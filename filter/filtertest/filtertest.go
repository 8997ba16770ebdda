package filtertest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
)

// Case is one row of a table test run by Run.
type Case struct {
	// Name names the subtest.
	Name string
	// In is the input event as a JSON object.
	In string
	// Want is the expected output: a JSON object for one event, a JSON
	// array of objects for a filter that emits several events, or ""
	// when the event must be dropped. A "@version": "1" key, as
	// Event.AppendJSON writes it, may be included or left out. Want is
	// not checked when WantErr is set.
	Want string
	// WantErr means Apply must return an error (the whole batch failed).
	WantErr bool
	// ErrIs, when set, must match Apply's error with errors.Is; it
	// implies WantErr.
	ErrIs error
	// WantFailed is what Event.Failed must report for every output event:
	// true when the filter recorded a failure (a failure tag or Fail),
	// false when it did not.
	WantFailed bool
	// Strict also requires the same key order (at every level) and the
	// same tag order.
	Strict bool
}

// Run runs each case as a subtest: it decodes In, applies f to a batch
// holding only that event (with t.Context()), and compares the result
// with Want, WantErr and WantFailed. Subtests fail with a path-by-path
// diff and the JSON of what the filter produced.
func Run(t *testing.T, f logpipe.Filter, cases []Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			t.Helper()
			in := Event(t, c.In)
			out, err := f.Apply(t.Context(), logpipe.Batch{in})
			if c.WantErr || c.ErrIs != nil {
				switch {
				case err == nil:
					t.Fatalf("Apply returned no error, want one; output: %s", batchJSON(out))
				case c.ErrIs != nil && !errors.Is(err, c.ErrIs):
					t.Fatalf("Apply error = %v, want one matching %v", err, c.ErrIs)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			want := Events(t, c.Want)
			if len(out) != len(want) {
				t.Fatalf("Apply returned %d events, want %d\ngot:  %s\nwant: %s", len(out), len(want), batchJSON(out), batchJSON(want))
			}
			for i, g := range out {
				if g == nil {
					t.Fatalf("event %d: Apply returned a nil event", i)
				}
				w := want[i]
				dropImplicitVersion(w, g)
				if d := Diff(w, g); d != "" {
					t.Errorf("event %d differs (-want +got by path):\n%s\ngot: %s", i, d, g)
				} else if c.Strict {
					if d := orderDiff(w, g); d != "" {
						t.Errorf("event %d: %s", i, d)
					}
				}
				if g.Failed() != c.WantFailed {
					t.Errorf("event %d: Failed() = %v, want %v (tags %q, err %v)", i, g.Failed(), c.WantFailed, g.Tags(), g.Err())
				}
			}
		})
	}
}

// Event decodes one JSON object into an event (see Event.UnmarshalJSON).
// It fails the test when s is not a JSON object.
func Event(t testing.TB, s string) *logpipe.Event {
	t.Helper()
	e := new(logpipe.Event)
	if err := e.UnmarshalJSON([]byte(s)); err != nil {
		t.Fatalf("filtertest: event %s: %v", s, err)
	}
	return e
}

// Events decodes s into events: a JSON object gives one event, a JSON
// array of objects one event per element, and "" (or only white space)
// none. It fails the test on anything else.
func Events(t testing.TB, s string) []*logpipe.Event {
	t.Helper()
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return nil
	case s[0] != '[':
		return []*logpipe.Event{Event(t, s)}
	}
	var raws []json.RawMessage
	if err := json.Unmarshal([]byte(s), &raws); err != nil {
		t.Fatalf("filtertest: events %s: %v", s, err)
	}
	out := make([]*logpipe.Event, len(raws))
	for i, r := range raws {
		out[i] = Event(t, string(r))
	}
	return out
}

// Apply runs f on a batch of events with t.Context() and returns the
// result. It fails the test when Apply returns an error or a nil event.
func Apply(t testing.TB, f logpipe.Filter, events ...*logpipe.Event) logpipe.Batch {
	t.Helper()
	ctx := t.Context()
	out, err := f.Apply(ctx, logpipe.Batch(events))
	if err != nil {
		t.Fatalf("filtertest: Apply: %v", err)
	}
	for i, e := range out {
		if e == nil {
			t.Fatalf("filtertest: Apply returned a nil event at index %d", i)
		}
	}
	return out
}

// Diff returns "" when want and got are Equal (same timestamp, fields and
// metadata regardless of key order, numbers compared by value, tags as a
// set), and otherwise one line per difference, each naming the path:
//
//	[log_data][status_code]: got 200, want 500
//	[user]: got <missing>, want "bob"
//	tags: got extra "_jsonparsefailure"
//
// Errors recorded with Event.Fail are not compared.
func Diff(want, got *logpipe.Event) string {
	switch {
	case want == nil && got == nil:
		return ""
	case want == nil:
		return "event: got " + got.String() + ", want <nil>\n"
	case got == nil:
		return "event: got <nil>, want " + want.String() + "\n"
	}
	var d differ
	if !want.Timestamp.Equal(got.Timestamp) {
		d.add("@timestamp", timeText(got), timeText(want))
	}
	d.object("", want.Fields(), got.Fields())
	d.object("[@metadata]", want.Meta(), got.Meta())
	for _, tag := range got.Tags() {
		if !want.HasTag(tag) {
			d.lines = append(d.lines, fmt.Sprintf("tags: got extra %q", tag))
		}
	}
	for _, tag := range want.Tags() {
		if !got.HasTag(tag) {
			d.lines = append(d.lines, fmt.Sprintf("tags: missing %q", tag))
		}
	}
	if len(d.lines) == 0 && !want.Equal(got) {
		// Should not happen; never report equal events that Equal rejects.
		d.lines = append(d.lines, "event: got "+got.String()+", want "+want.String())
	}
	if len(d.lines) == 0 {
		return ""
	}
	return strings.Join(d.lines, "\n") + "\n"
}

func timeText(e *logpipe.Event) string {
	if e.Timestamp.IsZero() {
		return "<missing>"
	}
	return e.Timestamp.UTC().Format(time.RFC3339Nano)
}

type differ struct{ lines []string }

func (d *differ) add(path, got, want string) {
	d.lines = append(d.lines, path+": got "+got+", want "+want)
}

func valueText(v logpipe.Value) string { return string(v.AppendJSON(nil)) }

func (d *differ) object(prefix string, want, got *logpipe.Object) {
	for k, w := range want.All() {
		p := prefix + "[" + k + "]"
		g, ok := got.Get(k)
		if !ok {
			d.add(p, "<missing>", valueText(w))
			continue
		}
		d.value(p, w, g)
	}
	for k, g := range got.All() {
		if !want.Has(k) {
			d.add(prefix+"["+k+"]", valueText(g), "<missing>")
		}
	}
}

func (d *differ) value(path string, want, got logpipe.Value) {
	if want.Equal(got) {
		return
	}
	switch {
	case want.Kind() == logpipe.KindObject && got.Kind() == logpipe.KindObject:
		d.object(path, want.Object(), got.Object())
		return
	case want.Kind() == logpipe.KindArray && got.Kind() == logpipe.KindArray:
		wa, ga := want.Array(), got.Array()
		if len(wa) == len(ga) {
			for i := range wa {
				d.value(fmt.Sprintf("%s[%d]", path, i), wa[i], ga[i])
			}
			return
		}
	}
	d.add(path, valueText(got), valueText(want))
}

// dropImplicitVersion removes a "@version": "1" from want when got has no
// such field, since Event.AppendJSON writes it for every event.
func dropImplicitVersion(want, got *logpipe.Event) {
	v, ok := want.Fields().Get("@version")
	if ok && v.Kind() == logpipe.KindString && v.Str() == "1" && !got.Fields().Has("@version") {
		want.Fields().Delete("@version")
	}
}

// orderDiff reports a difference in key or tag order between two events
// that are Equal.
func orderDiff(want, got *logpipe.Event) string {
	if w, g := want.AppendJSON(nil), got.AppendJSON(nil); !bytes.Equal(w, g) {
		return fmt.Sprintf("key or tag order differs:\ngot:  %s\nwant: %s", g, w)
	}
	if w, g := want.Meta().AppendJSON(nil), got.Meta().AppendJSON(nil); !bytes.Equal(w, g) {
		return fmt.Sprintf("metadata key order differs:\ngot:  %s\nwant: %s", g, w)
	}
	if !slices.Equal(want.Tags(), got.Tags()) {
		return fmt.Sprintf("tag order differs: got %q, want %q", got.Tags(), want.Tags())
	}
	return ""
}

func batchJSON(b []*logpipe.Event) string {
	var sb strings.Builder
	sb.WriteByte('[')
	for i, e := range b {
		if i > 0 {
			sb.WriteByte(',')
		}
		if e == nil {
			sb.WriteString("null")
			continue
		}
		sb.Write(e.AppendJSON(nil))
	}
	sb.WriteByte(']')
	return sb.String()
}

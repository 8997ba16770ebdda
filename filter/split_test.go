package filter

import (
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
)

// TestSplitSpec holds the cases of Logstash's split spec
// (spec/filters/split_spec.rb): the event and the events it becomes.
func TestSplitSpec(t *testing.T) {
	tests := []struct {
		name       string
		cfg        SplitConfig
		in         string
		want       []string
		wantFailed bool
	}{
		{name: "all defaults", in: `{"message":"big\nbird\nsesame street"}`, want: []string{`{"message":"big"}`, `{"message":"bird"}`, `{"message":"sesame street"}`}},
		{name: "custom terminator", cfg: SplitConfig{Terminator: "\t"}, in: `{"message":"big\tbird\tsesame street"}`, want: []string{`{"message":"big"}`, `{"message":"bird"}`, `{"message":"sesame street"}`}},
		{
			name: "custom field", cfg: SplitConfig{Field: "custom"},
			in:   `{"custom":"big\nbird\nsesame street","do_not_touch":"1\n2\n3"}`,
			want: []string{`{"custom":"big","do_not_touch":"1\n2\n3"}`, `{"custom":"bird","do_not_touch":"1\n2\n3"}`, `{"custom":"sesame street","do_not_touch":"1\n2\n3"}`},
		},
		{
			name: "split array", cfg: SplitConfig{Field: "array"},
			in:   `{"array":["big","bird","sesame street"],"untouched":"1\n2\n3"}`,
			want: []string{`{"array":"big","untouched":"1\n2\n3"}`, `{"array":"bird","untouched":"1\n2\n3"}`, `{"array":"sesame street","untouched":"1\n2\n3"}`},
		},
		{name: "array of one", cfg: SplitConfig{Field: "array"}, in: `{"array":["big"],"untouched":"1\n2\n3"}`, want: []string{`{"array":"big","untouched":"1\n2\n3"}`}},
		{name: "array with nil", cfg: SplitConfig{Field: "array"}, in: `{"array":["big",null,"bird",null,"sesame street"]}`, want: []string{`{"array":"big"}`, `{"array":"bird"}`, `{"array":"sesame street"}`}},
		{
			name: "array into a new field", cfg: SplitConfig{Field: "array", Target: "element"},
			in:   `{"array":["big","bird","sesame street"]}`,
			want: []string{`{"array":["big","bird","sesame street"],"element":"big"}`, `{"array":["big","bird","sesame street"],"element":"bird"}`, `{"array":["big","bird","sesame street"],"element":"sesame street"}`},
		},
		{name: "array of numbers", cfg: SplitConfig{Field: "array", Target: "element"}, in: `{"array":[1,2,3]}`, want: []string{`{"array":[1,2,3],"element":1}`, `{"array":[1,2,3],"element":2}`, `{"array":[1,2,3],"element":3}`}},
		{name: "array of numbers and strings", cfg: SplitConfig{Field: "array", Target: "element"}, in: `{"array":[1,2,"three",""]}`, want: []string{`{"array":[1,2,"three",""],"element":1}`, `{"array":[1,2,"three",""],"element":2}`, `{"array":[1,2,"three",""],"element":"three"}`}},
		// split.rb skips only nil and "" (next if value.nil? ||
		// (value.is_a?(String) && value.empty?)): {} and [] are events.
		{name: "empty objects and arrays are split out", cfg: SplitConfig{Field: "records"}, in: `{"records":[{},{"a":1},[]]}`, want: []string{`{"records":{}}`, `{"records":{"a":1}}`, `{"records":[]}`}},
		{name: "invalid type is tagged", cfg: SplitConfig{Field: "field"}, in: `{"field":10}`, want: []string{`{"field":10,"tags":["_splitparsefailure"]}`}, wantFailed: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := NewSplit(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			out, err := f.Apply(t.Context(), logpipe.Batch{event(t, tc.in)})
			if err != nil {
				t.Fatal(err)
			}
			if len(out) != len(tc.want) {
				t.Fatalf("%d events, want %d", len(out), len(tc.want))
			}
			for i, w := range tc.want {
				checkEvent(t, out[i], w)
				if out[i].Failed() != tc.wantFailed {
					t.Errorf("event %d: Failed() = %v", i, out[i].Failed())
				}
			}
		})
	}
}

func TestSplit(t *testing.T) {
	t.Run("ids get a suffix and batch order is kept", func(t *testing.T) {
		f, err := NewSplit(SplitConfig{Field: "items", Common: Common{AddTag: []string{"split"}}})
		if err != nil {
			t.Fatal(err)
		}
		a := event(t, `{"message":"before"}`)
		b := event(t, `{"items":[{"n":1},{},{"n":2},null]}`)
		b.Meta().Set("id", logpipe.StringValue("f1-100"))
		c := event(t, `{"message":"after"}`)
		out, _ := f.Apply(t.Context(), logpipe.Batch{a, b, c})
		var got []string
		for _, e := range out {
			id, _ := e.Get(metaID)
			got = append(got, e.String()+" "+id.Str())
		}
		want := []string{
			`{"@version":"1","message":"before","tags":["_splitparsefailure"]} `,
			`{"@version":"1","items":{"n":1},"tags":["split"]} f1-100.0`,
			`{"@version":"1","items":{},"tags":["split"]} f1-100.1`,
			`{"@version":"1","items":{"n":2},"tags":["split"]} f1-100.2`,
			`{"@version":"1","message":"after","tags":["_splitparsefailure"]} `,
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
	t.Run("string without terminator stays", func(t *testing.T) {
		f, _ := NewSplit(SplitConfig{})
		out, _ := f.Apply(t.Context(), logpipe.Batch{event(t, `{"message":"one line"}`)})
		if len(out) != 1 || out[0].Message() != "one line" || out[0].Failed() {
			t.Fatalf("got %v", out)
		}
	})
	t.Run("empty array keeps the event", func(t *testing.T) {
		f, _ := NewSplit(SplitConfig{Field: "a"})
		out, _ := f.Apply(t.Context(), logpipe.Batch{event(t, `{"a":["",null]}`)})
		if len(out) != 1 {
			t.Fatalf("%d events", len(out))
		}
		checkEvent(t, out[0], `{"a":["",null]}`)
	})
	t.Run("too many pieces", func(t *testing.T) {
		f, _ := NewSplit(SplitConfig{MaxEvents: 2})
		out, _ := f.Apply(t.Context(), logpipe.Batch{event(t, `{"message":"a\nb\nc"}`)})
		if len(out) != 1 || !out[0].HasTag("_splitparsefailure") || out[0].Message() != "a\nb\nc" {
			t.Fatalf("got %v", out)
		}
	})
	t.Run("large array is split in linear time", func(t *testing.T) {
		f, _ := NewSplit(SplitConfig{})
		e := logpipe.NewEvent(strings.Repeat("x\n", 9999) + "x")
		out, _ := f.Apply(t.Context(), logpipe.Batch{e})
		if len(out) != 10000 {
			t.Fatalf("%d events", len(out))
		}
	})
}

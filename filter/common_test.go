package filter

import (
	"context"
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
)

// commonOnly is a filter that always succeeds and then applies the
// common options, as every built-in filter does.
type commonOnly struct{ c common }

func (f commonOnly) Apply(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
	for _, e := range b {
		f.c.apply(e)
	}
	return b, nil
}

func TestCommon(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Common
		in      string
		want    string
		wantErr bool
	}{
		{name: "zero value does nothing", in: `{"a":1,"tags":["x"]}`, want: `{"a":1,"tags":["x"]}`},
		{name: "Logstash order: remove_field before add_tag", cfg: Common{AddTag: []string{"from_%{x}"}, RemoveField: []string{"x"}},
			in: `{"x":"X"}`, want: `{"tags":["from_%{x}"]}`},
		{name: "Logstash order: remove_field tags, then add_tag", cfg: Common{AddTag: []string{"new"}, RemoveField: []string{"tags"}},
			in: `{"tags":["old"]}`, want: `{"tags":["new"]}`},
		{name: "add_field with template", cfg: Common{AddField: Pairs{{"[http][path]", "%{[log_data][path]}"}, {"static", "v"}}},
			in:   `{"log_data":{"path":"/items"}}`,
			want: `{"log_data":{"path":"/items"},"http":{"path":"/items"},"static":"v"}`},
		{name: "add_field onto existing scalar makes an array", cfg: Common{AddField: Pairs{{"a", "new"}}},
			in: `{"a":"old"}`, want: `{"a":["old","new"]}`},
		{name: "add_field onto null makes a one-element array (Logstash's Array(nil) << v)", cfg: Common{AddField: Pairs{{"a", "new"}}},
			in: `{"a":null}`, want: `{"a":["new"]}`},
		{name: "add_field onto existing array appends", cfg: Common{AddField: Pairs{{"a", "new"}}},
			in: `{"a":["x","y"]}`, want: `{"a":["x","y","new"]}`},
		{name: "add_field with unresolved reference keeps it literally", cfg: Common{AddField: Pairs{{"a", "%{missing}"}}},
			in: `{}`, want: `{"a":"%{missing}"}`},
		{name: "add_field with a dynamic key", cfg: Common{AddField: Pairs{{"seen_%{kind}", "yes"}}},
			in: `{"kind":"web"}`, want: `{"kind":"web","seen_web":"yes"}`},
		{name: "add_field conflict fails the event", cfg: Common{AddField: Pairs{{"[a][b]", "x"}}},
			in: `{"a":"scalar"}`, want: `{"a":"scalar"}`, wantErr: true},
		{name: "add_tag with template, no duplicates", cfg: Common{AddTag: []string{"lvl_%{level}", "x"}},
			in: `{"level":"info","tags":["x"]}`, want: `{"level":"info","tags":["x","lvl_info"]}`},
		{name: "remove_field fixed, nested, metadata and missing", cfg: Common{RemoveField: []string{"message", "[a][b]", "[@metadata][m]", "nope"}},
			in:   `{"message":"m","a":{"b":1,"c":2},"@metadata":{"m":1,"k":2}}`,
			want: `{"a":{"c":2},"@metadata":{"k":2}}`},
		{name: "remove_field by template", cfg: Common{RemoveField: []string{"%{which}"}},
			in: `{"which":"gone","gone":1}`, want: `{"which":"gone"}`},
		{name: "remove_tag with template", cfg: Common{RemoveTag: []string{"%{t}", "absent"}},
			in: `{"t":"b","tags":["a","b"]}`, want: `{"t":"b","tags":["a"]}`},
		{name: "order: add_field before remove_field, add_tag before remove_tag", cfg: Common{
			AddField:    Pairs{{"copy", "%{message}"}},
			RemoveField: []string{"message"},
			AddTag:      []string{"t"},
			RemoveTag:   []string{"t"},
		}, in: `{"message":"m"}`, want: `{"copy":"m"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tc.cfg.compile()
			if err != nil {
				t.Fatal(err)
			}
			got := applyOne(t, commonOnly{c}, event(t, tc.in))
			checkEvent(t, got, tc.want)
			if (got.Err() != nil) != tc.wantErr {
				t.Errorf("Err() = %v, want error: %v", got.Err(), tc.wantErr)
			}
		})
	}
}

func TestCommonCompileErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Common
		opt  string
	}{
		{"bad add_field key", Common{AddField: Pairs{{"[a", "x"}}}, "add_field"},
		{"bad add_field key template", Common{AddField: Pairs{{"%{}", "x"}}}, "add_field"},
		{"bad add_field value", Common{AddField: Pairs{{"a", "%{}"}}}, "add_field"},
		{"bad add_tag", Common{AddTag: []string{"%{}"}}, "add_tag"},
		{"bad remove_field", Common{RemoveField: []string{"a]"}}, "remove_field"},
		{"bad remove_tag", Common{RemoveTag: []string{"%{}"}}, "remove_tag"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.cfg.compile()
			if err == nil || !strings.HasPrefix(err.Error(), tc.opt) {
				t.Errorf("compile error = %v, want one naming %s", err, tc.opt)
			}
		})
	}
}

// TestFiltersApplyCommonOnlyOnSuccess checks the rule for every parse
// filter: the common options run when the filter succeeded and never when
// it failed.
func TestFiltersApplyCommonOnlyOnSuccess(t *testing.T) {
	c := Common{AddTag: []string{"ok"}}
	j, _ := NewJSON(JSONConfig{Source: "message", Common: c})
	d, _ := NewDate(DateConfig{Source: "message", Formats: []string{"ISO8601"}, Common: c})
	for name, f := range map[string]logpipe.Filter{"json": j, "date": d} {
		t.Run(name, func(t *testing.T) {
			ok := applyOne(t, f, logpipe.NewEvent(`2024-12-21`))
			bad := applyOne(t, f, logpipe.NewEvent(`{"a":`))
			if name == "json" {
				ok = applyOne(t, f, logpipe.NewEvent(`{"a":1}`))
			}
			if !ok.HasTag("ok") || ok.Failed() {
				t.Errorf("success: tags %v, failed %v", ok.Tags(), ok.Failed())
			}
			if bad.HasTag("ok") || !bad.Failed() {
				t.Errorf("failure: tags %v, failed %v", bad.Tags(), bad.Failed())
			}
		})
	}
}

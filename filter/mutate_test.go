package filter

import (
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
)

func TestMutate(t *testing.T) {
	tests := []struct {
		name       string
		cfg        MutateConfig
		in         string
		want       string
		wantFailed bool
	}{
		{name: "rename", cfg: MutateConfig{Rename: Pairs{{"a", "[x][y]"}, {"missing", "z"}}},
			in: `{"a":1,"b":2}`, want: `{"b":2,"x":{"y":1}}`},
		// Entries apply in the order written: the second rename sees the
		// first one's result (sorted order would run "b" first and lose it).
		{name: "renames chain in order", cfg: MutateConfig{Rename: Pairs{{"c", "d"}, {"a", "b"}, {"b", "c"}}},
			in: `{"a":1,"c":3}`, want: `{"d":3,"c":1}`},
		{name: "add_field in order sees earlier fields", cfg: MutateConfig{Common: Common{AddField: Pairs{{"z", "first"}, {"a", "%{z}!"}}}},
			in: `{}`, want: `{"z":"first","a":"first!"}`},
		{name: "rename conflict is tagged", cfg: MutateConfig{Rename: Pairs{{"a", "[b][c]"}}},
			in: `{"a":1,"b":2}`, want: `{"b":2,"tags":["_mutate_error"]}`, wantFailed: true},
		{name: "update only existing", cfg: MutateConfig{Update: Pairs{{"a", "new %{b}"}, {"nope", "x"}}},
			in: `{"a":1,"b":2}`, want: `{"a":"new 2","b":2}`},
		{name: "replace creates", cfg: MutateConfig{Replace: Pairs{{"[n][m]", "v"}}},
			in: `{}`, want: `{"n":{"m":"v"}}`},
		{name: "coerce null", cfg: MutateConfig{Coerce: Pairs{{"a", "default"}, {"b", "no"}}},
			in: `{"a":null,"b":"kept"}`, want: `{"a":"default","b":"kept"}`},
		{name: "convert integer", cfg: MutateConfig{Convert: Pairs{{"s", "integer"}, {"f", "integer"}, {"b", "integer"}, {"c", "integer"}, {"bad", "integer"}, {"arr", "integer"}}},
			in:   `{"s":"1,000","f":-2.7,"b":true,"c":"3.99","bad":"abc","arr":["1","2"]}`,
			want: `{"s":1000,"f":-2,"b":1,"c":3,"bad":0,"arr":[1,2]}`},
		{name: "convert integer_eu", cfg: MutateConfig{Convert: Pairs{{"s", "integer_eu"}}},
			in: `{"s":"1.000"}`, want: `{"s":1000}`},
		{name: "convert float", cfg: MutateConfig{Convert: Pairs{{"s", "float"}, {"i", "float"}, {"b", "float"}}},
			in: `{"s":"1,000.5","i":3,"b":false}`, want: `{"s":1000.5,"i":3.0,"b":0.0}`},
		{name: "convert float_eu", cfg: MutateConfig{Convert: Pairs{{"s", "float_eu"}}},
			in: `{"s":"1.000,5"}`, want: `{"s":1000.5}`},
		{name: "convert boolean", cfg: MutateConfig{Convert: Pairs{{"a", "boolean"}, {"b", "boolean"}, {"c", "boolean"}, {"d", "boolean"}, {"e", "boolean"}, {"f", "boolean"}}},
			in: `{"a":"YES","b":"f","c":1,"d":0.0,"e":"maybe","f":""}`, want: `{"a":true,"b":false,"c":true,"d":false,"e":"maybe","f":false}`},
		// mutate.rb's convert: "when Hash: I don't know how to type
		// convert a hash, skipping", for every type.
		{name: "convert string", cfg: MutateConfig{Convert: Pairs{{"a", "string"}, {"b", "string"}, {"c", "string"}}},
			in: `{"a":200,"b":0.50,"c":{"k":true}}`, want: `{"a":"200","b":"0.50","c":{"k":true}}`},
		{name: "gsub dollar is literal, as in Ruby", cfg: MutateConfig{Gsub: []GsubRule{{Field: "p", Pattern: `(\d+)`, Replacement: `$1 USD \1`}}},
			in: `{"p":"42"}`, want: `{"p":"$1 USD 42"}`},
		// Ruby's gsub: \\ in a replacement is one backslash, \& and \0
		// the whole match, \k<name> a named group; other escapes are text.
		{name: "gsub replacement escapes as Ruby's", cfg: MutateConfig{Gsub: []GsubRule{
			{Field: "path", Pattern: "/", Replacement: `\\`},
			{Field: "w", Pattern: `(?P<word>[a-z]+)`, Replacement: `<\&|\0|\k<word>|\n>`},
		}}, in: `{"path":"a/b","w":"hi"}`, want: `{"path":"a\\b","w":"<hi|hi|hi|\\n>"}`},
		{name: "gsub with back-reference", cfg: MutateConfig{Gsub: []GsubRule{{Field: "path", Pattern: `/items/(\d+)`, Replacement: `/items/:id(\1)`}, {Field: "arr", Pattern: "-", Replacement: "_"}}},
			in: `{"path":"/items/4323","arr":["a-b",1]}`, want: `{"path":"/items/:id(4323)","arr":["a_b",1]}`},
		// mutate_spec.rb: "gsub on a String with dynamic fields (%{}) in
		// pattern", "... in pattern and replace" (LOGSTASH-1529) and "gsub
		// on a String array with dynamic fields in pattern".
		{name: "gsub fills in references in pattern and replacement", cfg: MutateConfig{Gsub: []GsubRule{
			{Field: "unicorns", Pattern: "of type %{unicorn_type}", Replacement: "green"},
			{Field: "unicorns2", Pattern: "of type %{unicorn_color}", Replacement: "%{unicorn_color} and green"},
			{Field: "arr", Pattern: "of type %{unicorn_color}", Replacement: "blue and green"},
			{Field: "p", Pattern: "(\\d+)", Replacement: "%{[cur][code]} \\1"},
		}},
			in:   `{"unicorns":"Unicorns of type blue are common","unicorn_type":"blue","unicorns2":"Unicorns of type blue are common","unicorn_color":"blue","arr":["Unicorns of type blue are found in Alaska","x"],"p":"42","cur":{"code":"$"}}`,
			want: `{"unicorns":"Unicorns green are common","unicorn_type":"blue","unicorns2":"Unicorns blue and green are common","unicorn_color":"blue","arr":["Unicorns blue and green are found in Alaska","x"],"p":"$ 42","cur":{"code":"$"}}`},
		{name: "gsub pattern filled in to a bad regexp fails the event", cfg: MutateConfig{Gsub: []GsubRule{{Field: "s", Pattern: "%{re}", Replacement: "x"}}},
			in: `{"s":"a(b","re":"("}`, want: `{"s":"a(b","re":"(","tags":["_mutate_error"]}`, wantFailed: true},
		{name: "case and strip", cfg: MutateConfig{Uppercase: []string{"u"}, Lowercase: []string{"l"}, Capitalize: []string{"c"}, Strip: []string{"s"}},
			in: `{"u":"get","l":"ERROR","c":"hELLO","s":"  x \t"}`, want: `{"u":"GET","l":"error","c":"Hello","s":"x"}`},
		// Ruby's strip and split(" ") know only ASCII white space (and
		// strip trailing NULs): a no-break space or an ideographic space
		// is text.
		{name: "strip and split on a space know only ASCII white space", cfg: MutateConfig{Strip: []string{"s"}, Split: Pairs{{"sp", " "}}},
			in: "{\"s\":\"\u00a0 x\\u0000\u3000\\t\\u0000\",\"sp\":\"a\u00a0b\\u000bc\"}", want: "{\"s\":\"\u00a0 x\\u0000\u3000\",\"sp\":[\"a\u00a0b\",\"c\"]}"},
		{name: "split drops trailing empties", cfg: MutateConfig{Split: Pairs{{"csv", ","}, {"num", ","}}},
			in: `{"csv":"a,b,,c,,","num":5}`, want: `{"csv":["a","b","","c"],"num":5}`},
		{name: "join", cfg: MutateConfig{Join: Pairs{{"arr", "|"}, {"s", ","}}},
			in: `{"arr":["a",1,true],"s":"x"}`, want: `{"arr":"a|1|true","s":"x"}`},
		{name: "merge string into string", cfg: MutateConfig{Merge: Pairs{{"d", "a"}}},
			in: `{"d":"x","a":"y"}`, want: `{"d":["x","y"],"a":"y"}`},
		{name: "merge array into array", cfg: MutateConfig{Merge: Pairs{{"d", "a"}}},
			in: `{"d":[1],"a":[2,3]}`, want: `{"d":[1,2,3],"a":[2,3]}`},
		{name: "merge objects", cfg: MutateConfig{Merge: Pairs{{"d", "a"}}},
			in: `{"d":{"x":1},"a":{"y":2}}`, want: `{"d":{"x":1,"y":2},"a":{"y":2}}`},
		// Logstash: event.set(dest, Array(dest).concat(Array(added))).
		{name: "merge into missing dest makes an array", cfg: MutateConfig{Merge: Pairs{{"d", "a"}}},
			in: `{"a":"y"}`, want: `{"a":"y","d":["y"]}`},
		{name: "merge of a missing field makes the dest an array", cfg: MutateConfig{Merge: Pairs{{"d", "a"}}},
			in: `{"d":"x"}`, want: `{"d":["x"]}`},
		{name: "merge treats null as empty", cfg: MutateConfig{Merge: Pairs{{"d", "a"}}},
			in: `{"d":null,"a":[1,null]}`, want: `{"d":[1,null],"a":[1,null]}`},
		{name: "copy skips null, as Logstash's next if original.nil?", cfg: MutateConfig{Copy: Pairs{{"n", "n2"}, {"a", "a2"}}},
			in: `{"n":null,"a":1}`, want: `{"n":null,"a":1,"a2":1}`},
		{name: "rename fills in references in both names", cfg: MutateConfig{Rename: Pairs{{"%{src}", "[by_%{t}][v]"}}},
			in: `{"src":"a","a":1,"t":"x"}`, want: `{"src":"a","t":"x","by_x":{"v":1}}`},
		{name: "rename to a reference that does not parse fails the event", cfg: MutateConfig{Rename: Pairs{{"a", "%{t}"}}},
			in: `{"a":1,"t":"[x"}`, want: `{"a":1,"t":"[x","tags":["_mutate_error"]}`, wantFailed: true},
		{name: "convert integer reads exponents and keeps long decimals exact", cfg: MutateConfig{Convert: Pairs{{"e", "integer"}, {"l", "integer"}, {"n", "integer"}}},
			in: `{"e":"1e3","l":"12345678901234567.8","n":"-2.5E1"}`, want: `{"e":1000,"l":12345678901234567,"n":-25}`},
		{name: "merge object with array is skipped untagged, as in Logstash", cfg: MutateConfig{Merge: Pairs{{"d", "a"}}},
			in: `{"d":[1],"a":{"y":2}}`, want: `{"d":[1],"a":{"y":2}}`},
		{name: "split on a space splits on runs of white space", cfg: MutateConfig{Split: Pairs{{"s", " "}}},
			in: `{"s":"  x  y "}`, want: `{"s":["x","y"]}`},
		{name: "join writes null as empty", cfg: MutateConfig{Join: Pairs{{"a", ","}}},
			in: `{"a":[1,"b",null]}`, want: `{"a":"1,b,"}`},
		// logstash-filter-mutate's join (lib/logstash/filters/mutate.rb) is
		// value.join(separator), Ruby's Array#join: a nested array is
		// joined recursively with the same separator (an empty one adds
		// nothing between its neighbours' separators), nil is "", and
		// any other element is its to_s, a hash's being its inspect form.
		{name: "join flattens nested arrays as Ruby's Array#join", cfg: MutateConfig{Join: Pairs{{"a", ","}}},
			in: `{"a":[1,[2,[3,null]],[],"x"]}`, want: `{"a":"1,2,3,,,x"}`},
		{name: "join writes an object as Ruby's Hash#to_s", cfg: MutateConfig{Join: Pairs{{"a", "|"}}},
			in: `{"a":["x",{"b":1,"a":["y",null],"c":{"d":true}}]}`, want: `{"a":"x|{\"b\"=>1, \"a\"=>[\"y\", nil], \"c\"=>{\"d\"=>true}}"}`},
		{name: "join of an array holding only an empty array is empty", cfg: MutateConfig{Join: Pairs{{"a", ","}}},
			in: `{"a":[[]]}`, want: `{"a":""}`},
		{name: "convert float refuses infinity", cfg: MutateConfig{Convert: Pairs{{"a", "float"}}},
			in: `{"a":"Infinity"}`, want: `{"a":0.0}`},
		{name: "convert reads a leading number as Ruby's to_i and to_f", cfg: MutateConfig{Convert: Pairs{{"i", "integer"}, {"f", "float"}}},
			in: `{"i":"12abc","f":"1.5kg"}`, want: `{"i":12,"f":1.5}`},
		{name: "copy is deep", cfg: MutateConfig{Copy: Pairs{{"src", "dst"}}, Replace: Pairs{{"[src][k]", "changed-before-copy"}}},
			in: `{"src":{"k":"v"}}`, want: `{"src":{"k":"changed-before-copy"},"dst":{"k":"changed-before-copy"}}`},
		{name: "order: rename before replace before convert before copy", cfg: MutateConfig{
			Rename:  Pairs{{"a", "b"}},
			Replace: Pairs{{"c", "%{b}"}},
			Convert: Pairs{{"c", "integer"}},
			Copy:    Pairs{{"c", "d"}},
		}, in: `{"a":"42"}`, want: `{"b":"42","c":42,"d":42}`},
		{name: "common options after mutations", cfg: MutateConfig{
			Rename: Pairs{{"a", "b"}},
			Common: Common{RemoveField: []string{"b"}, AddField: Pairs{{"x", "%{a}"}}, AddTag: []string{"m"}},
		}, in: `{"a":"1"}`, want: `{"x":"%{a}","tags":["m"]}`},
		// Logstash's mutate rescues the failure and tags it instead of
		// calling filter_matched: no add_field, remove_field or add_tag.
		{name: "common options skipped when an operation failed", cfg: MutateConfig{
			Rename:  Pairs{{"a", "[b][c]"}},
			Replace: Pairs{{"r", "done"}},
			Common:  Common{AddTag: []string{"ok"}, AddField: Pairs{{"x", "1"}}, RemoveField: []string{"b"}},
		}, in: `{"a":1,"b":2}`, want: `{"b":2,"r":"done","tags":["_mutate_error"]}`, wantFailed: true},
		{name: "custom failure tag off", cfg: MutateConfig{Rename: Pairs{{"a", "[b][c]"}}, TagOnFailure: []string{}},
			in: `{"a":1,"b":2}`, want: `{"b":2}`, wantFailed: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := NewMutate(tc.cfg)
			checkCase(t, f, err, tc.in, tc.want, tc.wantFailed)
		})
	}
}

func TestNewMutateErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  MutateConfig
	}{
		{"bad rename source", MutateConfig{Rename: Pairs{{"[a", "b"}}}},
		{"bad rename target", MutateConfig{Rename: Pairs{{"a", ""}}}},
		{"bad convert type", MutateConfig{Convert: Pairs{{"a", "int"}}}},
		{"bad gsub pattern", MutateConfig{Gsub: []GsubRule{{Field: "a", Pattern: "(?<=x)"}}}},
		{"bad gsub field", MutateConfig{Gsub: []GsubRule{{Pattern: "x"}}}},
		{"bad replace template", MutateConfig{Replace: Pairs{{"a", "%{}"}}}},
		{"bad uppercase", MutateConfig{Uppercase: []string{"a]"}}},
		{"bad split", MutateConfig{Split: Pairs{{"[", ","}}}},
		{"bad common", MutateConfig{Common: Common{AddField: Pairs{{"", "x"}}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewMutate(tc.cfg); err == nil {
				t.Error("NewMutate succeeded, want an error")
			} else if !strings.HasPrefix(err.Error(), "filter: mutate: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

// TestMutateJoinFloat: Array#join writes a Float element as Float#to_s,
// exponent form from 1e16 on.
func TestMutateJoinFloat(t *testing.T) {
	m, err := NewMutate(MutateConfig{Join: Pairs{{"a", ","}}})
	if err != nil {
		t.Fatal(err)
	}
	e := logpipe.NewEvent("")
	if err := e.Set(logpipe.MustPath("a"), logpipe.ArrayValue(logpipe.FloatValue(1), logpipe.FloatValue(1e20), logpipe.ArrayValue(logpipe.FloatValue(0.5)))); err != nil {
		t.Fatal(err)
	}
	e = applyOne(t, m, e)
	if got, _ := e.Get(logpipe.MustPath("a")); got.Str() != "1.0,1.0e+20,0.5" {
		t.Errorf("joined %s, want \"1.0,1.0e+20,0.5\"", got)
	}
}

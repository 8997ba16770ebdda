package filter

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/logpipe/logpipe"
)

var statusDict = Pairs{{"200", "OK"}, {"300", "Redirect"}, {"400", "Client Error"}, {"500", "Server Error"}}

func writeDict(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTranslateSpec holds the cases of Logstash's translate spec
// (spec/filters/translate_spec.rb); the dictionary files are written
// here with the entries the spec's fixtures hold.
func TestTranslateSpec(t *testing.T) {
	yml := writeDict(t, "dict.yml", "a: 1\nb: 2\nc: 3\n")
	jsn := writeDict(t, "dict.json", `{"10.2.10.3":{"ip":"10.2.10.3","lat":-1.234,"lng":12.345,"loc":[12.345,-1.234],"name":"app-svr-103"}}`)
	csv := writeDict(t, "dict.csv", "a,100\nb,200\nc,300\n")
	tests := []struct {
		name string
		cfg  TranslateConfig
		in   string
		want string
	}{
		{"exact translation", TranslateConfig{Source: "status", Target: "translation", Dictionary: statusDict}, `{"status":200}`, `{"status":200,"translation":"OK"}`},
		{"multi translation", TranslateConfig{Source: "status", Dictionary: statusDict, Substring: true}, `{"status":"200 & 500"}`, `{"status":"200 & 500","translation":"OK & Server Error"}`},
		{"regex translation", TranslateConfig{Source: "status", Regex: true, Dictionary: Pairs{{"^2[0-9][0-9]$", "OK"}, {"^3[0-9][0-9]$", "Redirect"}, {"^4[0-9][0-9]$", "Client Error"}, {"^5[0-9][0-9]$", "Server Error"}}}, `{"status":"200"}`, `{"status":"200","translation":"OK"}`},
		{"static fallback", TranslateConfig{Source: "status", Dictionary: Pairs{{"x", "y"}}, Fallback: "no match"}, `{"status":"200"}`, `{"status":"200","translation":"no match"}`},
		{"sprintf fallback", TranslateConfig{Source: "status", Dictionary: Pairs{{"x", "y"}}, Fallback: "%{missing_translation}"}, `{"status":"200","missing_translation":"missing no match"}`, `{"status":"200","missing_translation":"missing no match","translation":"missing no match"}`},
		{"yml file", TranslateConfig{Source: "status", DictionaryPath: yml}, `{"status":"a"}`, `{"status":"a","translation":1}`},
		{"json file", TranslateConfig{Source: "ip", Target: "geo", DictionaryPath: jsn}, `{"ip":"10.2.10.3"}`, `{"ip":"10.2.10.3","geo":{"ip":"10.2.10.3","lat":-1.234,"lng":12.345,"loc":[12.345,-1.234],"name":"app-svr-103"}}`},
		{"csv file", TranslateConfig{Source: "status", DictionaryPath: csv}, `{"status":"c"}`, `{"status":"c","translation":"300"}`},
		{"no match, no fallback", TranslateConfig{Source: "status", Dictionary: statusDict}, `{"status":"201"}`, `{"status":"201"}`},
		{"existing target kept without override", TranslateConfig{Source: "status", Dictionary: statusDict}, `{"status":"200","translation":"x"}`, `{"status":"200","translation":"x"}`},
		{"override", TranslateConfig{Source: "status", Dictionary: statusDict, Override: true}, `{"status":"200","translation":"x"}`, `{"status":"200","translation":"OK"}`},
		{"in place", TranslateConfig{Source: "status", Target: "status", Dictionary: statusDict}, `{"status":"200"}`, `{"status":"OK"}`},
		{"first element of an array", TranslateConfig{Source: "status", Dictionary: statusDict}, `{"status":["300","200"]}`, `{"status":["300","200"],"translation":"Redirect"}`},
		{"iterate_on the source", TranslateConfig{Source: "codes", IterateOn: "codes", Target: "texts", Dictionary: statusDict, Fallback: "?"}, `{"codes":["200","404"]}`, `{"codes":["200","404"],"texts":["OK","?"]}`},
		{"iterate_on objects", TranslateConfig{Source: "code", IterateOn: "calls", Target: "text", Dictionary: statusDict}, `{"calls":[{"code":"500"},{"code":"404"},{"code":200}]}`, `{"calls":[{"code":"500","text":"Server Error"},{"code":"404"},{"code":200,"text":"OK"}]}`},
		// array_of_values_update.rb: the target has one slot per source
		// element (null where nothing matched), is set even when nothing
		// matched, and a lone value is iterated as Array(value).
		{"iterate_on the source keeps positions", TranslateConfig{Source: "foo", IterateOn: "foo", Target: "baz", Dictionary: Pairs{{"a", "1"}, {"b", "2"}}}, `{"foo":["a","x","b"]}`, `{"foo":["a","x","b"],"baz":["1",null,"2"]}`},
		{"iterate_on the source, nothing matched", TranslateConfig{Source: "foo", IterateOn: "foo", Target: "baz", Dictionary: Pairs{{"a", "1"}}}, `{"foo":["x","y"]}`, `{"foo":["x","y"],"baz":[null,null]}`},
		{"iterate_on the source, fallback in every other slot", TranslateConfig{Source: "foo", IterateOn: "foo", Target: "baz", Dictionary: Pairs{{"a", "1"}}, Fallback: "?"}, `{"foo":["a",null,{"k":"a"}]}`, `{"foo":["a",null,{"k":"a"}],"baz":["1","?","?"]}`},
		{"iterate_on the source, not an array", TranslateConfig{Source: "foo", IterateOn: "foo", Target: "baz", Dictionary: Pairs{{"a", "1"}}}, `{"foo":"a"}`, `{"foo":"a","baz":["1"]}`},
		// array_of_maps_value_update.rb: Source and Target are field
		// references inside each element ("#{iterate_on}[#{i}]#{field}"),
		// and the destination is always set: override does not apply.
		{"iterate_on objects replaces an existing target", TranslateConfig{Source: "bar", IterateOn: "foo", Target: "baz", Dictionary: Pairs{{"two", "2"}}}, `{"foo":[{"bar":"two","baz":"old"}]}`, `{"foo":[{"bar":"two","baz":"2"}]}`},
		{"iterate_on objects, nested references", TranslateConfig{Source: "[a][code]", IterateOn: "foo", Target: "[a][name]", Dictionary: Pairs{{"two", "2"}}}, `{"foo":[{"a":{"code":"two"}},{"code":"two"},{"a":{"code":"three"}}]}`, `{"foo":[{"a":{"code":"two","name":"2"}},{"code":"two"},{"a":{"code":"three"}}]}`},
		{"iterate_on objects, nested target created", TranslateConfig{Source: "code", IterateOn: "[x][foo]", Target: "[out][name]", Dictionary: Pairs{{"two", "2"}}, Fallback: "?"}, `{"x":{"foo":[{"code":"two"},{"code":"one"},{"other":1},"two"]}}`, `{"x":{"foo":[{"code":"two","out":{"name":"2"}},{"code":"one","out":{"name":"?"}},{"other":1},"two"]}}`},
		{"regex substring", TranslateConfig{Source: "m", Regex: true, Substring: true, Dictionary: Pairs{{`\d+ms`, "TIME"}, {`user=\w+`, "user=*"}}}, `{"m":"user=bob took 12ms"}`, `{"m":"user=bob took 12ms","translation":"user=* took TIME"}`},
		// translate.rb: filter_matched(event) if @updater.update(event) ||
		// @source == @target.
		{"in place: common options without a match", TranslateConfig{Source: "message", Target: "message", Dictionary: Pairs{{"foo", "bar"}}, Common: Common{AddTag: []string{"translated"}}}, `{"message":"nope"}`, `{"message":"nope","tags":["translated"]}`},
		{"in place, iterate_on the source: common options without a match", TranslateConfig{Source: "m", IterateOn: "m", Target: "m", Dictionary: Pairs{{"foo", "bar"}}, Common: Common{AddTag: []string{"translated"}}}, `{"m":["nope"]}`, `{"m":[null],"tags":["translated"]}`},
		{"in place, iterate_on objects: common options without a match", TranslateConfig{Source: "c", IterateOn: "l", Target: "c", Dictionary: Pairs{{"foo", "bar"}}, Common: Common{AddTag: []string{"translated"}}}, `{"l":[{"c":"nope"}]}`, `{"l":[{"c":"nope"}],"tags":["translated"]}`},
		{"common options not without a match", TranslateConfig{Source: "message", Target: "t", Dictionary: Pairs{{"foo", "bar"}}, Common: Common{AddTag: []string{"translated"}}}, `{"message":"nope"}`, `{"message":"nope"}`},
		{"in place: no source, no common options", TranslateConfig{Source: "message", Target: "message", Dictionary: Pairs{{"foo", "bar"}}, Common: Common{AddTag: []string{"translated"}}}, `{"other":"nope"}`, `{"other":"nope"}`},
		{"common options on success", TranslateConfig{Source: "status", Dictionary: statusDict, Common: Common{AddTag: []string{"translated"}}}, `{"status":"400"}`, `{"status":"400","translation":"Client Error","tags":["translated"]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cfg.Target == "" {
				// These cases expect the legacy default target.
				tc.cfg.ECSCompatibility = "disabled"
			}
			f, err := NewTranslate(tc.cfg)
			if f != nil {
				t.Cleanup(func() { f.Close(t.Context()) })
			}
			checkCase(t, f, err, tc.in, tc.want, false)
		})
	}
	for _, tc := range []struct {
		name, file, content, want string
	}{
		{"wrong yaml", "dict-wrong.yml", "'200': \"OK\", '300': \"Redirect\": nope\n", "dict-wrong.yml"},
		{"unknown format", "dict.other", "a,b\n", "unknown dictionary format"},
		{"json not an object", "d.json", "[1]", "not a JSON object"},
		{"csv without value", "d.csv", "a\n", "want key,value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewTranslate(TranslateConfig{Source: "s", DictionaryPath: writeDict(t, tc.file, tc.content)})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
	t.Run("config errors", func(t *testing.T) {
		for _, cfg := range []TranslateConfig{
			{Dictionary: statusDict},
			{Source: "s"},
			{Source: "s", Dictionary: Pairs{{"(", "x"}}, Regex: true},
			{Source: "s", Dictionary: statusDict, RefreshBehaviour: "append"},
		} {
			if _, err := NewTranslate(cfg); err == nil {
				t.Errorf("%+v: want an error", cfg)
			}
		}
	})
}

// TestTranslateRefresh checks the reload in a synctest bubble: a changed
// file is picked up after the interval, a broken one keeps the previous
// dictionary, replace forgets removed keys, and Close ends the goroutine.
func TestTranslateRefresh(t *testing.T) {
	for _, behaviour := range []string{"merge", "replace"} {
		t.Run(behaviour, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				path := writeDict(t, "d.yml", "a: one\nb: two\n")
				f, err := NewTranslate(TranslateConfig{Source: "k", Target: "translation", DictionaryPath: path, RefreshInterval: time.Minute, RefreshBehaviour: TranslateRefresh(behaviour), Logger: discardLogger()})
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close(t.Context())
				lookup := func(k string) string {
					e := applyOne(t, f, event(t, `{"k":"`+k+`"}`))
					v, _ := e.Fields().Get("translation")
					return v.String()
				}
				if got := lookup("a"); got != "one" {
					t.Fatalf("a = %q", got)
				}
				// A new file: size and time differ.
				if err := os.WriteFile(path, []byte("a: uno\nc: three\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				os.Chtimes(path, time.Now(), time.Now().Add(time.Hour))
				time.Sleep(61 * time.Second)
				synctest.Wait()
				if got := lookup("a"); got != "uno" {
					t.Errorf("after reload a = %q, want uno", got)
				}
				wantB := map[string]string{"merge": "two", "replace": "null"}[behaviour]
				if got := lookup("b"); got != wantB {
					t.Errorf("after reload b = %q, want %q", got, wantB)
				}
				// A broken file keeps the dictionary.
				if err := os.WriteFile(path, []byte("a: [unclosed\n"), 0o644); err != nil {
					t.Fatal(err)
				}
				os.Chtimes(path, time.Now(), time.Now().Add(2*time.Hour))
				time.Sleep(61 * time.Second)
				synctest.Wait()
				if got := lookup("c"); got != "three" {
					t.Errorf("after a broken file c = %q, want three", got)
				}
				if err := f.Close(t.Context()); err != nil {
					t.Fatal(err)
				}
				if err := f.Close(t.Context()); err != nil {
					t.Fatal(err)
				}
			})
		})
	}
}

// FuzzTranslateYAML checks that any dictionary file either loads or is a
// clear error, never a panic.
func FuzzTranslateYAML(f *testing.F) {
	for _, s := range []string{"a: 1\n", "a: [1, {b: c}]\n", "&x a: *x\n", "- 1\n", "", "a: !!binary aGk=\n", "a: &a [*a]\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		entries, err := parseYAMLDictionary([]byte(doc))
		if err == nil {
			for _, e := range entries {
				_ = e.val.String()
			}
		}
	})
}

func BenchmarkTranslate(b *testing.B) {
	f, err := NewTranslate(TranslateConfig{Source: "status", Target: "translation", Dictionary: statusDict})
	if err != nil {
		b.Fatal(err)
	}
	runBench(b, f, []string{"200", "300", "500"}, func(s string) *logpipe.Event {
		e := messageEvent("x")
		e.Fields().Set("status", logpipe.StringValue(s))
		return e
	})
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// TestTranslateTargetDefault: without a Target, Logstash 8 (ECS mode, its
// default) translates the source in place; with ECS disabled the
// translation goes to "translation".
func TestTranslateTargetDefault(t *testing.T) {
	for _, tc := range []struct {
		ecs, want string
	}{
		{"", `{"status":"OK"}`},
		{"v8", `{"status":"OK"}`},
		{"v1", `{"status":"OK"}`},
		{"disabled", `{"status":"200","translation":"OK"}`},
	} {
		t.Run("ecs="+tc.ecs, func(t *testing.T) {
			f, err := NewTranslate(TranslateConfig{Source: "status", Dictionary: statusDict, ECSCompatibility: tc.ecs})
			checkCase(t, f, err, `{"status":"200"}`, tc.want, false)
		})
	}
	if _, err := NewTranslate(TranslateConfig{Source: "status", Dictionary: statusDict, ECSCompatibility: "v2"}); err == nil {
		t.Error("ecs_compatibility v2 accepted")
	}
}

package grok

import (
	"slices"
	"sort"
	"strings"
	"testing"
)

const tutorial = `%{TIMESTAMP_ISO8601:log_timestamp} - %{LOGLEVEL:log_level} - %{DATA:event_type}: %{GREEDYDATA:json_string}`

func mustCompile(t testing.TB, expr string, opts Options) *Pattern {
	t.Helper()
	if opts.Definitions == nil {
		opts.Definitions = Defaults()
	}
	p, err := Compile(expr, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaultsCompile(t *testing.T) {
	defs := Defaults()
	names := make([]string, 0, len(defs))
	for k := range defs {
		names = append(names, k)
	}
	sort.Strings(names)
	// Every stock definition has an RE2 form.
	unsupported := map[string]bool{}
	var bad []string
	for _, name := range names {
		if unsupported[name] {
			if _, err := Compile("%{"+name+"}", Options{Definitions: defs}); err == nil {
				t.Errorf("%s compiled; remove it from the unsupported list", name)
			}
			continue
		}
		for _, unnamed := range []bool{true} {
			if _, err := Compile("%{"+name+":x}", Options{Definitions: defs, CaptureUnnamed: unnamed}); err != nil {
				bad = append(bad, err.Error())
			}
		}
	}
	if len(bad) > 0 {
		t.Errorf("%d stock definitions do not compile:\n%s", len(bad), strings.Join(bad, "\n"))
	}
	for _, want := range []string{"TIMESTAMP_ISO8601", "LOGLEVEL", "DATA", "GREEDYDATA", "IP", "NUMBER", "COMBINEDAPACHELOG", "SYSLOGLINE", "HTTPDATE", "SYSLOG5424LINE"} {
		if _, ok := defs[want]; !ok {
			t.Errorf("stock pattern %s missing", want)
		}
	}
}

func TestTutorialFastPath(t *testing.T) {
	p := mustCompile(t, tutorial, Options{})
	if !p.HasFastPath() {
		t.Fatalf("no fast path for %s", p.Expanded())
	}
	line := `2024-12-21 00:00:00,004 - INFO - Request processed: {"a":1}`
	var sc Scratch
	got, ok := p.MatchFast(line, &sc)
	want, wok := p.MatchRegexp(line)
	if !ok || !wok || !slices.Equal(got, want) {
		t.Fatalf("fast %v %v, regexp %v %v", got, ok, want, wok)
	}
}

// In Logstash a raw named group may be named by any field reference; Go's
// regexp takes only word characters, so such groups get generated names.
func TestRawGroupsNamedByFieldReferences(t *testing.T) {
	p := mustCompile(t, `(?<[http][status]>\d+) (?P<plain>\w+) (?<@metadata.x>a|b) \(?<not> (?<[a-b]>%{WORD})(?:x)?`, Options{})
	line := "200 ok b (<not> w" // `\(?` is an optional "("
	idx, ok := p.MatchRegexp(line)
	if !ok {
		t.Fatalf("%s did not match %q", p.Expanded(), line)
	}
	got := map[string]string{}
	for _, c := range p.Captures() {
		if s := idx[2*c.Group]; s >= 0 {
			got[c.Name] = line[s:idx[2*c.Group+1]]
		}
	}
	want := map[string]string{"[http][status]": "200", "plain": "ok", "@metadata.x": "b", "[a-b]": "w"}
	if len(got) != len(want) {
		t.Fatalf("captures %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	// A "(?<" in a character class or a \Q...\E quote is text; a raw
	// group named like a generated one is renamed, not merged with it.
	for _, tt := range []struct{ expr, line string }{
		{`[(?<a.b>]+`, "(?<a.b>"},
		{`\Q(?<a.b>\E`, "(?<a.b>"},
		{`[]a(?<x.y>]`, "]"},
		{`[[:alpha:](?<x.y>]`, "<"},
	} {
		p := mustCompile(t, tt.expr, Options{})
		if idx, ok := p.MatchRegexp(tt.line); !ok || idx[0] != 0 || idx[1] != len(tt.line) || len(p.Captures()) != 0 {
			t.Errorf("%s on %q: %v %v, captures %v", tt.expr, tt.line, idx, ok, p.Captures())
		}
	}
	q := mustCompile(t, `(?<grok__0>\d+) %{WORD:w}`, Options{})
	var names []string
	for _, c := range q.Captures() {
		names = append(names, c.Name)
	}
	if !slices.Equal(names, []string{"grok__0", "w"}) {
		t.Errorf("captures %q, want [grok__0 w]", names)
	}
	// Lookbehinds are not groups: they stay, and Go refuses them by name.
	if _, err := Compile(`(?<=a)b`, Options{Definitions: Defaults()}); err == nil || !strings.Contains(err.Error(), "lookbehind") {
		t.Errorf("lookbehind: %v", err)
	}
}

// TIME and BASE16NUM as Logstash defines them, not as trivago's copy: a
// time never takes in a neighbouring byte, and hex needs no leading "0".
func TestCoreDefinitionsAsLogstash(t *testing.T) {
	tests := []struct{ expr, line, field, want string }{
		{`%{TIME:t}%{GREEDYDATA:rest}`, "12:34:56 abc", "t", "12:34:56"},
		{`at %{TIME:t}%{GREEDYDATA:rest}`, "at 12:34:56.789Z", "t", "12:34:56.789"},
		{`%{BASE16NUM:h}`, "ff01", "h", "ff01"},
		{`%{BASE16NUM:h}`, "-0x1F", "h", "-0x1F"},
		// Today's core definitions (logstash-patterns-core 7f94275).
		{`%{MONTH:m} %{INT}`, "jan 5", "m", "jan"},
		{`%{MONTH:m} %{INT}`, "Juli 5", "m", "Juli"},
		{`%{MONTH:m} %{INT}`, "okt 5", "m", "okt"},
		{`%{TZ:z}`, "12:00 AST", "z", "AST"},
		{`%{URIPATH:p}`, "/a&b/c d", "p", "/a&b/c"},
		{`%{URIPROTO:p}://`, "s3://bucket", "p", "s3"},
		{`%{URIPROTO:p}://`, "git+ssh://host", "p", "git+ssh"},
		{`%{WINPATH:p}`, `file://C:\x`, "p", `C:\x`},
		{`%{WINPATH:p}`, `at CD:\x\y`, "p", `CD:\x\y`},
		{`%{QS:q}`, "say `a \\` b` now", "q", "`a \\` b`"},
		{`%{QS:q}`, `say "" now`, "q", `""`},
		{`%{QS:q}`, "say `` now", "q", "``"},
		{`%{QS:q}`, `say 'it\'s' now`, "q", `'it\'s'`},
		{`%{BASE16FLOAT:f}`, "x 0x1F.8 y", "f", "0x1F.8"},
		{`%{BASE16FLOAT:f}`, "x 1a.5 y", "f", "1a.5"},
	}
	for _, tt := range tests {
		p := mustCompile(t, tt.expr, Options{})
		idx, ok := p.MatchRegexp(tt.line)
		if !ok {
			t.Errorf("%s did not match %q", tt.expr, tt.line)
			continue
		}
		for _, c := range p.Captures() {
			if c.Name == tt.field {
				if got := tt.line[idx[2*c.Group]:idx[2*c.Group+1]]; got != tt.want {
					t.Errorf("%s on %q: %s = %q, want %q", tt.expr, tt.line, tt.field, got, tt.want)
				}
			}
		}
	}
}

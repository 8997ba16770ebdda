package filter

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
)

// TestGrokSpecFilter: logstash-filter-grok spec/filters/grok_spec.rb, one
// case per sample (an "it" block on one input). want maps field
// references to their JSON value, or to "" for a field that must be
// absent; tags is the expected tags field as JSON ("" for none).
//
// Not carried over: the three timeout samples (timeout_millis,
// timeout_scope, _groktimeout) - Go's regexp runs in linear time, so
// logpipe's grok has no timeouts - and "should close cleanly".
func TestGrokSpecFilter(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("grok.pattern", `WORD \b[0-1]\b`)
	write("grok.pattern.old", `WORD \b[2-5]\b`)
	subDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(subDir, "grok.pattern"), []byte(`WORD \b[0-1]\b`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(subDir, "subdir"), 0o700); err != nil {
		t.Fatal(err)
	}
	legacy := func(c GrokConfig) GrokConfig { c.ECSCompatibility = "disabled"; return c }
	one := msg
	const sd = `[id1 foo=\"bar\"][id2 baz=\"something\"]`
	tests := []struct {
		name string
		cfg  GrokConfig
		in   string
		want map[string]string
		tags string
	}{
		{"simple syslog line", legacy(GrokConfig{Match: one("%{SYSLOGLINE}"), Overwrite: []string{"message"}}),
			`{"message":"Mar 16 00:01:25 evita postfix/smtpd[1713]: connect from camomile.cloud9.net[168.100.1.3]"}`,
			map[string]string{"logsource": `"evita"`, "timestamp": `"Mar 16 00:01:25"`, "message": `"connect from camomile.cloud9.net[168.100.1.3]"`, "program": `"postfix/smtpd"`, "pid": `"1713"`}, ""},
		{"5424 full", legacy(GrokConfig{Match: one("%{SYSLOG5424LINE}")}), `{"message":"<191>1 2009-06-30T18:30:00+02:00 paxton.local grokdebug 4123 - ` + sd + ` Hello, syslog."}`,
			map[string]string{"syslog5424_pri": `"191"`, "syslog5424_ver": `"1"`, "syslog5424_ts": `"2009-06-30T18:30:00+02:00"`, "syslog5424_host": `"paxton.local"`,
				"syslog5424_app": `"grokdebug"`, "syslog5424_proc": `"4123"`, "syslog5424_msgid": "", "syslog5424_sd": `"` + sd + `"`, "syslog5424_msg": `"Hello, syslog."`}, ""},
		{"5424 no pid", legacy(GrokConfig{Match: one("%{SYSLOG5424LINE}")}), `{"message":"<191>1 2009-06-30T18:30:00+02:00 paxton.local grokdebug - - [id1 foo=\"bar\"] No process ID."}`,
			map[string]string{"syslog5424_pri": `"191"`, "syslog5424_app": `"grokdebug"`, "syslog5424_proc": "", "syslog5424_msgid": "", "syslog5424_sd": `"[id1 foo=\"bar\"]"`, "syslog5424_msg": `"No process ID."`}, ""},
		{"5424 no sd", legacy(GrokConfig{Match: one("%{SYSLOG5424LINE}")}), `{"message":"<191>1 2009-06-30T18:30:00+02:00 paxton.local grokdebug 4123 - - No structured data."}`,
			map[string]string{"syslog5424_ts": `"2009-06-30T18:30:00+02:00"`, "syslog5424_host": `"paxton.local"`, "syslog5424_proc": `"4123"`, "syslog5424_msgid": "", "syslog5424_sd": "", "syslog5424_msg": `"No structured data."`}, ""},
		{"5424 no pid or sd", legacy(GrokConfig{Match: one("%{SYSLOG5424LINE}")}), `{"message":"<191>1 2009-06-30T18:30:00+02:00 paxton.local grokdebug - - - No PID or SD."}`,
			map[string]string{"syslog5424_app": `"grokdebug"`, "syslog5424_proc": "", "syslog5424_msgid": "", "syslog5424_sd": "", "syslog5424_msg": `"No PID or SD."`}, ""},
		{"5424 missing sd", legacy(GrokConfig{Match: one("%{SYSLOG5424LINE}")}), `{"message":"<191>1 2009-06-30T18:30:00+02:00 paxton.local grokdebug 4123 -  Missing structured data."}`,
			map[string]string{"syslog5424_proc": `"4123"`, "syslog5424_msgid": "", "syslog5424_sd": "", "syslog5424_msg": `"Missing structured data."`}, ""},
		{"5424 additional spaces", legacy(GrokConfig{Match: one("%{SYSLOG5424LINE}")}), `{"message":"<191>1 2009-06-30T18:30:00+02:00 paxton.local grokdebug  4123 - - Additional spaces."}`,
			map[string]string{"syslog5424_app": `"grokdebug"`, "syslog5424_proc": `"4123"`, "syslog5424_msgid": "", "syslog5424_sd": "", "syslog5424_msg": `"Additional spaces."`}, ""},
		{"5424 additional spaces, missing sd", legacy(GrokConfig{Match: one("%{SYSLOG5424LINE}")}), `{"message":"<191>1 2009-06-30T18:30:00+02:00 paxton.local grokdebug  4123 -  Additional spaces and missing SD."}`,
			map[string]string{"syslog5424_app": `"grokdebug"`, "syslog5424_proc": `"4123"`, "syslog5424_msgid": "", "syslog5424_sd": "", "syslog5424_msg": `"Additional spaces and missing SD."`}, ""},
		{"5424 appname with dash", legacy(GrokConfig{Match: one("%{SYSLOG5424LINE}")}), `{"message":"<30>1 2014-04-04T16:44:07+02:00 osctrl01 dnsmasq-dhcp 8048 - -  Appname contains a dash"}`,
			map[string]string{"syslog5424_pri": `"30"`, "syslog5424_ver": `"1"`, "syslog5424_ts": `"2014-04-04T16:44:07+02:00"`, "syslog5424_host": `"osctrl01"`, "syslog5424_app": `"dnsmasq-dhcp"`,
				"syslog5424_proc": `"8048"`, "syslog5424_msgid": "", "syslog5424_sd": "", "syslog5424_msg": `"Appname contains a dash"`}, ""},
		{"5424 nil appname", legacy(GrokConfig{Match: one("%{SYSLOG5424LINE}")}), `{"message":"<30>1 2014-04-04T16:44:07+02:00 osctrl01 - 8048 - -  Appname is nil"}`,
			map[string]string{"syslog5424_pri": `"30"`, "syslog5424_host": `"osctrl01"`, "syslog5424_app": "", "syslog5424_proc": `"8048"`, "syslog5424_msgid": "", "syslog5424_sd": "", "syslog5424_msg": `"Appname is nil"`}, ""},
		{"coercing matched values", GrokConfig{Match: one("%{NUMBER:foo:int} %{NUMBER:bar:float}")}, `{"message":"400 454.33"}`,
			map[string]string{"foo": `400`, "bar": `454.33`}, ""},
		{"in-line pattern definitions", GrokConfig{Match: one(`%{FIZZLE=\d+}`), CaptureUnnamed: true}, `{"message":"hello 1234"}`,
			map[string]string{"FIZZLE": `"1234"`}, ""},
		{"processing selected fields", GrokConfig{Match: []GrokMatch{{Patterns: []string{"%{WORD:word}"}}, {Source: "examplefield", Patterns: []string{"%{NUMBER:num}"}}}, NoBreakOnMatch: true},
			`{"message":"hello world","examplefield":"12345"}`, map[string]string{"word": `"hello"`, "examplefield": `"12345"`}, ""},
		{"add_field on match", GrokConfig{Match: one("matchme %{NUMBER:fancy}"), Common: Common{AddField: Pairs{{"new_field", "%{fancy}"}}}},
			`{"message":"matchme 1234"}`, map[string]string{"new_field": `"1234"`}, ""},
		{"add_field on failure", GrokConfig{Match: one("matchme %{NUMBER:fancy}"), Common: Common{AddField: Pairs{{"new_field", "%{fancy}"}}}},
			`{"message":"this will not be matched"}`, map[string]string{"new_field": ""}, `["_grokparsefailure"]`},
		{"empty fields dropped", GrokConfig{Match: one("1=%{WORD:foo1} *(2=%{WORD:foo2})?")}, `{"message":"1=test"}`,
			map[string]string{"foo1": `"test"`, "foo2": ""}, ""},
		{"keep_empty_captures", GrokConfig{Match: one("1=%{WORD:foo1} *(2=%{WORD:foo2})?"), KeepEmptyCaptures: true}, `{"message":"1=test"}`,
			map[string]string{"foo1": `"test"`, "foo2": `null`}, ""},
		{"named_captures_only false", GrokConfig{Match: one("Hello %{WORD}. %{WORD:foo}"), CaptureUnnamed: true}, `{"message":"Hello World, yo!"}`,
			map[string]string{"WORD": `"World"`, "foo": `"yo"`}, ""},
		{"oniguruma named capture", GrokConfig{Match: one(`(?<foo>\w+)`)}, `{"message":"hello world"}`, map[string]string{"foo": `"hello"`}, ""},
		{"named capture around patterns", GrokConfig{Match: one(`(?<timestamp>%{DATE_EU} %{TIME})`)}, `{"message":"fancy 12-12-12 12:12:12"}`,
			map[string]string{"timestamp": `"12-12-12 12:12:12"`}, ""},
		{"integer source", GrokConfig{Match: []GrokMatch{{Source: "status", Patterns: []string{"^403$"}}}, Common: Common{AddTag: []string{"four_oh_three"}}},
			`{"status":403}`, nil, `["four_oh_three"]`},
		{"float source", GrokConfig{Match: []GrokMatch{{Source: "version", Patterns: []string{"^1.0$"}}}, Common: Common{AddTag: []string{"one_point_oh"}}},
			`{"version":1.0}`, nil, `["one_point_oh"]`},
		{"no timeout on ungrouped patterns", GrokConfig{Match: one(`(.*f){20}`, `(.*e){20}`, `(.*d){20}`, `(.*c){20}`, `(.*b){20}`, `(.*a){25}`, `(.*a){24}`, `(.*a){23}`, `(.*a){22}`, `(.*a){21}`, `(.*a){20}`)},
			`{"message":"` + strings.Repeat("b", 10) + strings.Repeat("c", 10) + strings.Repeat("d", 10) + strings.Repeat("e", 10) + " " + strings.Repeat("a", 20) + `"}`, nil, ""},
		{"tag_on_failure on match", GrokConfig{Match: one("matchme %{NUMBER:fancy}"), TagOnFailure: []string{"not_a_match"}}, `{"message":"matchme 1234"}`, nil, ""},
		{"tag_on_failure on failure", GrokConfig{Match: one("matchme %{NUMBER:fancy}"), TagOnFailure: []string{"not_a_match"}}, `{"message":"this will not be matched"}`, nil, `["not_a_match"]`},
		{"whole text matches", GrokConfig{Match: one("%{DATE_EU:stimestamp}")}, `{"message":"11/01/01"}`, map[string]string{"stimestamp": `"11/01/01"`}, ""},
		{"dashes in capture names", GrokConfig{Match: one("%{WORD:foo-bar}")}, `{"message":"hello world"}`, map[string]string{"foo-bar": `"hello"`}, ""},
		{"duplicate names, word", GrokConfig{Match: one("%{INT:foo}|%{WORD:foo}")}, `{"message":"hello world"}`, map[string]string{"foo": `"hello"`}, ""},
		{"duplicate names, int", GrokConfig{Match: one("%{INT:foo}|%{WORD:foo}")}, `{"message":"123 world"}`, map[string]string{"foo": `"123"`}, ""},
		{"break_on_match default", GrokConfig{Match: []GrokMatch{{Patterns: []string{"%{INT:foo}"}}, {Source: "somefield", Patterns: []string{"%{INT:bar}"}}}},
			`{"message":"hello world 123","somefield":"testme abc 999"}`, map[string]string{"foo": `"123"`, "bar": ""}, ""},
		{"break_on_match false", GrokConfig{Match: []GrokMatch{{Patterns: []string{"%{INT:foo}"}}, {Source: "somefield", Patterns: []string{"%{INT:bar}"}}}, NoBreakOnMatch: true},
			`{"message":"hello world 123","somefield":"testme abc 999"}`, map[string]string{"foo": `"123"`, "bar": `"999"`}, ""},
		{"array, single pattern, full", GrokConfig{Match: one("%{INT:foo}"), NoBreakOnMatch: true}, `{"message":["hello world 123","line 23"]}`, map[string]string{"foo": `["123","23"]`}, ""},
		{"array, single pattern, partial", GrokConfig{Match: one("%{INT:foo}"), NoBreakOnMatch: true}, `{"message":["hello world 123","abc"]}`, map[string]string{"foo": `"123"`}, ""},
		{"array, patterns, break, full", GrokConfig{Match: one("%{INT:foo}", "%{WORD:bar}")}, `{"message":["hello world 123","line 23"]}`, map[string]string{"foo": `["123","23"]`, "bar": ""}, ""},
		{"array, patterns, break, partial", GrokConfig{Match: one("%{INT:foo}", "%{WORD:bar}")}, `{"message":["hello world","line 23"]}`, map[string]string{"bar": `"hello"`, "foo": `"23"`}, ""},
		{"array, patterns, no break, full", GrokConfig{Match: one("%{INT:foo}", "%{WORD:bar}"), NoBreakOnMatch: true}, `{"message":["hello world 123","line 23"]}`,
			map[string]string{"foo": `["123","23"]`, "bar": `["hello","line"]`}, ""},
		{"array, patterns, no break, partial", GrokConfig{Match: one("%{INT:foo}", "%{WORD:bar}"), NoBreakOnMatch: true}, `{"message":["hello world","line 23"]}`,
			map[string]string{"bar": `["hello","line"]`, "foo": `"23"`}, ""},
		{"unicode", GrokConfig{Match: one(`<%{POSINT:syslog_pri}>%{SPACE}%{SYSLOGTIMESTAMP:syslog_timestamp} %{SYSLOGHOST:syslog_hostname} %{PROG:syslog_program}(:?)(?:\[%{GREEDYDATA:syslog_pid}\])?(:?) %{GREEDYDATA:syslog_message}`)},
			`{"message":"<22>Jan  4 07:50:46 mailmaster postfix/policy-spf[9454]: : SPF permerror (Junk encountered in record 'v=spf1 mx a:mail.domain.no ip4:192.168.0.4 \ufffdall'): Envelope-from: email@domain.no"}`,
			map[string]string{"syslog_pri": `"22"`, "syslog_program": `"postfix/policy-spf"`}, ""},
		{"nil coerced value, number", GrokConfig{Match: one("test (N/A|%{BASE10NUM:duration:float}ms)")}, `{"message":"test 28.4ms"}`, map[string]string{"duration": `28.4`}, ""},
		{"nil coerced value, N/A", GrokConfig{Match: one("test (N/A|%{BASE10NUM:duration:float}ms)")}, `{"message":"test N/A"}`, map[string]string{"duration": ""}, ""},
		{"nil coerced value, no match", GrokConfig{Match: one("test (N/A|%{BASE10NUM:duration:float}ms)")}, `{"message":"test abc"}`, map[string]string{"duration": ""}, `["_grokparsefailure"]`},
		{"nil coerced value kept", GrokConfig{Match: one("test (N/A|%{BASE10NUM:duration:float}ms)"), KeepEmptyCaptures: true}, `{"message":"test N/A"}`, map[string]string{"duration": `null`}, ""},
		{"no coercion, number", GrokConfig{Match: one("test (N/A|%{BASE10NUM:duration}ms)")}, `{"message":"test 28.4ms"}`, map[string]string{"duration": `"28.4"`}, ""},
		{"no coercion, N/A", GrokConfig{Match: one("test (N/A|%{BASE10NUM:duration}ms)")}, `{"message":"test N/A"}`, map[string]string{"duration": ""}, ""},
		{"JSON-serialised values unchanged", GrokConfig{Match: one("Failed password for (invalid user |)%{USERNAME:username} from %{IP:src_ip} port %{BASE10NUM:port}"),
			Common: Common{RemoveField: []string{"message", "severity"}, AddTag: []string{"ssh_failure"}}},
			`{"facility":"auth","message":"Failed password for testuser from 1.1.1.1 port 22"}`,
			map[string]string{"username": `"testuser"`, "port": `"22"`, "src_ip": `"1.1.1.1"`, "message": ""}, `["ssh_failure"]`},
		{"pattern_definitions extract fields", GrokConfig{Match: one("%{APACHE_TIME:timestamp} %{LOGLEVEL:level} %{MY_PATTERN:hindsight}"),
			PatternDefinitions: map[string]string{"APACHE_TIME": "%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{YEAR}", "MY_PATTERN": "%{YEAR}"}},
			`{"message":"Mon Dec 26 16:22:08 2016 error 2020"}`, map[string]string{"timestamp": `"Mon Dec 26 16:22:08 2016"`, "level": `"error"`, "hindsight": `"2020"`}, ""},
		{"pattern_definitions override", GrokConfig{Match: one("%{APACHE_TIME:timestamp} %{LOGLEVEL:level}"),
			PatternDefinitions: map[string]string{"APACHE_TIME": "%{DAY} %{MONTH} %{MONTHDAY} %{TIME} %{YEAR}", "LOGLEVEL": "%{NUMBER}"}},
			`{"message":"Mon Dec 26 16:22:08 2016 9999"}`, map[string]string{"timestamp": `"Mon Dec 26 16:22:08 2016"`, "level": `"9999"`}, ""},
		{"pattern file overrides core", GrokConfig{Match: one("%{WORD:word}"), PatternFiles: []string{filepath.Join(dir, "grok.pattern.old")}},
			`{"message":"hello"}`, nil, `["_grokparsefailure"]`},
		{"patterns_dir overrides", GrokConfig{Match: one("%{WORD:word}"), PatternsDir: []string{dir}, PatternsFilesGlob: "grok.pattern"},
			`{"message":"0"}`, nil, ""},
		{"patterns_files_glob", GrokConfig{Match: one("%{WORD:word}"), PatternsDir: []string{dir}, PatternsFilesGlob: "*.pattern"},
			`{"message":"0"}`, nil, ""},
		{"glob over a dir with subdirectories", GrokConfig{Match: one("%{WORD:word}"), PatternsDir: []string{subDir}, PatternsFilesGlob: "*"},
			`{"message":"0"}`, nil, ""},
		{"LOGSTASH-1547 treebranch", GrokConfig{Match: one("%{GREEDYDATA:name1}beard", "tree%{GREEDYDATA:name2}"), NoBreakOnMatch: true}, `{"message":"treebranch"}`, map[string]string{"name2": `"branch"`}, ""},
		{"LOGSTASH-1547 bushbeard", GrokConfig{Match: one("%{GREEDYDATA:name1}beard", "tree%{GREEDYDATA:name2}"), NoBreakOnMatch: true}, `{"message":"bushbeard"}`, map[string]string{"name1": `"bush"`}, ""},
		{"LOGSTASH-1547 treebeard", GrokConfig{Match: one("%{GREEDYDATA:name1}beard", "tree%{GREEDYDATA:name2}"), NoBreakOnMatch: true}, `{"message":"treebeard"}`, map[string]string{"name1": `"tree"`, "name2": `"beard"`}, ""},
	}
	levels := strings.Fields(`trace Trace TRACE debug Debug DEBUG notice Notice Notice info Info INFO warn warning Warn Warning WARN WARNING
		err error Err Error ERR ERROR crit critical Crit Critical CRIT CRITICAL fatal Fatal FATAL severe Severe SEVERE emerg emergency Emerg Emergency EMERG EMERGENCY`)
	for _, l := range levels {
		tests = append(tests, struct {
			name string
			cfg  GrokConfig
			in   string
			want map[string]string
			tags string
		}{"LOGLEVEL " + l, GrokConfig{Match: one("%{LOGLEVEL:level}: error!")}, `{"message":"` + l + `: error!"}`, map[string]string{"level": `"` + l + `"`}, ""})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := NewGrok(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			e := grokApply(t, g, grokEvent(t, tc.in))
			for ref, js := range tc.want {
				got, ok := e.Get(logpipe.MustPath(ref))
				if js == "" {
					if ok && !got.IsNull() {
						t.Errorf("%s = %s, want absent", ref, got)
					}
					continue
				}
				want, err := logpipe.ParseJSON(js)
				if err != nil {
					t.Fatal(err)
				}
				if !ok || !got.Equal(want) || got.Kind() != want.Kind() && !(got.Kind() == logpipe.KindFloat || got.Kind() == logpipe.KindInt) {
					t.Errorf("%s = %s (%v), want %s\n%s", ref, got, got.Kind(), js, e)
				}
			}
			gotTags := ""
			if len(e.Tags()) > 0 {
				gotTags = `["` + strings.Join(e.Tags(), `","`) + `"]`
			}
			if gotTags != tc.tags {
				t.Errorf("tags %s, want %s", gotTags, tc.tags)
			}
		})
	}
}

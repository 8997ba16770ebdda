package filter

import (
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
)

// TestDissectSpec holds the cases of Logstash's dissect spec
// (spec/filters/dissect_spec.rb and spec/fixtures/dissect_tests.json),
// rewritten as input, pattern and expected fields.
func TestDissectSpec(t *testing.T) {
	stack := "Error parsing HTTP request header\\n Note: further occurrences\\n    at org.apache.coyote.http11.Http11InputBuffer.parseRequestLine(Http11InputBuffer.java:426)"
	tests := []filterCase[DissectConfig]{
		{
			name: "complex stack trace",
			cfg:  dissectMsg("%{day}-%{month}-%{year} %{hour} %{severity} [%{thread_id}] %{origin} %{message}"),
			in:   `{"message":"18-Apr-2018 06:53:20.411 INFO [http-nio-8080-exec-1] org.apache.coyote.http11.Http11Processor.service ` + stack + `"}`,
			want: `{"message":"` + stack + `","day":"18","month":"Apr","year":"2018","hour":"06:53:20.411","severity":"INFO","thread_id":"http-nio-8080-exec-1","origin":"org.apache.coyote.http11.Http11Processor.service"}`,
		},
		{name: "simple dissect", cfg: dissectMsg("%{key}"), in: `{"message":"foobar"}`, want: `{"message":"foobar","key":"foobar"}`},
		{name: "two replacements", cfg: dissectMsg("%{key1} %{key2}"), in: `{"message":"foo bar"}`, want: `{"message":"foo bar","key1":"foo","key2":"bar"}`},
		{name: "one level not end of string", cfg: dissectMsg("/var/%{key}/log"), in: `{"message":"/var/foobar/log"}`, want: `{"message":"/var/foobar/log","key":"foobar"}`},
		{name: "one level", cfg: dissectMsg("/var/%{key}"), in: `{"message":"/var/foobar/log"}`, want: `{"message":"/var/foobar/log","key":"foobar/log"}`},
		{name: "multiple keys end of string", cfg: dissectMsg("/var/%{key}/log/%{key1}"), in: `{"message":"/var/foobar/log/apache"}`, want: `{"message":"/var/foobar/log/apache","key":"foobar","key1":"apache"}`},
		{name: "multiple keys not end of string", cfg: dissectMsg("/var/%{key}/log/%{key1}.log"), in: `{"message":"/var/foobar/log/apache.log"}`, want: `{"message":"/var/foobar/log/apache.log","key":"foobar","key1":"apache"}`},
		{name: "simple ordered", cfg: dissectMsg("%{+key/3} %{+key/1} %{+key/2}"), in: `{"message":"1 2 3"}`, want: `{"message":"1 2 3","key":"2 3 1"}`},
		{name: "simple append", cfg: dissectMsg("%{key}-%{+key}-%{+key}"), in: `{"message":"1-2-3"}`, want: `{"message":"1-2-3","key":"1-2-3"}`},
		{name: "indirect field", cfg: dissectMsg("%{key} %{&key}"), in: `{"message":"hello world"}`, want: `{"message":"hello world","key":"hello","hello":"world"}`},
		{name: "skip field", cfg: dissectMsg("%{} %{key}"), in: `{"message":"hello world"}`, want: `{"message":"hello world","key":"world"}`},
		{name: "named skip with indirect", cfg: dissectMsg("%{?key} %{&key}"), in: `{"message":"hello world"}`, want: `{"message":"hello world","hello":"world"}`},
		{
			name: "missing fields",
			cfg:  dissectMsg("%{name},%{addr1},%{addr2},%{addr3},%{city},%{zip}"),
			in:   `{"message":"Jane Doe,4321 Fifth Avenue,,,New York,87432"}`,
			want: `{"message":"Jane Doe,4321 Fifth Avenue,,,New York,87432","name":"Jane Doe","addr1":"4321 Fifth Avenue","addr2":"","addr3":"","city":"New York","zip":"87432"}`,
		},
		{name: "ignore right padding", cfg: dissectMsg("%{id} %{function->} %{server}"), in: `{"message":"00000043 ViewReceive     machine-321"}`, want: `{"message":"00000043 ViewReceive     machine-321","id":"00000043","function":"ViewReceive","server":"machine-321"}`},
		{name: "ignore left padding", cfg: dissectMsg("%{id->} %{function} %{server}"), in: `{"message":"00000043    ViewReceive machine-321"}`, want: `{"message":"00000043    ViewReceive machine-321","id":"00000043","function":"ViewReceive","server":"machine-321"}`},
		{
			name: "basic dissection",
			cfg:  dissectMsg("[%{occurred_at}] %{code} %{service} %{ic} %{svc_message}"),
			in:   `{"message":"[25/05/16 09:10:38:425 BST] 00000001 SystemOut     O java.lang:type=MemoryPool,name=class storage"}`,
			want: `{"message":"[25/05/16 09:10:38:425 BST] 00000001 SystemOut     O java.lang:type=MemoryPool,name=class storage","occurred_at":"25/05/16 09:10:38:425 BST","code":"00000001","service":"SystemOut","ic":"","svc_message":"   O java.lang:type=MemoryPool,name=class storage"}`,
		},
		{
			name: "datatype conversion",
			cfg: DissectConfig{
				Mapping:         []DissectMapping{{Pattern: "[%{occurred_at}] %{code} %{service} %{?ic}=%{&ic}% %{svc_message}"}},
				ConvertDatatype: Pairs{{"cpu", "float"}, {"code", "int"}},
			},
			in:   `{"message":"[25/05/16 09:10:38:425 BST] 00000001 SystemOut cpu=95.43% java.lang:type=MemoryPool,name=class storage"}`,
			want: `{"message":"[25/05/16 09:10:38:425 BST] 00000001 SystemOut cpu=95.43% java.lang:type=MemoryPool,name=class storage","occurred_at":"25/05/16 09:10:38:425 BST","code":1,"service":"SystemOut","svc_message":"java.lang:type=MemoryPool,name=class storage","cpu":95.43}`,
		},
		{
			name: "multibyte delimiters",
			cfg: DissectConfig{
				Mapping:         []DissectMapping{{Pattern: "[%{occurred_at}]྿྿྿%{code}྿%{service}྿྿྿྿%{?ic}=%{&ic}%྿྿%{svc_message}"}},
				ConvertDatatype: Pairs{{"cpu", "float"}, {"code", "int"}},
			},
			in:   `{"message":"[25/05/16 09:10:38:425 BST]྿྿྿00000001྿SystemOut྿྿྿྿cpu=95.43%྿྿java.lang:type=MemoryPool,name=class storage"}`,
			want: `{"message":"[25/05/16 09:10:38:425 BST]྿྿྿00000001྿SystemOut྿྿྿྿cpu=95.43%྿྿java.lang:type=MemoryPool,name=class storage","occurred_at":"25/05/16 09:10:38:425 BST","code":1,"service":"SystemOut","svc_message":"java.lang:type=MemoryPool,name=class storage","cpu":95.43}`,
		},
		{
			name: "failing datatype conversion tags",
			cfg: DissectConfig{
				Mapping:         []DissectMapping{{Pattern: "[%{occurred_at}] %{code} %{service} %{?ic}=%{&ic}% %{svc_message}"}},
				ConvertDatatype: Pairs{{"ccu", "float"}, {"other", "int"}},
			},
			in:   `{"message":"[x] 00000001 S cpu=95.43% m","other":{}}`,
			want: `{"message":"[x] 00000001 S cpu=95.43% m","other":{},"occurred_at":"x","code":"00000001","service":"S","svc_message":"m","cpu":"95.43","tags":["_dataconversionnullvalue_ccu_float","_dataconversionuncoercible_other_int"]}`,
		},
		{
			name: "skip and append with add_field",
			cfg: DissectConfig{
				Mapping: []DissectMapping{{Pattern: "%{timestamp} %{+timestamp} %{+timestamp} %{logsource} %{} %{program}[%{pid}]: %{msg}"}},
				Common:  Common{AddField: Pairs{{"favorite_filter", "why, dissect of course"}}},
			},
			in:   `{"message":"Mar 16 00:01:25 evita skip-this postfix/smtpd[1713]: connect from camomile.cloud9.net[168.100.1.3]"}`,
			want: `{"message":"Mar 16 00:01:25 evita skip-this postfix/smtpd[1713]: connect from camomile.cloud9.net[168.100.1.3]","timestamp":"Mar 16 00:01:25","logsource":"evita","program":"postfix/smtpd","pid":"1713","msg":"connect from camomile.cloud9.net[168.100.1.3]","favorite_filter":"why, dissect of course"}`,
		},
		{
			// JavaDissectorLibrary.invokeDissection: a missing field only
			// counts a failure in the metrics; it adds no tag.
			name: "mapping key not found",
			cfg:  DissectConfig{Mapping: []DissectMapping{{Source: "blah-di-blah", Pattern: "%{timestamp} %{+timestamp}"}}},
			in:   `{"message":"very random message :-)"}`,
			want: `{"message":"very random message :-)"}`,
		},
		{name: "when no field: should not add tags", cfg: dissectMsg("%{a} %{b}"), in: `{}`, want: `{}`},
		{name: "when field is empty: should add tags", cfg: dissectMsg("%{a} %{b}"), in: `{"message":""}`, want: `{"message":"","tags":["_dissectfailure"]}`, wantFailed: true},
		{
			name: "Integer datatype conversion, handle large integers",
			cfg:  DissectConfig{Mapping: []DissectMapping{{Pattern: "%{big_number}"}}, ConvertDatatype: Pairs{{"big_number", "int"}}},
			in:   `{"message":"43947404257507186289"}`,
			want: `{"message":"43947404257507186289","big_number":43947404257507186289}`,
		},
		{
			name: "later mapping dissects an earlier result",
			cfg: DissectConfig{Mapping: []DissectMapping{
				{Source: "message", Pattern: `"%{field1}" "%{field2}" "%{description}"`},
				{Source: "description", Pattern: "%{field3} %{field4} %{field5}"},
			}},
			in:   `{"message":"\"a\" \"b\" \"c d e\""}`,
			want: `{"message":"\"a\" \"b\" \"c d e\"","field1":"a","field2":"b","description":"c d e","field3":"c","field4":"d","field5":"e"}`,
		},
	}
	runCases(t, NewDissect, tests)
}

func dissectMsg(p string) DissectConfig {
	return DissectConfig{Mapping: []DissectMapping{{Pattern: p}}}
}

func TestDissect(t *testing.T) {
	tests := []filterCase[DissectConfig]{
		{
			name: "tutorial line",
			cfg:  dissectMsg("%{timestamp} - %{level} - %{event_type}: %{rest}"),
			in:   `{"message":"2024-12-21 10:00:00,123 - INFO - Request processed: {\"a\":1}"}`,
			want: `{"message":"2024-12-21 10:00:00,123 - INFO - Request processed: {\"a\":1}","timestamp":"2024-12-21 10:00:00,123","level":"INFO","event_type":"Request processed","rest":"{\"a\":1}"}`,
		},
		{
			name: "nested field references",
			cfg:  dissectMsg("%{[client][ip]} %{[http][method]}"),
			in:   `{"message":"10.0.0.1 GET"}`,
			want: `{"message":"10.0.0.1 GET","client":{"ip":"10.0.0.1"},"http":{"method":"GET"}}`,
		},
		{
			name:       "delimiter not found leaves the event untouched",
			cfg:        dissectMsg("%{a} - %{b} - %{c}"),
			in:         `{"message":"x - y"}`,
			want:       `{"message":"x - y","tags":["_dissectfailure"]}`,
			wantFailed: true,
		},
		{
			name:       "prefix must match",
			cfg:        dissectMsg("[%{a}] %{b}"),
			in:         `{"message":"a] b"}`,
			want:       `{"message":"a] b","tags":["_dissectfailure"]}`,
			wantFailed: true,
		},
		{
			name:       "non-string source fails",
			cfg:        dissectMsg("%{a} %{b}"),
			in:         `{"message":42}`,
			want:       `{"message":42,"tags":["_dissectfailure"]}`,
			wantFailed: true,
		},
		{
			name:       "custom and no failure tags",
			cfg:        DissectConfig{Mapping: []DissectMapping{{Pattern: "%{a} %{b}"}}, TagOnFailure: []string{}},
			in:         `{"message":"nospace"}`,
			want:       `{"message":"nospace"}`,
			wantFailed: true,
		},
		{
			name: "append to a field the event has",
			cfg:  dissectMsg("%{+greeting}"),
			in:   `{"message":"world","greeting":"hello"}`,
			want: `{"message":"world","greeting":"hello world"}`,
		},
		{
			name: "trailing delimiter ends the last field",
			cfg:  dissectMsg("%{a} %{b};"),
			in:   `{"message":"x y;z"}`,
			want: `{"message":"x y;z","a":"x","b":"y"}`,
		},
		{
			name: "convert float to int truncates numbers already converted",
			cfg:  DissectConfig{ConvertDatatype: Pairs{{"n", "int"}, {"f", "float"}}},
			in:   `{"n":"-12","f":"1e3"}`,
			want: `{"n":-12,"f":1000.0}`,
		},
		{
			name: "a failed mapping does not stop the next one nor the conversions",
			cfg: DissectConfig{
				Mapping:         []DissectMapping{{Source: "message", Pattern: "%{a}|%{b}"}, {Source: "other", Pattern: "%{c} %{d}"}},
				ConvertDatatype: Pairs{{"n", "int"}},
				Common:          Common{AddTag: []string{"matched"}},
			},
			in:         `{"message":"no pipe here","other":"x y","n":"7"}`,
			want:       `{"message":"no pipe here","other":"x y","n":7,"c":"x","d":"y","tags":["_dissectfailure","matched"]}`,
			wantFailed: true,
		},
		{
			name:       "two failed mappings tag once, conversions still run",
			cfg:        DissectConfig{Mapping: []DissectMapping{{Source: "message", Pattern: "%{a}|%{b}"}, {Source: "other", Pattern: "%{c}|%{d}"}}, ConvertDatatype: Pairs{{"n", "float"}}},
			in:         `{"message":"x","other":"y","n":"2.5"}`,
			want:       `{"message":"x","other":"y","n":2.5,"tags":["_dissectfailure"]}`,
			wantFailed: true,
		},
		{
			name: "int conversion cuts the fraction, as BigDecimal.toBigInteger",
			cfg:  DissectConfig{ConvertDatatype: Pairs{{"a", "int"}, {"b", "int"}, {"c", "int"}, {"d", "int"}, {"e", "int"}}},
			in:   `{"a":"95.43","b":"1e3","c":"-0.5","d":"-12.9E+1","e":2.5e19}`,
			want: `{"a":95,"b":1000,"c":0,"d":-129,"e":25000000000000000000}`,
		},
		{
			name: "conversions refuse what BigDecimal refuses and keep the value",
			cfg:  DissectConfig{ConvertDatatype: Pairs{{"a", "float"}, {"b", "float"}, {"c", "int"}, {"d", "int"}, {"e", "float"}}},
			in:   `{"a":"NaN","b":"Infinity","c":" 7","d":"1_000","e":"0x1p-2"}`,
			want: `{"a":"NaN","b":"Infinity","c":" 7","d":"1_000","e":"0x1p-2","tags":["_dataconversionuncoercible_a_float","_dataconversionuncoercible_b_float","_dataconversionuncoercible_c_int","_dataconversionuncoercible_d_int","_dataconversionuncoercible_e_float"]}`,
		},
		{
			name: "common options only on success",
			cfg:  DissectConfig{Mapping: []DissectMapping{{Pattern: "%{a} %{b}"}}, Common: Common{AddTag: []string{"ok"}, RemoveField: []string{"message"}}},
			in:   `{"message":"1 2"}`,
			want: `{"a":"1","b":"2","tags":["ok"]}`,
		},
	}
	runCases(t, NewDissect, tests)
}

// TestDissectConvertDigits checks the text written for converted
// numbers: every digit that int64 or float64 cannot hold is kept, as
// Logstash keeps a BigInteger or BigDecimal (Equal compares numbers by
// value, so the JSON text is compared).
func TestDissectConvertDigits(t *testing.T) {
	for _, tc := range []struct {
		typ, in, want string
	}{
		// dissect_spec.rb "Float datatype conversion, handle large floats"
		{"float", `"43947404257507186289.345324"`, `43947404257507186289.345324`},
		{"float", `"95.43"`, `95.43`},
		{"float", `"+007.50"`, `7.5`},
		{"float", `"0.1000000000000000055511151231257827"`, `0.1000000000000000055511151231257827`},
		{"float", `"-.5e-400"`, `-0.5e-400`},
		{"float", `"5."`, `5.0`},
		{"int", `"43947404257507186289"`, `43947404257507186289`},
		{"int", `"-43947404257507186289.9"`, `-43947404257507186289`},
		{"int", `"9223372036854775807"`, `9223372036854775807`},
		{"int", `"9223372036854775808"`, `9223372036854775808`},
		{"int", `1e25`, `10000000000000000000000000`},
		// Digits written in the text are kept however many, with a
		// fraction or without; only an exponent's zeros are bounded.
		{"int", `"` + strings.Repeat("7", 1500) + `"`, strings.Repeat("7", 1500)},
		{"int", `"` + strings.Repeat("7", 1500) + `.5"`, strings.Repeat("7", 1500)},
		{"int", `"7e1000"`, "7" + strings.Repeat("0", 1000)},
	} {
		t.Run(tc.typ+" "+tc.in, func(t *testing.T) {
			d, err := NewDissect(DissectConfig{ConvertDatatype: Pairs{{"n", tc.typ}}})
			if err != nil {
				t.Fatal(err)
			}
			e := applyOne(t, d, event(t, `{"n":`+tc.in+`}`))
			got, _ := e.Fields().Get("n")
			if js := string(got.AppendJSON(nil)); js != tc.want || e.HasTag("_dataconversionuncoercible_n_"+tc.typ) {
				t.Errorf("n = %s, want %s (event %s)", js, tc.want, e)
			}
		})
	}
}

func TestDissectConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  DissectConfig
		want string
	}{
		{"nothing to do", DissectConfig{}, "mapping or convert_datatype"},
		{"append and indirect", dissectMsg("%{+&timestamp}"), "both append and indirect"},
		{"indirect and append", dissectMsg("%{&+timestamp}"), "both append and indirect"},
		{"no field", dissectMsg("plain text"), "no field"},
		{"unclosed", dissectMsg("%{a} %{b"), "unclosed"},
		{"adjacent fields", dissectMsg("%{a}%{b}"), "need a delimiter"},
		{"bad ordinal", dissectMsg("%{+a/x}"), "bad ordinal"},
		{"bad reference", dissectMsg("%{[a}"), "field reference"},
		{"bad type", DissectConfig{ConvertDatatype: Pairs{{"a", "integer"}}}, "not supported"},
		{"too many fields", dissectMsg(strings.Repeat("%{a} ", maxDissectFields+1)), "more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewDissect(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// FuzzDissect checks, on any line and pattern, that dissect never panics,
// that an event it did not change is tagged, and that every captured
// string is a piece of the line.
func FuzzDissect(f *testing.F) {
	for _, s := range [][2]string{
		{"2024-12-21 10:00:00,123 - INFO - Request processed: {}", "%{timestamp} - %{level} - %{event_type}: %{rest}"},
		{"1 2 3 go", "%{+a/2} %{+a/1} %{+a/4} %{+a/3}"},
		{"hello world", "%{?k} %{&k}"},
		{"a    b", "%{x->} %{y}"},
		{strings.Repeat(" ", 1000), "%{a} %{b->} %{c}"},
		{"", "%{}"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, line, pattern string) {
		d, err := NewDissect(dissectMsg(pattern))
		if err != nil {
			return
		}
		e := logpipe.NewEvent(line)
		if _, err := d.Apply(t.Context(), logpipe.Batch{e}); err != nil {
			t.Fatal(err)
		}
		if e.HasTag("_dissectfailure") {
			if e.Fields().Len() != 1 || e.Message() != line {
				t.Fatalf("failed event was changed: %s", e)
			}
			return
		}
		for k, v := range e.Fields().All() {
			if k == "message" || v.Kind() != logpipe.KindString {
				continue
			}
			for _, part := range strings.Split(v.Str(), " ") {
				if !strings.Contains(line, part) {
					t.Fatalf("field %s = %q is not made of the line %q", k, v.Str(), line)
				}
			}
		}
	})
}

// TestDissectMillionSeparators is the hostile input of the issue: a line of
// one million delimiters with right padding, in linear time.
func TestDissectMillionSeparators(t *testing.T) {
	d, err := NewDissect(dissectMsg("%{a->} %{b} %{c}"))
	if err != nil {
		t.Fatal(err)
	}
	e := logpipe.NewEvent(strings.Repeat(" ", 1_000_000))
	if _, err := d.Apply(t.Context(), logpipe.Batch{e}); err != nil {
		t.Fatal(err)
	}
	// a is "", the padding eats every space, and the next delimiter is
	// missing: a failure.
	if !e.HasTag("_dissectfailure") {
		t.Fatalf("want a failure, got %s", e.Fields().Keys())
	}
}

// TestDissectConvertExponentBound: an exponent that would add more than a
// thousand zeros to an integer is uncoercible (the text stays), so that a
// payload cannot make a billion digits.
func TestDissectConvertExponentBound(t *testing.T) {
	d, err := NewDissect(DissectConfig{ConvertDatatype: Pairs{{"n", "int"}}})
	if err != nil {
		t.Fatal(err)
	}
	e := applyOne(t, d, event(t, `{"n":"1e999999999"}`))
	if got, _ := e.Fields().Get("n"); got.Str() != "1e999999999" || !e.HasTag("_dataconversionuncoercible_n_int") {
		t.Errorf("event %s, want the text kept and tagged", e)
	}
}

package useragent

import (
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter"
)

const (
	chromeMac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	iphone    = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
	chrome26  = "Mozilla/5.0 (X11; Linux i686) AppleWebKit/537.31 (KHTML, like Gecko) Chrome/26.0.1410.63 Safari/537.31"
	googlebot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
	outlook   = "MacOutlook/16.24.0.190414 (Intelx64 Mac OS X Version 10.14.4 (Build 18E226))"
	edge89    = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/89.0.4389.90 Safari/537.36 Edg/89.0.774.50"
)

func run(t *testing.T, cfg Config, in string) *logpipe.Event {
	t.Helper()
	f, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e := &logpipe.Event{}
	if err := e.UnmarshalJSON([]byte(in)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Apply(t.Context(), logpipe.Batch{e}); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestUserAgent(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		in   string
		want string // the event's fields, without @timestamp and @version
		meta string // [@metadata][filter][user_agent], "" for none
	}{
		{name: "ECS chrome on macOS", in: `{"ua":"` + chromeMac + `"}`,
			want: `{"ua":"` + chromeMac + `","user_agent":{"name":"Chrome","version":"131.0.0.0","os":{"name":"Mac OS X","version":"10.15.7","full":"Mac OS X 10.15.7"},"device":{"name":"Mac"},"original":"` + chromeMac + `"}}`,
			meta: `{"version":{"major":"131","minor":"0","patch":"0"},"os":{"version":{"major":"10","minor":"15","patch":"7"}}}`},
		{name: "ECS mobile safari", in: `{"ua":"` + iphone + `"}`,
			want: `{"ua":"` + iphone + `","user_agent":{"name":"Mobile Safari","version":"18.1","os":{"name":"iOS","version":"18.1","full":"iOS 18.1"},"device":{"name":"iPhone"},"original":"` + iphone + `"}}`,
			meta: `{"version":{"major":"18","minor":"1"},"os":{"version":{"major":"18","minor":"1"}}}`},
		{name: "ECS quoted curl as legacy COMBINEDAPACHELOG captures it", in: `{"agent":"\"curl/8.5.0\""}`, cfg: Config{Source: "agent"},
			want: `{"agent":"\"curl/8.5.0\"","user_agent":{"name":"curl","version":"8.5.0","os":{"name":"Other","full":"Other"},"device":{"name":"Other"},"original":"\"curl/8.5.0\""}}`,
			meta: `{"version":{"major":"8","minor":"5","patch":"0"}}`},
		{name: "ECS dash is Other", in: `{"ua":"-"}`,
			want: `{"ua":"-","user_agent":{"name":"Other","os":{"name":"Other","full":"Other"},"device":{"name":"Other"},"original":"-"}}`},
		{name: "ECS googlebot is a spider", in: `{"ua":"` + googlebot + `"}`,
			want: `{"ua":"` + googlebot + `","user_agent":{"name":"Googlebot","version":"2.1","os":{"name":"Other","full":"Other"},"device":{"name":"Spider"},"original":"` + googlebot + `"}}`,
			meta: `{"version":{"major":"2","minor":"1"}}`},
		{name: "ECS keeps an existing original (grok's [user_agent][original])", cfg: Config{Source: "[user_agent][original]"},
			in:   `{"user_agent":{"original":"Wget/1.21.4"}}`,
			want: `{"user_agent":{"original":"Wget/1.21.4","name":"Wget","version":"1.21.4","os":{"name":"Other","full":"Other"},"device":{"name":"Other"}}}`,
			meta: `{"version":{"major":"1","minor":"21","patch":"4"}}`},
		// useragent_spec.rb's ECS samples: the version has a fourth part,
		// the parser's patchMinor (Edg/89.0.774.50, at the end) or, as
		// check_and_adjust_version finds it, the ".N " after
		// major.minor.patch in the header.
		{name: "ECS spec chrome 26", cfg: Config{Target: "ua", Source: "message"}, in: `{"message":"` + chrome26 + `"}`,
			want: `{"message":"` + chrome26 + `","ua":{"name":"Chrome","version":"26.0.1410.63","os":{"name":"Linux","full":"Linux"},"device":{"name":"Other"},"original":"` + chrome26 + `"}}`,
			meta: `{"version":{"major":"26","minor":"0","patch":"1410"}}`},
		// The OS differs from the spec's (Mac OS X 10.14.4): uap-go's
		// newer regexes.yaml reads the Darwin build instead.
		{name: "ECS spec MacOutlook", cfg: Config{Target: "ua", Source: "message"}, in: `{"message":"` + outlook + `"}`,
			want: `{"message":"` + outlook + `","ua":{"name":"MacOutlook","version":"16.24.0.190414","os":{"name":"Mac OS X","version":"18.2.6","full":"Mac OS X 18.2.6"},"device":{"name":"Mac"},"original":"` + outlook + `"}}`,
			meta: `{"version":{"major":"16","minor":"24","patch":"0"},"os":{"version":{"major":"18","minor":"2","patch":"6"}}}`},
		{name: "ECS spec Edge 89", cfg: Config{Target: "ua", Source: "message"}, in: `{"message":"` + edge89 + `"}`,
			want: `{"message":"` + edge89 + `","ua":{"name":"Edge","version":"89.0.774.50","os":{"name":"Windows","version":"10","full":"Windows 10"},"device":{"name":"Other"},"original":"` + edge89 + `"}}`,
			meta: `{"version":{"major":"89","minor":"0","patch":"774"},"os":{"version":{"major":"10"}}}`},
		// check_and_adjust_version: the fourth part must be an integer as
		// Ruby writes it (patch_minor.eql? patch_minor.to_i.to_s) and be
		// followed by a space.
		{name: "ECS fourth part not followed by a space", in: `{"ua":"Wget/1.21.4.7"}`,
			want: `{"ua":"Wget/1.21.4.7","user_agent":{"name":"Wget","version":"1.21.4","os":{"name":"Other","full":"Other"},"device":{"name":"Other"},"original":"Wget/1.21.4.7"}}`,
			meta: `{"version":{"major":"1","minor":"21","patch":"4"}}`},
		{name: "ECS fourth part with a leading zero", in: `{"ua":"Wget/1.21.4.07 x"}`,
			want: `{"ua":"Wget/1.21.4.07 x","user_agent":{"name":"Wget","version":"1.21.4","os":{"name":"Other","full":"Other"},"device":{"name":"Other"},"original":"Wget/1.21.4.07 x"}}`,
			meta: `{"version":{"major":"1","minor":"21","patch":"4"}}`},
		{name: "ECS fourth part followed by a space", in: `{"ua":"Wget/1.21.4.7 x"}`,
			want: `{"ua":"Wget/1.21.4.7 x","user_agent":{"name":"Wget","version":"1.21.4.7","os":{"name":"Other","full":"Other"},"device":{"name":"Other"},"original":"Wget/1.21.4.7 x"}}`,
			meta: `{"version":{"major":"1","minor":"21","patch":"4"}}`},
		// logstash-filter-useragent spec: "defaults" (target ua) and "Without target field".
		{name: "legacy with target", cfg: Config{Target: "ua", ECSCompatibility: "disabled"}, in: `{"message":"` + chrome26 + `"}`,
			want: `{"message":"` + chrome26 + `","ua":{"name":"Chrome","version":"26.0.1410.63","major":"26","minor":"0","patch":"1410","os":"Linux","os_name":"Linux","os_full":"Linux","device":"Other"}}`},
		{name: "legacy without target", cfg: Config{ECSCompatibility: "disabled"}, in: `{"message":"` + chrome26 + `"}`,
			want: `{"message":"` + chrome26 + `","name":"Chrome","version":"26.0.1410.63","major":"26","minor":"0","patch":"1410","os":"Linux","os_name":"Linux","os_full":"Linux","device":"Other"}`},
		{name: "legacy replace source with target", cfg: Config{Target: "message", ECSCompatibility: "disabled"}, in: `{"message":"` + chrome26 + `"}`,
			want: `{"message":{"name":"Chrome","version":"26.0.1410.63","major":"26","minor":"0","patch":"1410","os":"Linux","os_name":"Linux","os_full":"Linux","device":"Other"}}`},
		{name: "legacy prefix", cfg: Config{ECSCompatibility: "disabled", Prefix: "ua_"}, in: `{"message":"Wget/1.21.4"}`,
			want: `{"message":"Wget/1.21.4","ua_name":"Wget","ua_version":"1.21.4","ua_major":"1","ua_minor":"21","ua_patch":"4","ua_os":"Other","ua_os_name":"Other","ua_os_full":"Other","ua_device":"Other"}`},
		{name: "without user agent", cfg: Config{Target: "ua"}, in: `{"foo":"bar"}`, want: `{"foo":"bar"}`},
		{name: "empty user agent", cfg: Config{Target: "ua"}, in: `{"message":""}`, want: `{"message":""}`},
		{name: "non-string source", in: `{"ua":5}`, want: `{"ua":5}`},
		{name: "array source uses the first element", cfg: Config{ECSCompatibility: "disabled", Target: "u"}, in: `{"ua":["Wget/1.21.4","curl/8.0.0"]}`,
			want: `{"ua":["Wget/1.21.4","curl/8.0.0"],"u":{"name":"Wget","version":"1.21.4","major":"1","minor":"21","patch":"4","os":"Other","os_name":"Other","os_full":"Other","device":"Other"}}`},
		{name: "target conflict is tagged", cfg: Config{Target: "[x][y]"}, in: `{"ua":"-","x":1}`, want: `{"ua":"-","x":1,"tags":["_useragentparsefailure"]}`},
		{name: "common options run on success", cfg: Config{Common: filter.Common{RemoveField: []string{"ua"}, AddTag: []string{"ua_ok"}}}, in: `{"ua":"-"}`,
			want: `{"user_agent":{"name":"Other","os":{"name":"Other","full":"Other"},"device":{"name":"Other"},"original":"-"},"tags":["ua_ok"]}`},
		{name: "common options skip failures", cfg: Config{Common: filter.Common{AddTag: []string{"ua_ok"}}}, in: `{"x":1}`, want: `{"x":1}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cfg.Source == "" {
				tc.cfg.Source = "ua"
				if strings.Contains(tc.in, `"message"`) {
					tc.cfg.Source = "message"
				}
			}
			e := run(t, tc.cfg, tc.in)
			want := &logpipe.Event{}
			if err := want.UnmarshalJSON([]byte(tc.want)); err != nil {
				t.Fatal(err)
			}
			want.Timestamp = e.Timestamp
			if !e.Fields().Equal(want.Fields()) || strings.Join(e.Tags(), ",") != strings.Join(want.Tags(), ",") {
				t.Errorf("got  %s\nwant %s", e, want)
			}
			meta, ok := e.Get(logpipe.MustPath("[@metadata][filter][user_agent]"))
			switch {
			case tc.meta == "" && ok:
				t.Errorf("metadata %s, want none", meta)
			case tc.meta != "":
				w, _ := logpipe.ParseJSON(tc.meta)
				if !meta.Equal(w) {
					t.Errorf("metadata %s, want %s", meta, tc.meta)
				}
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	for name, cfg := range map[string]Config{
		"no source":      {},
		"bad source":     {Source: "[a"},
		"bad target":     {Source: "ua", Target: "a]"},
		"bad ecs":        {Source: "ua", ECSCompatibility: "v9"},
		"prefix in ECS":  {Source: "ua", Prefix: "x_"},
		"negative cache": {Source: "ua", LRUCacheSize: -1},
		"bad common":     {Source: "ua", Common: filter.Common{AddTag: []string{"%{}"}}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := New(cfg); err == nil || !strings.HasPrefix(err.Error(), "filter: useragent: ") {
				t.Errorf("New error = %v, want a prefixed error", err)
			}
		})
	}
}

func TestCacheBounded(t *testing.T) {
	f, err := New(Config{Source: "ua", LRUCacheSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, ua := range []string{"a/1", "b/2", "c/3", "d/4", "e/5", "a/1"} {
		r := f.Parse(ua)
		if want := ua[:1]; r.Name != want && r.Name != "Other" {
			t.Errorf("Parse(%q).Name = %q", ua, r.Name)
		}
	}
	if n := len(f.cache.m); n > 3 {
		t.Errorf("cache holds %d entries, limit 3", n)
	}
	if a, b := f.Parse(chromeMac), f.Parse(chromeMac); a != b {
		t.Error("a repeated header was not served from the cache")
	}
}

func FuzzUserAgent(f *testing.F) {
	for _, s := range []string{chromeMac, iphone, googlebot, "-", "", `"curl/8.5.0"`, "\x00\xff", strings.Repeat("(", 300)} {
		f.Add(s)
	}
	u, err := New(Config{Source: "ua", LRUCacheSize: 64})
	if err != nil {
		f.Fatal(err)
	}
	legacy, err := New(Config{Source: "ua", ECSCompatibility: "disabled", LRUCacheSize: 64})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, ua string) {
		for _, flt := range []*UserAgent{u, legacy} {
			e := logpipe.NewEvent("")
			e.Fields().Set("ua", logpipe.StringValue(ua))
			if _, err := flt.Apply(t.Context(), logpipe.Batch{e}); err != nil {
				t.Fatal(err)
			}
			if ua == "" || e.Failed() {
				continue
			}
			name := "[user_agent][name]"
			if flt == legacy {
				name = "name"
			}
			if v, ok := e.Get(logpipe.MustPath(name)); !ok || v.Str() == "" {
				t.Errorf("%q: no name in %s", ua, e)
			}
		}
	})
}

// TestConcurrentApply shares one filter (and its cached results) between
// goroutines; run with -race.
func TestConcurrentApply(t *testing.T) {
	f, err := New(Config{Source: "ua", LRUCacheSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	heads := []string{chromeMac, iphone, googlebot, chrome26}
	done := make(chan string, 4)
	for i := range 4 {
		go func() {
			var name string
			for j := range 50 {
				e := logpipe.NewEvent("")
				e.Fields().Set("ua", logpipe.StringValue(heads[(i+j)%len(heads)]))
				if _, err := f.Apply(t.Context(), logpipe.Batch{e}); err != nil {
					t.Error(err)
				}
				v, _ := e.Get(logpipe.MustPath("[user_agent][name]"))
				name = v.Str()
			}
			done <- name
		}()
	}
	for range 4 {
		if n := <-done; n == "" {
			t.Error("no name")
		}
	}
}

// TestAdjustVersion checks Logstash's check_and_adjust_version rule: the
// text after the version, from "." to the next space, is appended when it
// is an integer as Ruby's to_s writes it.
func TestAdjustVersion(t *testing.T) {
	for _, c := range []struct{ ua, version, want string }{
		{"A/1.2.3.4 x", "1.2.3", "1.2.3.4"},
		{"A/1.2.3.0 x", "1.2.3", "1.2.3.0"},
		{"A/1.2.3.-5 x", "1.2.3", "1.2.3.-5"},
		{"A/1.2.3.4", "1.2.3", "1.2.3"},    // no space after it
		{"A/1.2.3.04 x", "1.2.3", "1.2.3"}, // "04".to_i.to_s is "4"
		{"A/1.2.3.-0 x", "1.2.3", "1.2.3"}, // "-0".to_i.to_s is "0"
		{"A/1.2.3. x", "1.2.3", "1.2.3"},   // empty
		{"A/1.2.3.4b x", "1.2.3", "1.2.3"}, // not all digits
		{"A/1.2.3;4 x", "1.2.3", "1.2.3"},  // no dot
		{"B/1.2.3 A/9.9.9.4 x", "9.9.9", "9.9.9.4"},
		{"A/x", "1.2.3", "1.2.3"},                     // not in the header
		{"A/1.2.3.4 B/1.2.3.5 x", "1.2.3", "1.2.3.4"}, // the first occurrence
	} {
		if got := adjustVersion(c.ua, c.version); got != c.want {
			t.Errorf("adjustVersion(%q, %q) = %q, want %q", c.ua, c.version, got, c.want)
		}
	}
}

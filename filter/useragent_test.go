package filter

import (
	"strings"
	"testing"
)

func TestUserAgent(t *testing.T) {
	const (
		chromeMac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
		iphone    = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
		android   = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36"
		firefox   = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
	)
	tests := []struct {
		name      string
		configure func(*UserAgentConfig)
		in        string
		want      string
	}{
		{name: "chrome on macOS", in: `{"ua":"` + chromeMac + `"}`,
			want: `{"ua":"` + chromeMac + `","user_agent":{"name":"Chrome","version":"131.0.0.0","major":"131","os":{"name":"MacOS","version":"10.15.7","full":"MacOS 10.15.7"},"device":{"type":"Desktop"}}}`},
		{name: "mobile safari on iPhone", in: `{"ua":"` + iphone + `"}`,
			want: `{"ua":"` + iphone + `","user_agent":{"name":"Mobile Safari","version":"18.1","major":"18","os":{"name":"iOS","version":"18.1","full":"iOS 18.1"},"device":{"type":"Mobile"}}}`},
		{name: "chrome mobile on android", in: `{"ua":"` + android + `"}`,
			want: `{"ua":"` + android + `","user_agent":{"name":"Chrome Mobile","version":"120.0.0.0","major":"120","os":{"name":"Android","version":"14","full":"Android 14"},"device":{"type":"Mobile"}}}`},
		{name: "firefox on windows", in: `{"ua":"` + firefox + `"}`,
			want: `{"ua":"` + firefox + `","user_agent":{"name":"Firefox","version":"121.0","major":"121","os":{"name":"Windows","version":"10.0","full":"Windows 10.0"},"device":{"type":"Desktop"}}}`},
		{name: "curl", in: `{"ua":"curl/8.7.1"}`,
			want: `{"ua":"curl/8.7.1","user_agent":{"name":"curl","version":"8.7.1","major":"8","device":{"type":"Bot"}}}`},
		{name: "garbage is Other", in: `{"ua":"(;;)"}`,
			want: `{"ua":"(;;)","user_agent":{"name":"Other"}}`},
		{name: "target and original", configure: func(c *UserAgentConfig) { c.Target = "[client][ua]"; c.KeepOriginal = true },
			in:   `{"ua":"curl/8.7.1"}`,
			want: `{"ua":"curl/8.7.1","client":{"ua":{"name":"curl","version":"8.7.1","major":"8","device":{"type":"Bot"},"original":"curl/8.7.1"}}}`},
		{name: "missing source", in: `{"x":1}`, want: `{"x":1}`},
		{name: "non-string source", in: `{"ua":5}`, want: `{"ua":5}`},
		{name: "target conflict", configure: func(c *UserAgentConfig) { c.Target = "[x][y]" },
			in: `{"ua":"curl/8.7.1","x":1}`, want: `{"ua":"curl/8.7.1","x":1,"tags":["_useragentparsefailure"]}`},
		{name: "common options", configure: func(c *UserAgentConfig) { c.RemoveField = []string{"ua"} },
			in: `{"ua":"curl/8.7.1"}`, want: `{"user_agent":{"name":"curl","version":"8.7.1","major":"8","device":{"type":"Bot"}}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := UserAgentConfig{Source: "ua"}
			if tc.configure != nil {
				tc.configure(&cfg)
			}
			f, err := NewUserAgent(cfg)
			if err != nil {
				t.Fatal(err)
			}
			checkEvent(t, applyOne(t, f, event(t, tc.in)), tc.want)
		})
	}
}

func TestNewUserAgentErrors(t *testing.T) {
	for name, cfg := range map[string]UserAgentConfig{
		"no source":  {},
		"bad source": {Source: "[a"},
		"bad target": {Source: "ua", Target: "a]"},
		"bad common": {Source: "ua", Common: Common{AddTag: []string{"%{"}}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := NewUserAgent(cfg); err == nil || !strings.HasPrefix(err.Error(), "filter: useragent: ") {
				t.Errorf("NewUserAgent error = %v, want a prefixed error", err)
			}
		})
	}
}

package filter

import (
	"context"
	"fmt"
	"strings"

	useragent "github.com/medama-io/go-useragent"
	"github.com/medama-io/go-useragent/agents"

	"github.com/logpipe/logpipe"
)

// UserAgentConfig configures a UserAgent filter (Logstash's useragent
// filter).
type UserAgentConfig struct {
	// Source is the field holding the User-Agent header. Required. An
	// event without it, or where it is not a string, is left alone.
	Source string
	// Target is the object the results are written to. Empty means
	// "user_agent".
	Target string
	// KeepOriginal also stores the header in [Target][original], as
	// Logstash's ECS mode does.
	KeepOriginal bool
	// Common holds the options applied after a header was parsed.
	Common
}

// UserAgent parses User-Agent headers into Elastic Common Schema fields
// under Target:
//
//	name            browser family: "Chrome", "Mobile Safari", "Firefox",
//	                "curl", ... ("Other" when unknown)
//	version         full browser version ("131.0.0.0")
//	major           major version ("131")
//	os.name         "MacOS", "iOS", "Android", "Windows", "Linux", ...
//	os.version      "10.15.7", "18.1", "14", "10.0" (when the header has it)
//	os.full         name and version together ("iOS 18.1")
//	device.type     "Desktop", "Mobile", "Tablet", "TV" or "Bot"
//
// Fields that are unknown are left out. Browser families of mobile
// devices get a "Mobile" suffix where the ua-parser names Logstash users
// know have one ("Mobile Safari", "Chrome Mobile", "Firefox Mobile").
// Non-browser clients such as "curl/8.7.1" are named after their first
// product token.
//
// Parsing uses github.com/medama-io/go-useragent, a trie-based parser
// that matches a header in well under a microsecond without allocating;
// its embedded rule set is built once per process and shared read-only.
// A UserAgent is safe for concurrent use.
type UserAgent struct {
	source   logpipe.Path
	target   logpipe.Path
	original bool
	parser   *useragent.Parser
	common   common
}

var _ logpipe.Filter = (*UserAgent)(nil)

// NewUserAgent validates cfg and returns the filter. Source is required;
// Source, Target and the common options must be valid.
func NewUserAgent(cfg UserAgentConfig) (*UserAgent, error) {
	src, err := parsePath("useragent", "source", cfg.Source, true)
	if err != nil {
		return nil, err
	}
	target := cfg.Target
	if target == "" {
		target = "user_agent"
	}
	dst, err := parsePath("useragent", "target", target, true)
	if err != nil {
		return nil, err
	}
	c, err := cfg.Common.compile()
	if err != nil {
		return nil, fmt.Errorf("filter: useragent: %w", err)
	}
	return &UserAgent{source: src, target: dst, original: cfg.KeepOriginal, parser: useragent.NewParser(), common: c}, nil
}

// Apply parses the source of every event of b, in place. It never returns
// an error; an event whose target cannot be set (a non-object in the way)
// is tagged "_useragentparsefailure".
func (u *UserAgent) Apply(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
	for _, e := range b {
		u.apply(e)
	}
	return b, nil
}

func (u *UserAgent) apply(e *logpipe.Event) {
	v, ok := e.Get(u.source)
	if !ok || v.Kind() != logpipe.KindString {
		return
	}
	if err := e.Set(u.target, logpipe.ObjectValue(u.Parse(v.Str(), u.original))); err != nil {
		e.TagFailure("_useragentparsefailure")
		return
	}
	u.common.apply(e)
}

// Parse returns the fields the filter writes for header ua (see
// UserAgent), as a new Object; withOriginal adds "original".
func (u *UserAgent) Parse(ua string, withOriginal bool) *logpipe.Object {
	r := u.parser.Parse(ua)
	o := logpipe.NewObject()
	name := string(r.Browser())
	version := r.BrowserVersion()
	major := r.BrowserVersionMajor()
	device := r.Device()
	if name == "" {
		name, version, major = productToken(ua)
	} else if device == agents.DeviceMobile || device == agents.DeviceTablet {
		switch r.Browser() {
		case agents.BrowserSafari:
			name = "Mobile Safari"
		case agents.BrowserChrome, agents.BrowserFirefox:
			name += " Mobile"
		}
	}
	o.Set("name", logpipe.StringValue(name))
	if version != "" {
		o.Set("version", logpipe.StringValue(version))
	}
	if major != "" {
		o.Set("major", logpipe.StringValue(major))
	}
	if osName := string(r.OS()); osName != "" {
		os := logpipe.NewObject(logpipe.KV{Key: "name", Value: logpipe.StringValue(osName)})
		if ver := osVersion(ua, r.OS()); ver != "" {
			os.Set("version", logpipe.StringValue(ver))
			os.Set("full", logpipe.StringValue(osName+" "+ver))
		} else {
			os.Set("full", logpipe.StringValue(osName))
		}
		o.Set("os", logpipe.ObjectValue(os))
	}
	if device != "" {
		o.Set("device", logpipe.ObjectValue(logpipe.NewObject(logpipe.KV{Key: "type", Value: logpipe.StringValue(string(device))})))
	}
	if withOriginal {
		o.Set("original", logpipe.StringValue(ua))
	}
	return o
}

// productToken names a non-browser client after its first "name/version"
// token ("curl/8.7.1"), or "Other".
func productToken(ua string) (name, version, major string) {
	tok, _, _ := strings.Cut(strings.TrimSpace(ua), " ")
	name, version, _ = strings.Cut(tok, "/")
	if name == "" || name == "Mozilla" || strings.ContainsAny(name, "();,") {
		return "Other", "", ""
	}
	major, _, _ = strings.Cut(version, ".")
	return name, version, major
}

// osVersion extracts the operating system's version from the header for
// the systems whose headers carry one in a well-known place.
func osVersion(ua string, os agents.OS) string {
	var marker string
	switch os {
	case agents.OSMacOS:
		marker = "Mac OS X "
	case agents.OSIOS:
		marker = " OS "
	case agents.OSAndroid:
		marker = "Android "
	case agents.OSWindows:
		marker = "Windows NT "
	default:
		return ""
	}
	i := strings.Index(ua, marker)
	if i < 0 {
		return ""
	}
	rest := ua[i+len(marker):]
	n := 0
	for n < len(rest) && (rest[n] == '.' || rest[n] == '_' || (rest[n] >= '0' && rest[n] <= '9')) {
		n++
	}
	return strings.ReplaceAll(strings.Trim(rest[:n], "._"), "_", ".")
}

// Package useragent is Logstash's useragent filter: it parses User-Agent
// headers with ua-parser's rules (the regexes.yaml that Logstash ships,
// through github.com/ua-parser/uap-go) into Logstash's ECS or legacy
// fields.
//
// It is a package of its own so that programs that do not parse user
// agents do not compile ua-parser's rule set.
package useragent

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/ua-parser/uap-go/uaparser"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter"
	"github.com/logpipe/logpipe/internal/ecs"
)

// Config configures a UserAgent filter. The zero value of every field
// except Source means Logstash's default.
type Config struct {
	// Source is the field holding the User-Agent header. Required. When it
	// holds an array, the first element is parsed. An event without it,
	// or with an empty or non-string value, is left alone.
	Source string
	// Target is where the results go. Empty means "[user_agent]" in ECS
	// mode and the event's root in legacy mode, as in Logstash. When
	// Target equals Source, the header is replaced by the results.
	Target string
	// ECSCompatibility selects the field layout: "v8" or "v1" (the same
	// layout) or "disabled" (legacy). Empty means "v8", Logstash 8's
	// default. See UserAgent for both layouts.
	ECSCompatibility string
	// Prefix is prepended to every legacy field name (Logstash's prefix).
	// It is an error in ECS mode.
	Prefix string
	// LRUCacheSize bounds the cache of parsed headers (Logstash's
	// lru_cache_size). Zero means 100,000, Logstash's default: a site
	// sees a few thousand distinct agents, so nearly every event is a
	// cache hit and costs a map lookup instead of ua-parser's regexps.
	LRUCacheSize int
	// Common holds the options applied when a header was parsed.
	filter.Common
}

// UserAgent parses User-Agent headers as Logstash's useragent filter does.
//
// In ECS mode (Logstash 8's default) the fields are, under Target
// ([user_agent] by default):
//
//	name          ua-parser's family: "Chrome", "Mobile Safari", "curl",
//	              "Googlebot", "Other" when nothing matched
//	version       "major.minor.patch" of the parts present, and a fourth
//	              part as Logstash adds it: "26.0.1410.63"
//	os.name       "Mac OS X", "iOS", "Windows", "Android", "Other", ...
//	os.version    "10.15.7"
//	os.full       name and version: "Mac OS X 10.15.7"
//	device.name   "Mac", "iPhone", "Spider", "Other", ...
//	original      the header
//
// and the version parts (major, minor, patch) go under @metadata, as in
// Logstash:
//
//	[@metadata][filter][user_agent][version]
//	[@metadata][filter][user_agent][os][version]
//
// In legacy mode (ECSCompatibility "disabled") the fields are name,
// version, major, minor, patch, os (the OS name), os_name,
// os_version, os_full, os_major, os_minor, os_patch and device, each with
// Prefix, under Target or at the root.
//
// Parsed headers are cached (see Config.LRUCacheSize). A UserAgent is safe
// for concurrent use.
type UserAgent struct {
	source   logpipe.Path
	target   logpipe.Path // zero Path: the root (legacy without target)
	toRoot   bool
	replace  bool // Target == Source
	ecs      bool
	prefix   string
	parser   *uaparser.Parser
	common   *filter.Mutate // the Common options, or nil
	cache    cache
	metaPath logpipe.Path
}

var _ logpipe.Filter = (*UserAgent)(nil)

// New validates cfg and returns the filter.
func New(cfg Config) (*UserAgent, error) {
	if cfg.Source == "" {
		return nil, fmt.Errorf("filter: useragent: source is required")
	}
	src, err := logpipe.ParsePath(cfg.Source)
	if err != nil {
		return nil, fmt.Errorf("filter: useragent: source: %w", err)
	}
	u := &UserAgent{source: src, prefix: cfg.Prefix}
	if u.ecs, err = ecs.Enabled(cfg.ECSCompatibility); err != nil {
		return nil, fmt.Errorf("filter: useragent: %w", err)
	}
	if u.ecs && cfg.Prefix != "" {
		return nil, fmt.Errorf("filter: useragent: prefix is only supported with ecs_compatibility \"disabled\"")
	}
	target := cfg.Target
	if target == "" && u.ecs {
		target = "[user_agent]"
	}
	if target == "" {
		u.toRoot = true
	} else {
		if u.target, err = logpipe.ParsePath(target); err != nil {
			return nil, fmt.Errorf("filter: useragent: target: %w", err)
		}
		u.replace = u.target.String() == src.String() || target == cfg.Source
	}
	u.metaPath = logpipe.MustPath("[@metadata][filter][user_agent]")
	size := cfg.LRUCacheSize
	if size < 0 {
		return nil, fmt.Errorf("filter: useragent: lru_cache_size %d must not be negative", size)
	}
	if size == 0 {
		size = 100_000
	}
	u.cache.max = size
	// uap-go keeps its own small caches per lookup; the filter caches the
	// finished result, so those stay tiny.
	if u.parser, err = uaparser.New(uaparser.WithCacheSize(16)); err != nil {
		return nil, fmt.Errorf("filter: useragent: %w", err)
	}
	if !isZeroCommon(cfg.Common) {
		if u.common, err = filter.NewMutate(filter.MutateConfig{Common: cfg.Common}); err != nil {
			return nil, fmt.Errorf("filter: useragent: %w", err)
		}
	}
	return u, nil
}

func isZeroCommon(c filter.Common) bool {
	return len(c.AddField) == 0 && len(c.AddTag) == 0 && len(c.RemoveField) == 0 && len(c.RemoveTag) == 0
}

// Result is ua-parser's answer for one header.
type Result struct {
	Name                               string
	Major, Minor, Patch                string
	OSName                             string
	OSMajor, OSMinor, OSPatch, OSBuild string
	Device                             string
	version, osVersion                 string

	once      sync.Once // builds ecsFields and ecsMeta
	ecsFields *logpipe.Object
	ecsMeta   *logpipe.Object
}

// Version is the agent's version: its parts joined with dots, with the
// fourth part Logstash adds (the rule's fifth group, or the header's
// ".N " right after major.minor.patch).
func (r *Result) Version() string { return r.version }

// OSVersion is the operating system's version: its parts joined with dots.
func (r *Result) OSVersion() string { return r.osVersion }

// OSFull is the operating system's name and version.
func (r *Result) OSFull() string {
	if r.osVersion == "" {
		return r.OSName
	}
	return r.OSName + " " + r.osVersion
}

func joinVersion(parts ...string) string {
	n := 0
	for n < len(parts) && parts[n] != "" {
		n++
	}
	return strings.Join(parts[:n], ".")
}

// parseAgent is uap-go's ParseUserAgent (the first rule whose regexp
// matches and gives a family, "Other" when none does) that also returns
// the rule's fifth group, the version's fourth part, which uap-go drops
// and Logstash's parser keeps as patchMinor (UserAgentParser.java: v4 is
// group 5 unless the rule replaces the minor version).
func (u *UserAgent) parseAgent(ua string) (uaparser.UserAgent, string) {
	for _, p := range u.parser.UA {
		m := p.Reg.FindStringSubmatchIndex(ua)
		if m == nil {
			continue
		}
		// What p.Match does, without running the regexp again.
		a := uaparser.UserAgent{
			Family: string(p.Reg.ExpandString(nil, p.FamilyReplacement, ua, m)),
			Major:  string(p.Reg.ExpandString(nil, p.V1Replacement, ua, m)),
			Minor:  string(p.Reg.ExpandString(nil, p.V2Replacement, ua, m)),
			Patch:  string(p.Reg.ExpandString(nil, p.V3Replacement, ua, m)),
		}
		if a.Family == "" {
			continue
		}
		patchMinor := ""
		if len(m) >= 12 && m[10] >= 0 && p.V2Replacement == "$3" {
			if s := ua[m[10]:m[11]]; strings.TrimSpace(s) != "" {
				patchMinor = s
			}
		}
		return a, patchMinor
	}
	return uaparser.UserAgent{Family: "Other"}, ""
}

// adjustVersion is Logstash's check_and_adjust_version (useragent.rb):
// when the parser gave no fourth part, the header's text after the first
// occurrence of version, from a "." up to the next space, is appended
// when it is an integer as Ruby writes one (patch_minor.eql?
// patch_minor.to_i.to_s).
func adjustVersion(ua, version string) string {
	i := strings.Index(ua, version)
	if i < 0 {
		return version
	}
	i += len(version)
	if i >= len(ua) || ua[i] != '.' {
		return version
	}
	end := strings.IndexByte(ua[i+1:], ' ')
	if end < 0 {
		return version
	}
	if pm := ua[i+1 : i+1+end]; rubyIntText(pm) {
		return version + "." + pm
	}
	return version
}

// rubyIntText reports whether s is what Ruby's Integer#to_s writes: "0",
// or digits without a leading zero, optionally after "-".
func rubyIntText(s string) bool {
	digits := strings.TrimPrefix(s, "-")
	if digits == "" {
		return false
	}
	if digits[0] == '0' {
		return s == "0" // not "-0", not "07"
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	return true
}

// Parse returns ua-parser's answer for header ua, from the cache when the
// header was seen before. The Result is shared and must not be modified.
func (u *UserAgent) Parse(ua string) *Result {
	if r := u.cache.get(ua); r != nil {
		return r
	}
	a, patchMinor := u.parseAgent(ua)
	o := u.parser.ParseOs(ua)
	d := u.parser.ParseDevice(ua)
	r := &Result{
		Name: a.Family, Major: a.Major, Minor: a.Minor, Patch: a.Patch,
		OSName: o.Family, OSMajor: o.Major, OSMinor: o.Minor, OSPatch: o.Patch, OSBuild: o.PatchMinor,
		Device: d.Family,
	}
	r.version = joinVersion(a.Major, a.Minor, a.Patch)
	if a.Major != "" && a.Minor != "" && a.Patch != "" {
		if patchMinor != "" {
			r.version += "." + patchMinor
		} else {
			r.version = adjustVersion(ua, r.version)
		}
	}
	r.osVersion = joinVersion(o.Major, o.Minor, o.Patch, o.PatchMinor)
	u.cache.put(strings.Clone(ua), r)
	return r
}

// Apply parses the source of every event of b, in place. It never returns
// an error; an event whose results cannot be stored (a non-object in the
// way) is tagged "_useragentparsefailure".
func (u *UserAgent) Apply(ctx context.Context, b logpipe.Batch) (logpipe.Batch, error) {
	var matched logpipe.Batch
	for _, e := range b {
		if u.apply(e) && u.common != nil {
			matched = append(matched, e)
		}
	}
	if len(matched) > 0 {
		if _, err := u.common.Apply(ctx, matched); err != nil {
			return b, fmt.Errorf("filter: useragent: %w", err)
		}
	}
	return b, nil
}

func (u *UserAgent) apply(e *logpipe.Event) bool {
	v, ok := e.Get(u.source)
	if !ok {
		return false
	}
	if v.Kind() == logpipe.KindArray {
		arr := v.Array()
		if len(arr) == 0 {
			return false
		}
		v = arr[0]
	}
	if v.Kind() != logpipe.KindString || v.Str() == "" {
		return false
	}
	ua := v.Str()
	r := u.Parse(ua)
	if u.replace {
		e.Delete(u.source)
	}
	var err error
	if u.ecs {
		err = u.setECS(e, r, ua)
	} else {
		err = u.setLegacy(e, r)
	}
	if err != nil {
		e.TagFailure("_useragentparsefailure")
		return false
	}
	return true
}

func str(s string) logpipe.Value { return logpipe.StringValue(s) }

func (u *UserAgent) setECS(e *logpipe.Event, r *Result, ua string) error {
	fields, meta := r.ecsObjects(ua)
	if old, ok := e.Get(u.target); ok && old.Kind() == logpipe.KindObject {
		// Merge into the existing object (grok's [user_agent][original]).
		o := old.Object()
		for k, v := range fields.All() {
			if k == "original" && o.Has(k) {
				continue
			}
			o.Set(k, v.Clone())
		}
	} else if err := e.Set(u.target, logpipe.ObjectValue(fields.Clone())); err != nil {
		return err
	}
	if meta != nil {
		return e.Set(u.metaPath, logpipe.ObjectValue(meta.Clone()))
	}
	return nil
}

// ecsObjects returns the ECS fields and metadata for r, built once per
// cached result (ua is the header r was parsed from). They are shared:
// callers clone them.
func (r *Result) ecsObjects(ua string) (fields, meta *logpipe.Object) {
	r.once.Do(func() {
		kvs := []logpipe.KV{{Key: "name", Value: str(r.Name)}}
		if r.version != "" {
			kvs = append(kvs, logpipe.KV{Key: "version", Value: str(r.version)})
		}
		osKVs := []logpipe.KV{{Key: "name", Value: str(r.OSName)}}
		if r.osVersion != "" {
			osKVs = append(osKVs, logpipe.KV{Key: "version", Value: str(r.osVersion)})
		}
		osKVs = append(osKVs, logpipe.KV{Key: "full", Value: str(r.OSFull())})
		kvs = append(kvs,
			logpipe.KV{Key: "os", Value: logpipe.ObjectValue(logpipe.NewObject(osKVs...))},
			logpipe.KV{Key: "device", Value: logpipe.ObjectValue(logpipe.NewObject(logpipe.KV{Key: "name", Value: str(r.Device)}))},
			logpipe.KV{Key: "original", Value: str(ua)})
		r.ecsFields = logpipe.NewObject(kvs...)
		var m []logpipe.KV
		if ver := versionObject(r.Major, r.Minor, r.Patch); ver != nil {
			m = append(m, logpipe.KV{Key: "version", Value: logpipe.ObjectValue(ver)})
		}
		if ver := versionObject(r.OSMajor, r.OSMinor, r.OSPatch); ver != nil {
			m = append(m, logpipe.KV{Key: "os", Value: logpipe.ObjectValue(logpipe.NewObject(logpipe.KV{Key: "version", Value: logpipe.ObjectValue(ver)}))})
		}
		if len(m) > 0 {
			r.ecsMeta = logpipe.NewObject(m...)
		}
	})
	return r.ecsFields, r.ecsMeta
}

func versionObject(major, minor, patch string) *logpipe.Object {
	if major == "" && minor == "" && patch == "" {
		return nil
	}
	o := logpipe.NewObject()
	for _, kv := range [...]struct{ k, v string }{{"major", major}, {"minor", minor}, {"patch", patch}} {
		if kv.v != "" {
			o.Set(kv.k, str(kv.v))
		}
	}
	return o
}

func (u *UserAgent) setLegacy(e *logpipe.Event, r *Result) error {
	var o *logpipe.Object
	if u.toRoot {
		o = e.Fields()
	} else {
		o = logpipe.NewObject()
		if old, ok := e.Get(u.target); ok && old.Kind() == logpipe.KindObject {
			o = old.Object()
		}
	}
	p := u.prefix
	set := func(k, v string) {
		if v != "" {
			o.Set(p+k, str(v))
		}
	}
	set("name", r.Name)
	set("version", r.version)
	set("major", r.Major)
	set("minor", r.Minor)
	set("patch", r.Patch)
	set("os", r.OSName)
	set("os_name", r.OSName)
	set("os_version", r.osVersion)
	set("os_full", r.OSFull())
	set("os_major", r.OSMajor)
	set("os_minor", r.OSMinor)
	set("os_patch", r.OSPatch)
	set("device", r.Device)
	if u.toRoot {
		return nil
	}
	return e.Set(u.target, logpipe.ObjectValue(o))
}

// cache is a bounded map of parsed headers. When full, it drops one
// arbitrary entry per insert, which keeps memory bounded without the
// bookkeeping of an LRU list on every hit.
type cache struct {
	mu  sync.RWMutex
	m   map[string]*Result
	max int
}

func (c *cache) get(k string) *Result {
	c.mu.RLock()
	r := c.m[k]
	c.mu.RUnlock()
	return r
}

func (c *cache) put(k string, r *Result) {
	c.mu.Lock()
	if c.m == nil {
		c.m = make(map[string]*Result)
	}
	if len(c.m) >= c.max {
		for old := range c.m {
			delete(c.m, old)
			break
		}
	}
	c.m[k] = r
	c.mu.Unlock()
}

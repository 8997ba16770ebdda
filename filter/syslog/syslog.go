// Package syslog holds the Syslog filter: RFC 5424 and RFC 3164 messages
// parsed into the fields of Logstash's syslog input. It is a package of
// its own because its parser, github.com/leodido/go-syslog, is large
// generated code: a program that does not parse syslog does not compile it.
package syslog

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	gosyslog "github.com/leodido/go-syslog/v4"
	"github.com/leodido/go-syslog/v4/auto"
	"github.com/leodido/go-syslog/v4/rfc3164"
	"github.com/leodido/go-syslog/v4/rfc5424"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter"
	"github.com/logpipe/logpipe/internal/ecs"
)

// Config configures a Filter. The zero value parses "message" into the
// ECS fields Logstash 8 uses.
type Config struct {
	// Source is the field holding the syslog line (Logstash's
	// syslog_field). Default: "message".
	Source string
	// ECSCompatibility chooses the field names: "v8" (the default) or
	// "v1" for the ECS names, "disabled" for the legacy ones; see Syslog.
	ECSCompatibility string
	// Timezone is the IANA zone of RFC 3164 timestamps, which carry none
	// (Logstash's timezone). Default: the local zone, as Logstash uses the
	// platform's.
	Timezone string
	// Location is Timezone as a *time.Location; set at most one of them.
	Location *time.Location
	// NoLabels leaves out the facility and severity names (Logstash's
	// use_labels => false).
	NoLabels bool
	// TagOnFailure is added when the source is not a syslog message. nil
	// means "_syslogparsefailure"; an empty non-nil slice means no tag.
	TagOnFailure []string
	// Now returns the current time, used to guess the year of RFC 3164
	// timestamps. Default: time.Now. Tests set it.
	Now func() time.Time
	// Common holds the options applied when parsing succeeded
	// (add_field, add_tag, remove_field, remove_tag).
	filter.Common
}

// Filter parses RFC 5424 and RFC 3164 (BSD) syslog messages into the
// fields of Logstash's syslog input, with the parser of
// github.com/leodido/go-syslog (format detected per message). It is meant
// for events from the TCP and UDP inputs.
//
// Fields set, ECS names (v1, v8) and legacy names (disabled):
//
//	priority        [log][syslog][priority]         priority
//	facility        [log][syslog][facility][code]   facility
//	severity        [log][syslog][severity][code]   severity
//	facility label  [log][syslog][facility][name]   facility_label
//	severity label  [log][syslog][severity][name]   severity_label
//	timestamp       @timestamp                      @timestamp, and timestamp (the text)
//	host            [host][hostname]                logsource
//	program         [process][name]                 program
//	pid             [process][pid] (a number)       pid
//	message         message                         message
//
// A non-numeric RFC 5424 PROCID goes to [log][syslog][procid] (ECS) or
// pid (legacy). RFC 5424 messages also give [log][syslog][version],
// [log][syslog][msgid] and [log][syslog][structured_data] (an object of
// SD-IDs holding their parameters); legacy: syslog5424_ver,
// syslog5424_msgid, syslog5424_sd. In ECS mode the source text is kept
// in [event][original], as Logstash's syslog input does. Fields the
// message leaves out ("-" in RFC 5424) are not set. The labels are
// Logstash's defaults ("user-level", "notice", ...).
//
// RFC 3164 timestamps carry no year: the current year is used, or the
// previous one when that would put the message more than a day in the
// future (a December message read in January).
//
// A source that is not a syslog message is tagged "_syslogparsefailure"
// and, as Logstash's syslog input does, given priority 13 (user-level,
// notice) with its facility and severity; its message is left alone. A
// missing or non-string source leaves the event untouched.
//
// A Filter is safe for concurrent use.
type Filter struct {
	source logpipe.Path
	ecs    bool
	loc    *time.Location
	labels bool
	tags   []string
	now    func() time.Time
	f      syslogFields
	common *filter.Mutate // the Common options alone, or nil
	pool   sync.Pool      // of gosyslog.Machine: a machine is not safe for concurrent use
}

var _ logpipe.Filter = (*Filter)(nil)

// syslogFields are the paths a Syslog sets, by ECS mode.
type syslogFields struct {
	priority, facility, severity, facilityName, severityName logpipe.Path
	timestamp, host, program, pid, procid                    logpipe.Path
	version, msgid, sd, original                             logpipe.Path
	hasTimestamp, hasOriginal, pidAsString                   bool
}

var (
	syslogECS = syslogFields{
		priority:     logpipe.MustPath("[log][syslog][priority]"),
		facility:     logpipe.MustPath("[log][syslog][facility][code]"),
		severity:     logpipe.MustPath("[log][syslog][severity][code]"),
		facilityName: logpipe.MustPath("[log][syslog][facility][name]"),
		severityName: logpipe.MustPath("[log][syslog][severity][name]"),
		host:         logpipe.MustPath("[host][hostname]"),
		program:      logpipe.MustPath("[process][name]"),
		pid:          logpipe.MustPath("[process][pid]"),
		procid:       logpipe.MustPath("[log][syslog][procid]"),
		version:      logpipe.MustPath("[log][syslog][version]"),
		msgid:        logpipe.MustPath("[log][syslog][msgid]"),
		sd:           logpipe.MustPath("[log][syslog][structured_data]"),
		original:     logpipe.MustPath("[event][original]"),
		hasOriginal:  true,
	}
	syslogLegacy = syslogFields{
		priority:     logpipe.MustPath("priority"),
		facility:     logpipe.MustPath("facility"),
		severity:     logpipe.MustPath("severity"),
		facilityName: logpipe.MustPath("facility_label"),
		severityName: logpipe.MustPath("severity_label"),
		timestamp:    logpipe.MustPath("timestamp"),
		host:         logpipe.MustPath("logsource"),
		program:      logpipe.MustPath("program"),
		pid:          logpipe.MustPath("pid"),
		procid:       logpipe.MustPath("pid"),
		version:      logpipe.MustPath("syslog5424_ver"),
		msgid:        logpipe.MustPath("syslog5424_msgid"),
		sd:           logpipe.MustPath("syslog5424_sd"),
		hasTimestamp: true,
		pidAsString:  true,
	}
	pathMessage = logpipe.MustPath("message")
)

// Logstash's default facility_labels and severity_labels (RFC 3164 4.1.1).
var (
	syslogFacilityLabels = [...]string{
		"kernel", "user-level", "mail", "system", "security/authorization",
		"syslogd", "line printer", "network news", "UUCP", "clock",
		"security/authorization", "FTP", "NTP", "log audit", "log alert",
		"clock", "local0", "local1", "local2", "local3", "local4", "local5",
		"local6", "local7",
	}
	syslogSeverityLabels = [...]string{
		"emergency", "alert", "critical", "error", "warning", "notice",
		"informational", "debug",
	}
)

// TagParseFailure is the default tag of an event the Filter could not
// parse.
const TagParseFailure = "_syslogparsefailure"

// New validates cfg and returns the filter.
func New(cfg Config) (*Filter, error) {
	if cfg.Source == "" {
		cfg.Source = "message"
	}
	src, err := logpipe.ParsePath(cfg.Source)
	if err != nil {
		return nil, fmt.Errorf("filter: syslog: source: %w", err)
	}
	tags := []string{TagParseFailure}
	if cfg.TagOnFailure != nil {
		tags = slices.Clone(cfg.TagOnFailure)
	}
	s := &Filter{source: src, labels: !cfg.NoLabels, tags: tags, now: cfg.Now}
	if s.ecs, err = ecs.Enabled(cfg.ECSCompatibility); err != nil {
		return nil, fmt.Errorf("filter: syslog: %w", err)
	}
	s.f = syslogLegacy
	if s.ecs {
		s.f = syslogECS
	}
	switch {
	case cfg.Location != nil && cfg.Timezone != "":
		return nil, errors.New("filter: syslog: set Location or Timezone, not both")
	case cfg.Location != nil:
		s.loc = cfg.Location
	case cfg.Timezone != "":
		if s.loc, err = time.LoadLocation(cfg.Timezone); err != nil {
			return nil, fmt.Errorf("filter: syslog: timezone: %w", err)
		}
	default:
		s.loc = time.Local
	}
	if s.now == nil {
		s.now = time.Now
	}
	c := cfg.Common
	if len(c.AddField)+len(c.AddTag)+len(c.RemoveField)+len(c.RemoveTag) > 0 {
		// A Mutate with no mutation applies exactly the Common options.
		if s.common, err = filter.NewMutate(filter.MutateConfig{Common: c}); err != nil {
			return nil, fmt.Errorf("filter: syslog: %w", err)
		}
	}
	loc := s.loc
	s.pool.New = func() any {
		return auto.NewMachine(
			auto.WithRFC3164Options(rfc3164.WithLocaleTimezone(loc), rfc3164.WithRFC3339()),
		)
	}
	return s, nil
}

// Apply parses the source of every event of b, in place. It never returns
// an error.
func (s *Filter) Apply(ctx context.Context, b logpipe.Batch) (logpipe.Batch, error) {
	m := s.pool.Get().(gosyslog.Machine)
	defer s.pool.Put(m)
	var parsed logpipe.Batch
	for _, e := range b {
		if s.apply(m, e) && s.common != nil {
			parsed = append(parsed, e)
		}
	}
	if len(parsed) > 0 {
		if _, err := s.common.Apply(ctx, parsed); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// apply parses one event and reports whether it was a syslog message.
func (s *Filter) apply(m gosyslog.Machine, e *logpipe.Event) bool {
	v, ok := e.Get(s.source)
	if !ok || v.Kind() != logpipe.KindString {
		return false
	}
	text := v.Str()
	msg, err := parseSyslog(m, text)
	if err != nil {
		e.TagFailure(s.tags...)
		s.setPriority(e, 13)
		return false
	}
	switch x := msg.(type) {
	case *rfc3164.SyslogMessage:
		s.set3164(e, text, &x.Base)
	case *rfc5424.SyslogMessage:
		s.set5424(e, text, x)
	}
	return true
}

// parseSyslog parses text, turning a panic of the parser into an error:
// the parser is generated code that the filter does not own.
func parseSyslog(m gosyslog.Machine, text string) (msg gosyslog.Message, err error) {
	defer func() {
		if r := recover(); r != nil {
			msg, err = nil, fmt.Errorf("syslog parser panicked: %v", r)
		}
	}()
	msg, err = m.Parse([]byte(text))
	if err == nil && (msg == nil || !msg.Valid()) {
		err = errors.New("not a syslog message")
	}
	return msg, err
}

func (s *Filter) setPriority(e *logpipe.Event, pri uint8) {
	f, sev := pri>>3, pri&7
	_ = e.Set(s.f.priority, logpipe.IntValue(int64(pri)))
	_ = e.Set(s.f.facility, logpipe.IntValue(int64(f)))
	_ = e.Set(s.f.severity, logpipe.IntValue(int64(sev)))
	if s.labels {
		if int(f) < len(syslogFacilityLabels) {
			_ = e.Set(s.f.facilityName, logpipe.StringValue(syslogFacilityLabels[f]))
		}
		_ = e.Set(s.f.severityName, logpipe.StringValue(syslogSeverityLabels[sev]))
	}
}

// setCommon sets the fields RFC 3164 and RFC 5424 share.
func (s *Filter) setCommon(e *logpipe.Event, text string, b *gosyslog.Base, ts time.Time) {
	if s.f.hasOriginal {
		_ = e.Set(s.f.original, logpipe.StringValue(text))
	}
	if b.Priority != nil {
		s.setPriority(e, *b.Priority)
	}
	if !ts.IsZero() {
		e.Timestamp = ts
		if s.f.hasTimestamp {
			if raw := rawTimestamp(text); raw != "" {
				_ = e.Set(s.f.timestamp, logpipe.StringValue(raw))
			}
		}
	}
	setStr(e, s.f.host, b.Hostname)
	setStr(e, s.f.program, b.Appname)
	if b.ProcID != nil {
		if pid, err := strconv.ParseInt(*b.ProcID, 10, 64); err == nil && !s.f.pidAsString {
			_ = e.Set(s.f.pid, logpipe.IntValue(pid))
		} else {
			_ = e.Set(s.f.procid, logpipe.StringValue(*b.ProcID))
		}
	}
	msg := ""
	if b.Message != nil {
		msg = strings.TrimPrefix(*b.Message, "\uFEFF")
	}
	_ = e.Set(pathMessage, logpipe.StringValue(msg))
}

func (s *Filter) set3164(e *logpipe.Event, text string, b *gosyslog.Base) {
	var ts time.Time
	if b.Timestamp != nil {
		ts = *b.Timestamp
		if ts.Year() == 0 {
			ts = s.guessYear(ts)
		}
	}
	s.setCommon(e, text, b, ts)
}

func (s *Filter) set5424(e *logpipe.Event, text string, m *rfc5424.SyslogMessage) {
	var ts time.Time
	if m.Timestamp != nil {
		ts = *m.Timestamp
	}
	s.setCommon(e, text, &m.Base, ts)
	_ = e.Set(s.f.version, logpipe.StringValue(strconv.Itoa(int(m.Version))))
	setStr(e, s.f.msgid, m.MsgID)
	if m.StructuredData != nil && len(*m.StructuredData) > 0 {
		// The parser returns Go maps: sorted keys give a stable order.
		sd := logpipe.NewObject()
		for _, id := range slices.Sorted(maps.Keys(*m.StructuredData)) {
			params := (*m.StructuredData)[id]
			p := logpipe.NewObject()
			for _, k := range slices.Sorted(maps.Keys(params)) {
				p.Set(k, logpipe.StringValue(params[k]))
			}
			sd.Set(id, logpipe.ObjectValue(p))
		}
		_ = e.Set(s.f.sd, logpipe.ObjectValue(sd))
	}
}

// guessYear gives a year to an RFC 3164 timestamp: this year, or the
// previous one when that is more than a day ahead of now.
func (s *Filter) guessYear(ts time.Time) time.Time {
	now := s.now().In(ts.Location())
	t := time.Date(now.Year(), ts.Month(), ts.Day(), ts.Hour(), ts.Minute(), ts.Second(), ts.Nanosecond(), ts.Location())
	if t.After(now.Add(24 * time.Hour)) {
		t = t.AddDate(-1, 0, 0)
	}
	return t
}

func setStr(e *logpipe.Event, p logpipe.Path, s *string) {
	if s != nil && *s != "" && *s != "-" {
		_ = e.Set(p, logpipe.StringValue(*s))
	}
}

// rawTimestamp returns the text of the timestamp of a syslog line that
// parsed: after "<PRI>" (and "VERSION " for RFC 5424), the RFC 3164
// "Mmm dd hh:mm:ss" (15 bytes) or the next space-delimited word.
func rawTimestamp(text string) string {
	_, rest, ok := strings.Cut(text, ">")
	if !ok {
		return ""
	}
	if v, after, ok := strings.Cut(rest, " "); ok && v != "" && strings.Trim(v, "0123456789") == "" {
		rest = after // RFC 5424 VERSION
	}
	if len(rest) >= 15 && rest[0] >= 'A' && rest[0] <= 'Z' {
		return rest[:15]
	}
	word, _, _ := strings.Cut(rest, " ")
	return word
}

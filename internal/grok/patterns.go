package grok

import (
	trivago "github.com/trivago/grok"
	"github.com/trivago/grok/patterns"
)

// overrides are definitions that replace or complete trivago's stock set.
// They follow the meaning of logstash-patterns-core's legacy definitions,
// rewritten for RE2 where those use constructs Go cannot compile (atomic
// groups and lookarounds): an atomic group around a fixed-width piece is
// dropped, and a lookaround cannot be expressed, so the surrounding pattern
// is kept without it.
var overrides = map[string]string{
	// Logstash accepts "Info", "information", "INFORMATION" and the "emerg"
	// spellings; trivago's stock LOGLEVEL does not.
	"LOGLEVEL": `(?:[Aa]lert|ALERT|[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo?(?:rmation)?|INFO?(?:RMATION)?|[Ww]arn?(?:ing)?|WARN?(?:ING)?|[Ee]rr?(?:or)?|ERR?(?:OR)?|[Cc]rit?(?:ical)?|CRIT?(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|EMERG(?:ENCY)?|[Ee]merg(?:ency)?)`,
	// Logstash: (?>\d\d){1,2}; the atomic group is a no-op on a fixed width.
	"YEAR": `(?:\d\d){1,2}`,
	// Logstash guards BASE10NUM with a lookbehind that RE2 cannot express.
	"BASE10NUM":         `(?:[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+))`,
	"NUMBER":            `(?:%{BASE10NUM})`,
	"POSINT":            `\b(?:[1-9][0-9]*)\b`,
	"NONNEGINT":         `\b(?:[0-9]+)\b`,
	"ISO8601_SECOND":    `%{SECOND}`,
	"TIMESTAMP_ISO8601": `%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:?%{MINUTE}(?::?%{SECOND})?%{ISO8601_TIMEZONE}?`,
	"SYSLOGLINE":        `%{SYSLOGBASE2} %{GREEDYDATA:message}`,
	// The stock definition starts and ends with lookaheads; they are dropped.
	"HAPROXYTIME": `%{HOUR:haproxy_hour}:%{MINUTE:haproxy_minute}(?::%{SECOND:haproxy_second})`,
	// Oniguruma's \h (a hex digit) is not RE2 syntax.
	"RUUID": `[0-9a-fA-F]{32}`,
}

// Defaults returns a new map holding the stock pattern definitions: the
// github.com/trivago/grok default set, the definitions of its patterns
// package (syslog, Java, HAProxy, ...) where they do not clash, and the
// overrides above. The caller owns the map.
func Defaults() map[string]string {
	out := make(map[string]string, 512)
	for k, v := range trivago.DefaultPatterns {
		out[k] = v
	}
	for _, set := range []map[string]string{
		patterns.Grok, patterns.LinuxSyslog, patterns.Java, patterns.Haproxy,
		patterns.Ruby, patterns.Redis, patterns.PostgreSQL, patterns.MongoDB,
		patterns.Rails, patterns.Nagios, patterns.Junos, patterns.Firewalls,
		patterns.Exim, patterns.Bro, patterns.Bacula, patterns.AWS, patterns.MCollective,
	} {
		for k, v := range set {
			if _, ok := out[k]; !ok {
				out[k] = v
			}
		}
	}
	for k, v := range overrides {
		out[k] = v
	}
	return out
}

package grok

import (
	"strings"

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
	// Logstash: (?!<[0-9])%{HOUR}:%{MINUTE}(?::%{SECOND})(?![0-9]). Its
	// leading "(?!<[0-9])" is a lookahead for "<" and a digit, so it never
	// refuses a time; the trailing lookahead cannot be written in RE2 and
	// is dropped. trivago's copy puts "([^0-9]?)" on both sides instead,
	// which takes a neighbouring byte (a space, a colon) into the capture.
	"TIME": `%{HOUR}:%{MINUTE}(?::%{SECOND})`,
	// Logstash: (?<![0-9A-Fa-f])(?:[+-]?(?:0x)?(?:[0-9A-Fa-f]+)), the
	// lookbehind dropped; trivago's copy wants a leading "0".
	"BASE16NUM": `(?:[+-]?(?:0x)?(?:[0-9A-Fa-f]+))`,
	// Oniguruma's \h (a hex digit) is not RE2 syntax.
	"RUUID": `[0-9a-fA-F]{32}`,

	// Names and definitions of today's logstash-patterns-core legacy set
	// that trivago's copy lacks or has in an older form.
	"URN":           `urn:[0-9A-Za-z][0-9A-Za-z-]{0,31}:(?:%[0-9a-fA-F]{2}|[0-9A-Za-z()+,.:=@;$_!*'/?#-])+`,
	"MAVEN_VERSION": `(?:(\d+)\.)?(?:(\d+)\.)?(\*|\d+)(?:[.-](RELEASE|SNAPSHOT))?`,
	// Logstash: (/[[[:alnum:]]_%!$@:.,+~-]*)+ with an Oniguruma nested
	// class; in RE2 the POSIX class sits directly in the bracket.
	"UNIXPATH": `(?:/[[:alnum:]_%!$@:.,+~-]*)+`,
	// Today's core definitions, where trivago's copy has an older form.
	// Logstash's lookbehinds cannot be written in RE2 and are dropped, as
	// for BASE10NUM; its atomic groups here wrap alternatives that start
	// with different characters or runs that end only where the next part
	// starts, so plain groups match the same text.
	"BASE16FLOAT": `\b(?:[+-]?(?:0x)?(?:(?:[0-9A-Fa-f]+(?:\.[0-9A-Fa-f]*)?)|(?:\.[0-9A-Fa-f]+)))\b`,
	"URIPROTO":    `[A-Za-z](?:[A-Za-z0-9+\-.]+)+`,
	"URIPATH":     `(?:/[A-Za-z0-9$.+!*'(){},~:;=@#%&_\-]*)+`,
	"WINPATH":     `(?:[A-Za-z]+:|\\)(?:\\[^\\?*]*)+`,
	"MONTH":       `\b(?:[Jj]an(?:uary|uar)?|[Ff]eb(?:ruary|ruar)?|[Mm](?:a|ä)?r(?:ch|z)?|[Aa]pr(?:il)?|[Mm]a(?:y|i)?|[Jj]un(?:e|i)?|[Jj]ul(?:y|i)?|[Aa]ug(?:ust)?|[Ss]ep(?:tember)?|[Oo](?:c|k)?t(?:ober)?|[Nn]ov(?:ember)?|[Dd]e(?:c|z)(?:ember)?)\b`,
	"TZ":          `(?:[APMCE][SD]T|UTC)`,
	// Double, single or back quotes; Logstash's lookbehind (the opening
	// quote not escaped by a backslash before it) is dropped.
	"QUOTEDSTRING": `"(?:\\.|[^\\"]+)+"|""|'(?:\\.|[^\\']+)+'|''|` + "`(?:\\\\.|[^\\\\`]+)+`|``",
	// IPV4 keeps trivago's form: Logstash's today puts the one- and
	// two-digit octets first and relies on lookarounds (no digit before or
	// after) that RE2 cannot express; without them its order would stop
	// at "25" of a last octet "255". Both accept the same addresses.

	"HTTPDUSER": `%{EMAILADDRESS}|%{USER}`,

	"HTTPD_COMMONLOG":   `%{IPORHOST:clientip} %{HTTPDUSER:ident} %{HTTPDUSER:auth} \[%{HTTPDATE:timestamp}\] "(?:%{WORD:verb} %{NOTSPACE:request}(?: HTTP/%{NUMBER:httpversion})?|%{DATA:rawrequest})" (?:-|%{NUMBER:response}) (?:-|%{NUMBER:bytes})`,
	"HTTPD_COMBINEDLOG": `%{HTTPD_COMMONLOG} %{QS:referrer} %{QS:agent}`,
	// The 2.2 error log's text goes to message, which grok then turns into
	// [original, text] unless message is in Overwrite.
	"HTTPD20_ERRORLOG":  `\[%{HTTPDERROR_DATE:timestamp}\] \[%{LOGLEVEL:loglevel}\] (?:\[client %{IPORHOST:clientip}\] ){0,1}%{GREEDYDATA:message}`,
	"HTTPD24_ERRORLOG":  `\[%{HTTPDERROR_DATE:timestamp}\] \[(?:%{WORD:module})?:%{LOGLEVEL:loglevel}\] \[pid %{POSINT:pid}(:tid %{NUMBER:tid})?\]( \(%{POSINT:proxy_errorcode}\)%{DATA:proxy_message}:)?( \[client %{IPORHOST:clientip}:%{POSINT:clientport}\])?( %{DATA:errorcode}:)? %{GREEDYDATA:message}`,
	"HTTPD_ERRORLOG":    `%{HTTPD20_ERRORLOG}|%{HTTPD24_ERRORLOG}`,
	"COMMONAPACHELOG":   `%{HTTPD_COMMONLOG}`,
	"COMBINEDAPACHELOG": `%{HTTPD_COMBINEDLOG}`,

	"SYSLOGBASE2": `(?:%{SYSLOGTIMESTAMP:timestamp}|%{TIMESTAMP_ISO8601:timestamp8601}) (?:%{SYSLOGFACILITY} )?%{SYSLOGHOST:logsource}+(?: %{SYSLOGPROG}:|)`,
	// Logstash starts the session part with a lookahead (?=%{GREEDYDATA:message})
	// that captures the rest of the line into message without consuming
	// it. The same captures in RE2: a message group around the session
	// part that then runs to the end of the text, as the lookahead's
	// GREEDYDATA did.
	"SYSLOGPAMSESSION": `%{SYSLOGBASE} (?P<message>%{WORD:pam_module}\(%{DATA:pam_caller}\): session %{WORD:pam_session_state} for user %{USERNAME:username}(?: by %{GREEDYDATA:pam_by})?.*)`,
	"SYSLOG5424BASE":   `%{SYSLOG5424PRI}%{NONNEGINT:syslog5424_ver} +(?:%{TIMESTAMP_ISO8601:syslog5424_ts}|-) +(?:%{IPORHOST:syslog5424_host}|-) +(-|%{SYSLOG5424PRINTASCII:syslog5424_app}) +(-|%{SYSLOG5424PRINTASCII:syslog5424_proc}) +(-|%{SYSLOG5424PRINTASCII:syslog5424_msgid}) +(?:%{SYSLOG5424SD:syslog5424_sd}|-|)`,

	// Logstash's MONGO_QUERY is \{ (?<={ ).*(?= } ntoreturn:) \}: the
	// lookbehind repeats the literal before it and is dropped; the
	// lookahead only lets MONGO_SLOWQUERY's next word be "ntoreturn", so
	// MONGO_SLOWQUERY says so literally. Used alone, MONGO_QUERY therefore
	// no longer insists on a following " ntoreturn:".
	"MONGO_QUERY":     `\{ .* \}`,
	"MONGO_SLOWQUERY": `%{WORD} %{MONGO_WORDDASH:database}\.%{MONGO_WORDDASH:collection} %{WORD}: %{MONGO_QUERY:query} ntoreturn:%{NONNEGINT:ntoreturn} %{WORD}:%{NONNEGINT:ntoskip} %{WORD}:%{NONNEGINT:nscanned}.*nreturned:%{NONNEGINT:nreturned}..+ (?<duration>[0-9]+)ms`,

	"JAVAFILE":           `(?:[a-zA-Z$_0-9. -]+)`,
	"JAVAMETHOD":         `(?:(<(?:cl)?init>)|[a-zA-Z$_][a-zA-Z$_0-9]*)`,
	"JAVASTACKTRACEPART": `%{SPACE}at %{JAVACLASS:class}\.%{JAVAMETHOD:method}\(%{JAVAFILE:file}(?::%{NUMBER:line})?\)`,
	"JAVALOGMESSAGE":     `(?:.*)`,
	"CATALINA_DATESTAMP": `%{MONTH} %{MONTHDAY}, 20%{YEAR} %{HOUR}:?%{MINUTE}(?::?%{SECOND}) (?:AM|PM)`,
	"CATALINALOG":        `%{CATALINA_DATESTAMP:timestamp} %{JAVACLASS:class} %{JAVALOGMESSAGE:logmessage}`,
	"TOMCAT_DATESTAMP":   `20%{YEAR}-%{MONTHNUM}-%{MONTHDAY} %{HOUR}:?%{MINUTE}(?::?%{SECOND}) %{ISO8601_TIMEZONE}`,
	"TOMCATLOG":          `%{TOMCAT_DATESTAMP:timestamp} \| %{LOGLEVEL:level} \| %{JAVACLASS:class} - %{JAVALOGMESSAGE:logmessage}`,
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
	for _, set := range append([]map[string]string{overrides}, familyLegacy...) {
		for k, v := range set {
			out[k] = v
		}
	}
	// Oniguruma reads ".?*" (a repeat of a repeat) as ".*"; RE2 rejects it.
	out["SHOREWALL"] = strings.ReplaceAll(out["SHOREWALL"], ".?*", ".*")
	return out
}

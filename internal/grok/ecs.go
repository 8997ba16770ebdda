package grok

import "regexp"

// ecsDefinitions are the definitions that differ in Logstash's ECS mode
// (ecs_compatibility => v1 or v8, which use the same pattern set). They
// were written for logpipe to capture into the fields that Logstash's
// logstash-patterns-core specs document for each family; the building
// blocks without captures are shared with the legacy set.
var ecsDefinitions = map[string]string{
	// Core: the legacy URIHOST captures the port into "port".
	"URIHOST": `%{IPORHOST}(?::%{POSINT})?`,

	// Core syslog building blocks.
	"SYSLOGPROG":     `%{PROG:[process][name]}(?:\[%{POSINT:[process][pid]:int}\])?`,
	"SYSLOGFACILITY": `<%{NONNEGINT:[log][syslog][facility][code]:int}.%{NONNEGINT:[log][syslog][priority]:int}>`,
	"SYSLOGBASE":     `%{SYSLOGTIMESTAMP:timestamp} (?:%{SYSLOGFACILITY} )?%{SYSLOGHOST:[host][hostname]} %{SYSLOGPROG}:`,

	// Apache httpd.
	"HTTPD_COMMONLOG":   `%{IPORHOST:[source][address]} (?:-|%{HTTPDUSER:[apache][access][user][identity]}) (?:-|%{HTTPDUSER:[user][name]}) \[%{HTTPDATE:timestamp}\] "(?:%{WORD:[http][request][method]} %{NOTSPACE:[url][original]}(?: HTTP/%{NUMBER:[http][version]})?|%{DATA})" (?:-|%{INT:[http][response][status_code]:int}) (?:-|%{INT:[http][response][body][bytes]:int})`,
	"HTTPD_COMBINEDLOG": `%{HTTPD_COMMONLOG} "(?:-|%{DATA:[http][request][referrer]})" "(?:-|%{DATA:[user_agent][original]})"`,
	"HTTPD20_ERRORLOG":  `\[%{HTTPDERROR_DATE:timestamp}\] \[%{LOGLEVEL:[log][level]}\] (?:\[client %{IPORHOST:[source][address]}\] )?%{GREEDYDATA:message}`,
	"HTTPD24_ERRORLOG":  `\[%{HTTPDERROR_DATE:timestamp}\] \[(?:%{WORD:[apache][error][module]})?:%{LOGLEVEL:[log][level]}\] \[pid %{POSINT:[process][pid]:int}(?::tid %{INT:[process][thread][id]:int})?\](?: \(%{POSINT:[apache][error][proxy][error][code]}\)%{DATA:[apache][error][proxy][error][message]}:)?(?: \[client %{IPORHOST:[source][address]}(?::%{POSINT:[source][port]:int})?\])?(?: %{DATA:[error][code]}:)? %{GREEDYDATA:message}`,
	"HTTPD_ERRORLOG":    `%{HTTPD20_ERRORLOG}|%{HTTPD24_ERRORLOG}`,
	"COMMONAPACHELOG":   `%{HTTPD_COMMONLOG}`,
	"COMBINEDAPACHELOG": `%{HTTPD_COMBINEDLOG}`,

	// Only ECS mode follows RFC 5322 here (Logstash keeps the legacy
	// definition, which accepts addresses the RFC does not): atext in
	// dot-separated parts, 64 bytes before the first dot, at most 63
	// parts after it. Logstash also bounds each later part at 62 bytes;
	// RE2 refuses that count inside the count of parts (more than 1000
	// copies), so here only the number of parts is bounded.
	"EMAILLOCALPART": "[a-zA-Z0-9!#$%&'*+\\-/=?^_`{|}~]{1,64}(?:\\.[a-zA-Z0-9!#$%&'*+\\-/=?^_`{|}~]+){0,63}",

	// Linux syslog.
	"SYSLOGBASE2":      `(?:%{SYSLOGTIMESTAMP:timestamp}|%{TIMESTAMP_ISO8601:timestamp})(?: %{SYSLOGFACILITY})?(?: %{SYSLOGHOST:[host][hostname]})?(?: %{SYSLOGPROG}:)?`,
	"SYSLOGPAMSESSION": `%{SYSLOGBASE} (?P<message>%{WORD:[system][auth][pam][module]}\(%{DATA:[system][auth][pam][origin]}\): session %{WORD:[system][auth][pam][session_state]} for user %{USERNAME:[user][name]}(?: by %{GREEDYDATA})?.*)`,
	"CRONLOG":          `%{SYSLOGBASE} \(%{USER:[user][name]}\) %{CRON_ACTION:[system][cron][action]} \(%{DATA:message}\)`,
	"SYSLOGLINE":       `%{SYSLOGBASE2} %{GREEDYDATA:message}`,
	"SYSLOG5424PRI":    `<%{NONNEGINT:[log][syslog][priority]:int}>`,
	"SYSLOG5424BASE":   `%{SYSLOG5424PRI}%{NONNEGINT:[system][syslog][version]} +(?:-|%{TIMESTAMP_ISO8601:timestamp}) +(?:-|%{IPORHOST:[host][hostname]}) +(?:-|%{SYSLOG5424PRINTASCII:[process][name]}) +(?:-|%{POSINT:[process][pid]:int}) +(?:-|%{SYSLOG5424PRINTASCII:[event][code]}) +(?:-|%{SYSLOG5424SD:[system][syslog][structured_data]})?`,
	"SYSLOG5424LINE":   `%{SYSLOG5424BASE} +%{GREEDYDATA:message}`,

	// Java.
	"JAVASTACKTRACEPART":     `%{SPACE}at %{JAVACLASS:[java][log][origin][class][name]}\.%{JAVAMETHOD:[log][origin][function]}\(%{JAVAFILE:[log][origin][file][name]}(?::%{INT:[log][origin][file][line]:int})?\)`,
	"CATALINA7_DATESTAMP":    `%{MONTH} %{MONTHDAY}, %{YEAR} %{HOUR}:%{MINUTE}:%{SECOND} (?:AM|PM)`,
	"CATALINA7_LOG":          `%{CATALINA7_DATESTAMP:timestamp} %{JAVACLASS:[java][log][origin][class][name]}(?: %{JAVAMETHOD:[log][origin][function]})?\s*(?:%{LOGLEVEL:[log][level]}:)? %{JAVALOGMESSAGE:message}`,
	"CATALINA8_DATESTAMP":    `%{MONTHDAY}-%{MONTH}-%{YEAR} %{HOUR}:%{MINUTE}:%{SECOND}`,
	"CATALINA8_LOG":          `%{CATALINA8_DATESTAMP:timestamp} %{LOGLEVEL:[log][level]} \[%{DATA:[java][log][origin][thread][name]}\] %{JAVACLASS:[java][log][origin][class][name]}\.(?:%{JAVAMETHOD:[log][origin][function]})? %{JAVALOGMESSAGE:message}`,
	"CATALINA_DATESTAMP":     `(?:%{CATALINA8_DATESTAMP})|(?:%{CATALINA7_DATESTAMP})`,
	"CATALINALOG":            `(?:%{CATALINA8_LOG})|(?:%{CATALINA7_LOG})`,
	"TOMCAT7_LOG":            `%{CATALINA7_LOG}`,
	"TOMCAT8_LOG":            `%{CATALINA8_LOG}`,
	"TOMCATLEGACY_DATESTAMP": `%{YEAR}-%{MONTHNUM}-%{MONTHDAY} %{HOUR}:%{MINUTE}:%{SECOND}(?: %{ISO8601_TIMEZONE})?`,
	"TOMCATLEGACY_LOG":       `%{TOMCATLEGACY_DATESTAMP:timestamp} \| %{LOGLEVEL:[log][level]} \| %{JAVACLASS:[java][log][origin][class][name]} - %{JAVALOGMESSAGE:message}`,
	"TOMCAT_DATESTAMP":       `(?:%{CATALINA8_DATESTAMP})|(?:%{CATALINA7_DATESTAMP})|(?:%{TOMCATLEGACY_DATESTAMP})`,
	"TOMCATLOG":              `(?:%{TOMCAT8_LOG})|(?:%{TOMCAT7_LOG})|(?:%{TOMCATLEGACY_LOG})`,
}

// namedCapture finds a named capture in a definition: a reference with a
// field name ("%{IP:client}") or a raw named group.
var namedCapture = regexp.MustCompile(`%\{\w+:[^}]|\(\?P?<[A-Za-z_]`)

// ECSDefaults returns a new definition set for Logstash's ECS mode and the
// names deliberately left out of it. It is the legacy set (Defaults) with
// the ECS definitions above; a legacy definition that captures into
// fields but has no ECS definition in logpipe yet is left out (its name
// maps to the reason in missing), so that ECS mode never produces legacy
// field names silently.
func ECSDefaults() (defs map[string]string, missing map[string]string) {
	defs = Defaults()
	missing = map[string]string{}
	for name, def := range defs {
		if hasECSDefinition(name) {
			continue
		}
		if namedCapture.MatchString(def) {
			delete(defs, name)
			missing[name] = "logpipe has no ECS definition of this pattern yet; use ECS compatibility \"disabled\" for its legacy field names, or define it in PatternDefinitions"
		}
	}
	for _, set := range append([]map[string]string{ecsDefinitions}, familyECS...) {
		for name, def := range set {
			defs[name] = def
		}
	}
	return defs, missing
}

// hasECSDefinition reports whether logpipe defines name for ECS mode.
func hasECSDefinition(name string) bool {
	for _, set := range append([]map[string]string{ecsDefinitions}, familyECS...) {
		if _, ok := set[name]; ok {
			return true
		}
	}
	return false
}

package grok

// Families: Exim, Bacula, Nagios, MCollective, MongoDB, PostgreSQL, Rails, Redis, Ruby, Maven.
//
// Written for RE2 after logstash-patterns-core's patterns/legacy and
// patterns/ecs-v1 files of these families (read at commit 7f94275) and
// checked against its spec/patterns/*_spec.rb (filter/grok_spec_apps_test.go).
// Groups of the originals that exist only for grouping are written as
// non-capturing groups here; that changes no field.
//
// Logstash names some raw groups with field references, such as
// (?<[exim][log][flags]><=). Go's regexp only accepts word characters in a
// group name, so the ECS definitions write such a group as an inline
// definition with a field, %{_NAME:[field]=regex}, which captures the same
// text into the same field. The inline names start with "_" so that they
// cannot shadow a stock pattern of the user's expression.
//
// Maven: MAVEN_VERSION captures nothing and is the same in both modes; it
// is defined in overrides (patterns.go).
// PostgreSQL, Ruby and MCollective: trivago's legacy definitions equal
// today's logstash-patterns-core legacy ones, so only ECS definitions are
// needed.

// appsLegacy updates the legacy (ecs_compatibility => disabled) definitions
// of these families to today's logstash-patterns-core.
var appsLegacy = map[string]string{
	// Exim: the pid and the remote port are captured, and the whole
	// message-arrival line (EXIM, EXIM_MESSAGE_ARRIVAL) is new.
	"EXIM_PID":           `\[%{POSINT:pid}\]`,
	"EXIM_REMOTE_HOST":   `H=(?:%{NOTSPACE:remote_hostname} )?(?:\(%{NOTSPACE:remote_heloname}\) )?\[%{IP:remote_host}\](?::%{POSINT:remote_port})?`,
	"EXIM_UNKNOWN_FIELD": `[A-Za-z0-9]{1,4}=%{NOTSPACE}`,
	"EXIM_NAMED_FIELDS":  `(?: (?:%{EXIM_REMOTE_HOST}|%{EXIM_INTERFACE}|%{EXIM_PROTOCOL}|%{EXIM_MSG_SIZE}|%{EXIM_HEADER_ID}|%{EXIM_SUBJECT}|%{EXIM_UNKNOWN_FIELD}))*`,
	"EXIM_MESSAGE_ARRIVAL": `%{EXIM_DATE:timestamp} (?:%{EXIM_PID} )?%{EXIM_MSGID:exim_msgid} (?P<exim_flags><=) (?P<exim_status>[a-z:] )?` +
		`%{EMAILADDRESS:exim_sender_email}%{EXIM_NAMED_FIELDS}(?: for %{EMAILADDRESS:exim_recipient_email})?`,
	"EXIM": `%{EXIM_MESSAGE_ARRIVAL}`,

	// Bacula: the leading whitespace of these messages is optional, the
	// "JobId N:" part of a line is optional, and the File daemon address
	// may carry a port.
	"BACULA_LOG_NOOPEN":    `\s*Cannot open %{DATA}: ERR=%{GREEDYDATA:berror}`,
	"BACULA_LOG_NOOPENDIR": `\s*Could not open directory %{DATA}: ERR=%{GREEDYDATA:berror}`,
	"BACULA_LOG_NOSTAT":    `\s*Could not stat %{DATA}: ERR=%{GREEDYDATA:berror}`,
	"BACULA_LOG_NO_AUTH":   `Fatal error: Unable to authenticate with File daemon at %{DATA}. Possible causes:`,
	"BACULA_LOGLINE":       `%{BACULA_TIMESTAMP:bts} %{BACULA_HOST:hostname}(?: JobId %{INT:jobid})?:? ` + baculaMessages,

	// Nagios: the two period values are numbers (DATA at the end of the
	// line matched nothing).
	"NAGIOS_TIMEPERIOD_TRANSITION": `%{NAGIOS_TYPE_TIMEPERIOD_TRANSITION:nagios_type}: %{DATA:nagios_service};%{NUMBER:nagios_unknown1};%{NUMBER:nagios_unknown2}`,

	// Redis: the MONITOR output line.
	"REDISMONLOG": `%{NUMBER:timestamp} \[%{INT:database} %{IP:client}:%{NUMBER:port}\] "%{WORD:command}"\s?%{GREEDYDATA:params}`,
}

// baculaMessages is the alternation of Bacula messages that ends
// BACULA_LOGLINE and BACULA_LOG, in Logstash's order (the first that
// matches wins).
const baculaMessages = `(?:%{BACULA_LOG_MAX_CAPACITY}|%{BACULA_LOG_END_VOLUME}|%{BACULA_LOG_NEW_VOLUME}|%{BACULA_LOG_NEW_LABEL}|` +
	`%{BACULA_LOG_WROTE_LABEL}|%{BACULA_LOG_NEW_MOUNT}|%{BACULA_LOG_NOOPEN}|%{BACULA_LOG_NOOPENDIR}|%{BACULA_LOG_NOSTAT}|` +
	`%{BACULA_LOG_NOJOBS}|%{BACULA_LOG_ALL_RECORDS_PRUNED}|%{BACULA_LOG_BEGIN_PRUNE_JOBS}|%{BACULA_LOG_BEGIN_PRUNE_FILES}|` +
	`%{BACULA_LOG_PRUNED_JOBS}|%{BACULA_LOG_PRUNED_FILES}|%{BACULA_LOG_ENDPRUNE}|%{BACULA_LOG_STARTJOB}|%{BACULA_LOG_STARTRESTORE}|` +
	`%{BACULA_LOG_USEDEVICE}|%{BACULA_LOG_DIFF_FS}|%{BACULA_LOG_JOBEND}|%{BACULA_LOG_NOPRUNE_JOBS}|%{BACULA_LOG_NOPRUNE_FILES}|` +
	`%{BACULA_LOG_VOLUME_PREVWRITTEN}|%{BACULA_LOG_READYAPPEND}|%{BACULA_LOG_CANCELLING}|%{BACULA_LOG_MARKCANCEL}|` +
	`%{BACULA_LOG_CLIENT_RBJ}|%{BACULA_LOG_VSS}|%{BACULA_LOG_MAXSTART}|%{BACULA_LOG_DUPLICATE}|%{BACULA_LOG_NOJOBSTAT}|` +
	`%{BACULA_LOG_FATAL_CONN}|%{BACULA_LOG_NO_CONNECT}|%{BACULA_LOG_NO_AUTH}|%{BACULA_LOG_NOSUIT}|%{BACULA_LOG_JOB}|%{BACULA_LOG_NOPRIOR})`

// appsECS holds these families' definitions for ECS mode.
var appsECS = map[string]string{
	// Exim.
	// Logstash writes EXIM_DATE as "(:?...)", a typo for "(?:" that also
	// accepts a ':' before the date; the ':' is kept optional here too.
	"EXIM_FLAGS":          `(?:<=|=>|->|\*>|\*\*|==|<>|>>)`,
	"EXIM_DATE":           `:?%{YEAR}-%{MONTHNUM}-%{MONTHDAY} %{TIME}`,
	"EXIM_PID":            `\[%{POSINT:[process][pid]:int}\]`,
	"EXIM_REMOTE_HOST":    `H=(?:%{NOTSPACE:[source][address]} )?(?:\(%{NOTSPACE:[exim][log][remote_address]}\) )?\[%{IP:[source][ip]}\](?::%{POSINT:[source][port]:int})?`,
	"EXIM_INTERFACE":      `I=\[%{IP:[destination][ip]}\]:%{NUMBER:[destination][port]:int}`,
	"EXIM_PROTOCOL":       `P=%{NOTSPACE:[network][protocol]}`,
	"EXIM_MSG_SIZE":       `S=%{NUMBER:[exim][log][message][size]:int}`,
	"EXIM_HEADER_ID":      `id=%{NOTSPACE:[exim][log][header_id]}`,
	"EXIM_QUOTED_CONTENT": `(?:\\.|[^\\"])*`,
	"EXIM_SUBJECT":        `T="%{EXIM_QUOTED_CONTENT:[exim][log][message][subject]}"`,
	"EXIM_UNKNOWN_FIELD":  `[A-Za-z0-9]{1,4}=(?:%{QUOTEDSTRING}|%{NOTSPACE})`,
	"EXIM_NAMED_FIELDS":   `(?: (?:%{EXIM_REMOTE_HOST}|%{EXIM_INTERFACE}|%{EXIM_PROTOCOL}|%{EXIM_MSG_SIZE}|%{EXIM_HEADER_ID}|%{EXIM_SUBJECT}|%{EXIM_UNKNOWN_FIELD}))*`,
	"EXIM_MESSAGE_ARRIVAL": `%{EXIM_DATE:timestamp} (?:%{EXIM_PID} )?%{EXIM_MSGID:[exim][log][message][id]} %{_EXIM_ARRIVAL:[exim][log][flags]=<=} (?:%{_EXIM_STATUS:[exim][log][status]=[a-z:] })?` +
		`%{EMAILADDRESS:[exim][log][sender][email]}%{EXIM_NAMED_FIELDS}(?:(?: from <?%{DATA:[exim][log][sender][original]}>?)? for %{EMAILADDRESS:[exim][log][recipient][email]})?`,
	"EXIM": `%{EXIM_MESSAGE_ARRIVAL}`,

	// Bacula. The timestamp may carry a year and the host is any
	// hostname in ECS mode.
	"BACULA_TIMESTAMP":              `%{MONTHDAY}-%{MONTH}(?:-%{YEAR})? %{HOUR}:%{MINUTE}`,
	"BACULA_HOST":                   `%{HOSTNAME}`,
	"BACULA_LOG_MAX_CAPACITY":       `User defined maximum volume capacity %{BACULA_CAPACITY:[bacula][volume][max_capacity]} exceeded on device \"%{BACULA_DEVICE:[bacula][volume][device]}\" \(%{BACULA_DEVICEPATH:[bacula][volume][path]}\).?`,
	"BACULA_LOG_END_VOLUME":         `End of medium on Volume \"%{BACULA_VOLUME:[bacula][volume][name]}\" Bytes=%{BACULA_CAPACITY:[bacula][volume][bytes]} Blocks=%{BACULA_CAPACITY:[bacula][volume][blocks]} at %{BACULA_TIMESTAMP:[bacula][timestamp]}.`,
	"BACULA_LOG_NEW_VOLUME":         `Created new Volume \"%{BACULA_VOLUME:[bacula][volume][name]}\" in catalog.`,
	"BACULA_LOG_NEW_LABEL":          `Labeled new Volume \"%{BACULA_VOLUME:[bacula][volume][name]}\" on (?:file )?device \"%{BACULA_DEVICE:[bacula][volume][device]}\" \(%{BACULA_DEVICEPATH:[bacula][volume][path]}\).`,
	"BACULA_LOG_WROTE_LABEL":        `Wrote label to prelabeled Volume \"%{BACULA_VOLUME:[bacula][volume][name]}\" on device \"%{BACULA_DEVICE:[bacula][volume][device]}\" \(%{BACULA_DEVICEPATH:[bacula][volume][path]}\)`,
	"BACULA_LOG_NEW_MOUNT":          `New volume \"%{BACULA_VOLUME:[bacula][volume][name]}\" mounted on device \"%{BACULA_DEVICE:[bacula][volume][device]}\" \(%{BACULA_DEVICEPATH:[bacula][volume][path]}\) at %{BACULA_TIMESTAMP:[bacula][timestamp]}.`,
	"BACULA_LOG_NOOPEN":             `\s*Cannot open %{DATA}: ERR=%{GREEDYDATA:[error][message]}`,
	"BACULA_LOG_NOOPENDIR":          `\s*Could not open directory \"?%{DATA:[file][path]}\"?: ERR=%{GREEDYDATA:[error][message]}`,
	"BACULA_LOG_NOSTAT":             `\s*Could not stat %{DATA:[file][path]}: ERR=%{GREEDYDATA:[error][message]}`,
	"BACULA_LOG_NOJOBS":             `There are no more Jobs associated with Volume \"%{BACULA_VOLUME:[bacula][volume][name]}\". Marking it purged.`,
	"BACULA_LOG_ALL_RECORDS_PRUNED": `.*?All records pruned from Volume \"%{BACULA_VOLUME:[bacula][volume][name]}\"; marking it \"Purged\"`,
	"BACULA_LOG_PRUNED_JOBS":        `Pruned %{INT} Jobs* for client %{BACULA_HOST:[bacula][client][name]} from catalog.`,
	"BACULA_LOG_PRUNED_FILES":       `Pruned Files from %{INT} Jobs* for client %{BACULA_HOST:[bacula][client][name]} from catalog.`,
	"BACULA_LOG_STARTJOB":           `Start Backup JobId %{INT}, Job=%{BACULA_JOB:[bacula][job][name]}`,
	"BACULA_LOG_STARTRESTORE":       `Start Restore Job %{BACULA_JOB:[bacula][job][name]}`,
	"BACULA_LOG_USEDEVICE":          `Using Device \"%{BACULA_DEVICE:[bacula][volume][device]}\"`,
	"BACULA_LOG_DIFF_FS":            `\s*%{UNIXPATH} is a different filesystem. Will not descend from %{UNIXPATH} into it.`,
	"BACULA_LOG_JOBEND":             `Job write elapsed time = %{DATA:[bacula][job][elapsed_time]}, Transfer rate = %{NUMBER} (?:K|M|G)? Bytes/second`,
	"BACULA_LOG_VOLUME_PREVWRITTEN": `Volume \"?%{BACULA_VOLUME:[bacula][volume][name]}\"? previously written, moving to end of data.`,
	"BACULA_LOG_READYAPPEND":        `Ready to append to end of Volume \"%{BACULA_VOLUME:[bacula][volume][name]}\" size=%{INT:[bacula][volume][size]:int}`,
	"BACULA_LOG_CANCELLING":         `Cancelling duplicate JobId=%{INT:[bacula][job][other_id]}.`,
	"BACULA_LOG_MARKCANCEL":         `JobId %{INT:[bacula][job][id]}, Job %{BACULA_JOB:[bacula][job][name]} marked to be canceled.`,
	"BACULA_LOG_CLIENT_RBJ":         `shell command: run ClientRunBeforeJob \"%{GREEDYDATA:[bacula][job][client_run_before_command]}\"`,
	"BACULA_LOG_MAXSTART":           `Fatal [eE]rror: Job canceled because max start delay time exceeded.`,
	"BACULA_LOG_DUPLICATE":          `Fatal [eE]rror: JobId %{INT:[bacula][job][other_id]} already running. Duplicate job not allowed.`,
	"BACULA_LOG_NOJOBSTAT":          `Fatal [eE]rror: No Job status returned from FD.`,
	"BACULA_LOG_FATAL_CONN":         `Fatal [eE]rror: bsock.c:133 Unable to connect to (?:Client: %{BACULA_HOST:[bacula][client][name]}|Storage daemon) on %{IPORHOST:[client][address]}:%{POSINT:[client][port]:int}. ERR=%{GREEDYDATA:[error][message]}`,
	"BACULA_LOG_NO_CONNECT":         `Warning: bsock.c:127 Could not connect to (?:Client: %{BACULA_HOST:[bacula][client][name]}|Storage daemon) on %{IPORHOST:[client][address]}:%{POSINT:[client][port]:int}. ERR=%{GREEDYDATA:[error][message]}`,
	"BACULA_LOG_NO_AUTH":            `Fatal error: Unable to authenticate with File daemon at \"?%{IPORHOST:[client][address]}(?::%{POSINT:[client][port]:int})?\"?. Possible causes:`,
	"BACULA_LOG":                    `%{BACULA_TIMESTAMP:timestamp} %{BACULA_HOST:[host][hostname]}(?: JobId %{INT:[bacula][job][id]})?:? ` + baculaMessages,
	// The old name of BACULA_LOG.
	"BACULA_LOGLINE": `%{BACULA_LOG}`,

	// Nagios.
	"NAGIOSTIME":                    `\[%{NUMBER:timestamp}\]`,
	"NAGIOS_WARNING":                `Warning:%{SPACE}%{GREEDYDATA:message}`,
	"NAGIOS_CURRENT_SERVICE_STATE":  `%{NAGIOS_TYPE_CURRENT_SERVICE_STATE:[nagios][log][type]}: %{DATA:[host][hostname]};%{DATA:[service][name]};%{DATA:[service][state]};%{DATA:[nagios][log][state_type]};%{INT:[nagios][log][attempt]:int};%{GREEDYDATA:message}`,
	"NAGIOS_CURRENT_HOST_STATE":     `%{NAGIOS_TYPE_CURRENT_HOST_STATE:[nagios][log][type]}: %{DATA:[host][hostname]};%{DATA:[service][state]};%{DATA:[nagios][log][state_type]};%{INT:[nagios][log][attempt]:int};%{GREEDYDATA:message}`,
	"NAGIOS_SERVICE_NOTIFICATION":   `%{NAGIOS_TYPE_SERVICE_NOTIFICATION:[nagios][log][type]}: %{DATA:[user][name]};%{DATA:[host][hostname]};%{DATA:[service][name]};%{DATA:[service][state]};%{DATA:[nagios][log][notification_command]};%{GREEDYDATA:message}`,
	"NAGIOS_HOST_NOTIFICATION":      `%{NAGIOS_TYPE_HOST_NOTIFICATION:[nagios][log][type]}: %{DATA:[user][name]};%{DATA:[host][hostname]};%{DATA:[service][state]};%{DATA:[nagios][log][notification_command]};%{GREEDYDATA:message}`,
	"NAGIOS_SERVICE_ALERT":          `%{NAGIOS_TYPE_SERVICE_ALERT:[nagios][log][type]}: %{DATA:[host][hostname]};%{DATA:[service][name]};%{DATA:[service][state]};%{DATA:[nagios][log][state_type]};%{INT:[nagios][log][attempt]:int};%{GREEDYDATA:message}`,
	"NAGIOS_HOST_ALERT":             `%{NAGIOS_TYPE_HOST_ALERT:[nagios][log][type]}: %{DATA:[host][hostname]};%{DATA:[service][state]};%{DATA:[nagios][log][state_type]};%{INT:[nagios][log][attempt]:int};%{GREEDYDATA:message}`,
	"NAGIOS_SERVICE_FLAPPING_ALERT": `%{NAGIOS_TYPE_SERVICE_FLAPPING_ALERT:[nagios][log][type]}: %{DATA:[host][hostname]};%{DATA:[service][name]};%{DATA:[service][state]};%{GREEDYDATA:message}`,
	"NAGIOS_HOST_FLAPPING_ALERT":    `%{NAGIOS_TYPE_HOST_FLAPPING_ALERT:[nagios][log][type]}: %{DATA:[host][hostname]};%{DATA:[service][state]};%{GREEDYDATA:message}`,
	"NAGIOS_SERVICE_DOWNTIME_ALERT": `%{NAGIOS_TYPE_SERVICE_DOWNTIME_ALERT:[nagios][log][type]}: %{DATA:[host][hostname]};%{DATA:[service][name]};%{DATA:[service][state]};%{GREEDYDATA:[nagios][log][comment]}`,
	"NAGIOS_HOST_DOWNTIME_ALERT":    `%{NAGIOS_TYPE_HOST_DOWNTIME_ALERT:[nagios][log][type]}: %{DATA:[host][hostname]};%{DATA:[service][state]};%{GREEDYDATA:[nagios][log][comment]}`,
	"NAGIOS_PASSIVE_SERVICE_CHECK":  `%{NAGIOS_TYPE_PASSIVE_SERVICE_CHECK:[nagios][log][type]}: %{DATA:[host][hostname]};%{DATA:[service][name]};%{DATA:[service][state]};%{GREEDYDATA:[nagios][log][comment]}`,
	"NAGIOS_PASSIVE_HOST_CHECK":     `%{NAGIOS_TYPE_PASSIVE_HOST_CHECK:[nagios][log][type]}: %{DATA:[host][hostname]};%{DATA:[service][state]};%{GREEDYDATA:[nagios][log][comment]}`,
	"NAGIOS_SERVICE_EVENT_HANDLER":  `%{NAGIOS_TYPE_SERVICE_EVENT_HANDLER:[nagios][log][type]}: %{DATA:[host][hostname]};%{DATA:[service][name]};%{DATA:[service][state]};%{DATA:[nagios][log][state_type]};%{DATA:[nagios][log][event_handler_name]}`,
	"NAGIOS_HOST_EVENT_HANDLER":     `%{NAGIOS_TYPE_HOST_EVENT_HANDLER:[nagios][log][type]}: %{DATA:[host][hostname]};%{DATA:[service][state]};%{DATA:[nagios][log][state_type]};%{DATA:[nagios][log][event_handler_name]}`,
	"NAGIOS_TIMEPERIOD_TRANSITION":  `%{NAGIOS_TYPE_TIMEPERIOD_TRANSITION:[nagios][log][type]}: %{DATA:[service][name]};%{NUMBER:[nagios][log][period_from]:int};%{NUMBER:[nagios][log][period_to]:int}`,
	// External commands.
	"NAGIOS_EC_LINE_DISABLE_SVC_CHECK":              `%{NAGIOS_TYPE_EXTERNAL_COMMAND:[nagios][log][type]}: %{NAGIOS_EC_DISABLE_SVC_CHECK:[nagios][log][command]};%{DATA:[host][hostname]};%{DATA:[service][name]}`,
	"NAGIOS_EC_LINE_DISABLE_HOST_CHECK":             `%{NAGIOS_TYPE_EXTERNAL_COMMAND:[nagios][log][type]}: %{NAGIOS_EC_DISABLE_HOST_CHECK:[nagios][log][command]};%{DATA:[host][hostname]}`,
	"NAGIOS_EC_LINE_ENABLE_SVC_CHECK":               `%{NAGIOS_TYPE_EXTERNAL_COMMAND:[nagios][log][type]}: %{NAGIOS_EC_ENABLE_SVC_CHECK:[nagios][log][command]};%{DATA:[host][hostname]};%{DATA:[service][name]}`,
	"NAGIOS_EC_LINE_ENABLE_HOST_CHECK":              `%{NAGIOS_TYPE_EXTERNAL_COMMAND:[nagios][log][type]}: %{NAGIOS_EC_ENABLE_HOST_CHECK:[nagios][log][command]};%{DATA:[host][hostname]}`,
	"NAGIOS_EC_LINE_PROCESS_SERVICE_CHECK_RESULT":   `%{NAGIOS_TYPE_EXTERNAL_COMMAND:[nagios][log][type]}: %{NAGIOS_EC_PROCESS_SERVICE_CHECK_RESULT:[nagios][log][command]};%{DATA:[host][hostname]};%{DATA:[service][name]};%{DATA:[service][state]};%{GREEDYDATA:[nagios][log][check_result]}`,
	"NAGIOS_EC_LINE_PROCESS_HOST_CHECK_RESULT":      `%{NAGIOS_TYPE_EXTERNAL_COMMAND:[nagios][log][type]}: %{NAGIOS_EC_PROCESS_HOST_CHECK_RESULT:[nagios][log][command]};%{DATA:[host][hostname]};%{DATA:[service][state]};%{GREEDYDATA:[nagios][log][check_result]}`,
	"NAGIOS_EC_LINE_DISABLE_HOST_SVC_NOTIFICATIONS": `%{NAGIOS_TYPE_EXTERNAL_COMMAND:[nagios][log][type]}: %{NAGIOS_EC_DISABLE_HOST_SVC_NOTIFICATIONS:[nagios][log][command]};%{GREEDYDATA:[host][hostname]}`,
	"NAGIOS_EC_LINE_DISABLE_HOST_NOTIFICATIONS":     `%{NAGIOS_TYPE_EXTERNAL_COMMAND:[nagios][log][type]}: %{NAGIOS_EC_DISABLE_HOST_NOTIFICATIONS:[nagios][log][command]};%{GREEDYDATA:[host][hostname]}`,
	"NAGIOS_EC_LINE_DISABLE_SVC_NOTIFICATIONS":      `%{NAGIOS_TYPE_EXTERNAL_COMMAND:[nagios][log][type]}: %{NAGIOS_EC_DISABLE_SVC_NOTIFICATIONS:[nagios][log][command]};%{DATA:[host][hostname]};%{GREEDYDATA:[service][name]}`,
	"NAGIOS_EC_LINE_ENABLE_HOST_SVC_NOTIFICATIONS":  `%{NAGIOS_TYPE_EXTERNAL_COMMAND:[nagios][log][type]}: %{NAGIOS_EC_ENABLE_HOST_SVC_NOTIFICATIONS:[nagios][log][command]};%{GREEDYDATA:[host][hostname]}`,
	"NAGIOS_EC_LINE_ENABLE_HOST_NOTIFICATIONS":      `%{NAGIOS_TYPE_EXTERNAL_COMMAND:[nagios][log][type]}: %{NAGIOS_EC_ENABLE_HOST_NOTIFICATIONS:[nagios][log][command]};%{GREEDYDATA:[host][hostname]}`,
	"NAGIOS_EC_LINE_ENABLE_SVC_NOTIFICATIONS":       `%{NAGIOS_TYPE_EXTERNAL_COMMAND:[nagios][log][type]}: %{NAGIOS_EC_ENABLE_SVC_NOTIFICATIONS:[nagios][log][command]};%{DATA:[host][hostname]};%{GREEDYDATA:[service][name]}`,
	"NAGIOS_EC_LINE_SCHEDULE_HOST_DOWNTIME": `%{NAGIOS_TYPE_EXTERNAL_COMMAND:[nagios][log][type]}: %{NAGIOS_EC_SCHEDULE_HOST_DOWNTIME:[nagios][log][command]};%{DATA:[host][hostname]};` +
		`%{NUMBER:[nagios][log][start_time]};%{NUMBER:[nagios][log][end_time]};%{NUMBER:[nagios][log][fixed]};%{NUMBER:[nagios][log][trigger_id]};` +
		`%{NUMBER:[nagios][log][duration]:int};%{DATA:[user][name]};%{DATA:[nagios][log][comment]}`,
	// NAGIOSLOGLINE itself captures nothing beyond its parts and is the
	// same in both modes.

	// MCollective. MCOLLECTIVEAUDIT's only capture, timestamp, is the
	// same field in ECS mode.
	"MCOLLECTIVE":      `., \[%{TIMESTAMP_ISO8601:timestamp} #%{POSINT:[process][pid]:int}\]%{SPACE}%{LOGLEVEL:[log][level]}`,
	"MCOLLECTIVEAUDIT": `%{TIMESTAMP_ISO8601:timestamp}:`,

	// MongoDB. Logstash's MONGO_QUERY guards ".*" with a lookbehind that
	// repeats the "{ " before it and a lookahead for " } ntoreturn:"; the
	// lookaround-free MONGO_QUERY of overrides serves here too, because
	// MONGO_SLOWQUERY spells " ntoreturn:" after it literally, which gives
	// the same (greedy, last " } ntoreturn:") match.
	"MONGO_LOG": `%{SYSLOGTIMESTAMP:timestamp} \[%{WORD:[mongodb][component]}\] %{GREEDYDATA:message}`,
	"MONGO_SLOWQUERY": `%{WORD:[mongodb][profile][op]} %{MONGO_WORDDASH:[mongodb][database]}\.%{MONGO_WORDDASH:[mongodb][collection]} %{WORD}: %{MONGO_QUERY:[mongodb][query][original]} ` +
		`ntoreturn:%{NONNEGINT:[mongodb][profile][ntoreturn]:int} ntoskip:%{NONNEGINT:[mongodb][profile][ntoskip]:int} nscanned:%{NONNEGINT:[mongodb][profile][nscanned]:int}` +
		`.*? nreturned:%{NONNEGINT:[mongodb][profile][nreturned]:int}.*? %{INT:[mongodb][profile][duration]:int}ms`,
	"MONGO3_COMPONENT": `%{WORD}`,
	"MONGO3_LOG":       `%{TIMESTAMP_ISO8601:timestamp} %{MONGO3_SEVERITY:[log][level]} (?:-|%{MONGO3_COMPONENT:[mongodb][component]})%{SPACE}(?:\[%{DATA:[mongodb][context]}\])? %{GREEDYDATA:message}`,

	// PostgreSQL (the default pg_log line prefix).
	"POSTGRESQL": `%{DATESTAMP:timestamp} %{TZ:[event][timezone]} %{DATA:[user][name]} %{GREEDYDATA:[postgresql][log][connection_id]} %{POSINT:[process][pid]:int}`,

	// Rails 3. Logstash's RAILS3HEAD starts with "(?m)", which is
	// Oniguruma's dot-matches-newline flag; Compile's (?ms) already
	// includes it, so it is not repeated.
	"RCONTROLLER":   `%{_RAILS_CONTROLLER:[rails][controller][class]=[^#]+}#%{_RAILS_ACTION:[rails][controller][action]=\w+}`,
	"RAILS3HEAD":    `Started %{WORD:[http][request][method]} "%{URIPATHPARAM:[url][original]}" for %{IPORHOST:[source][address]} at (?P<timestamp>%{YEAR}-%{MONTHNUM}-%{MONTHDAY} %{HOUR}:%{MINUTE}:%{SECOND} %{ISO8601_TIMEZONE})`,
	"RPROCESSING":   `\W*Processing by %{RCONTROLLER} as %{_RAILS_FORMAT:[rails][request][format]=\S+}(?:\W*Parameters: \{%{DATA:[rails][request][params]}\}\W*)?`,
	"RAILS3FOOT":    `Completed %{POSINT:[http][response][status_code]:int}%{DATA} in %{NUMBER:[rails][request][duration][total]:float}ms %{RAILS3PROFILE}%{GREEDYDATA}`,
	"RAILS3PROFILE": `(?:\(Views: %{NUMBER:[rails][request][duration][view]:float}ms \| ActiveRecord: %{NUMBER:[rails][request][duration][active_record]:float}ms|\(ActiveRecord: %{NUMBER:[rails][request][duration][active_record]:float}ms)?`,
	"RAILS3":        `%{RAILS3HEAD}(?:%{RPROCESSING})?%{_RAILS_EXPLAIN:[rails][request][explain][original]=(?:%{DATA}\n)*}(?:%{RAILS3FOOT})?`,

	// Redis.
	"REDISLOG":    `\[%{POSINT:[process][pid]:int}\] %{REDISTIMESTAMP:timestamp} \*`,
	"REDISMONLOG": `%{NUMBER:timestamp} \[%{INT:[redis][database][id]} %{IP:[client][ip]}:%{POSINT:[client][port]:int}\] "%{WORD:[redis][command][name]}"\s?%{GREEDYDATA:[redis][command][args]}`,

	// Ruby's Logger.
	"RUBY_LOGGER": `[DFEWI], \[%{TIMESTAMP_ISO8601:timestamp} #%{POSINT:[process][pid]:int}\] *%{RUBY_LOGLEVEL:[log][level]} -- +%{DATA:[process][name]}: %{GREEDYDATA:message}`,
}

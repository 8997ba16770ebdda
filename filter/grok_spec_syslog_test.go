package filter

import (
	"strings"
	"testing"
)

// TestGrokSpecSyslog: logstash-patterns-core spec/patterns/syslog_spec.rb.
func TestGrokSpecSyslog(t *testing.T) {
	var tag strings.Builder // RFC 5424 APP-NAME characters: 33..126 without [ and ]
	for c := byte(33); c <= 126; c++ {
		if c != '[' && c != ']' {
			tag.WriteByte(c)
		}
	}
	rfcTag := tag.String()
	const (
		withPid   = `May 11 15:17:02 meow.soy.se CRON[10973]: pam_unix(cron:session): session opened for user root by (uid=0)`
		slash     = `Mar 16 00:01:25 evita postfix/smtpd[1713]: connect from camomile.cloud9.net[168.100.1.3]`
		ansible   = `May 11 15:40:51 meow.soy.se ansible-<stdin>: Invoked with filter=* fact_path=/etc/ansible/facts.d`
		ansibleM  = `Invoked with filter=* fact_path=/etc/ansible/facts.d`
		facility  = `May 11 10:40:48 scrooge disk-health-nurse[26783]: [ID 702911 user.error] m:SY-mon-full-500 c:H : partition health measures for /var did not suffice - still using 96% of partition space`
		facilityM = `[ID 702911 user.error] m:SY-mon-full-500 c:H : partition health measures for /var did not suffice - still using 96% of partition space`
		nohost    = `Jan 11 22:33:44 su: 'su root' failed for luser on /dev/pts/8`
		optProg   = `<14>Jun 24 10:32:02 win-host WinFileService Event: read, Path: /.DS_Store, File/Folder: File, Size: 6.00 KB, User: user@host, IP: 123.123.123.123`
		optProgM  = `WinFileService Event: read, Path: /.DS_Store, File/Folder: File, Size: 6.00 KB, User: user@host, IP: 123.123.123.123`

		v4     = `<174>1 2016-11-14T09:49:23+01:00 10.23.16.6 named 2255 - -  info: client 10.23.56.93#63295 (i1.tmg.com): query: i1.tmg.com IN A + (10.23.4.13)`
		v4M    = `info: client 10.23.56.93#63295 (i1.tmg.com): query: i1.tmg.com IN A + (10.23.4.13)`
		v6     = `<174>1 1995-04-12T23:20:50.52Z 2000:6a0:b:315:10:23:4:13 named 2255 - -  info: client 10.23.56.9#63295 (i1.tmg.com): query: i1.tmg.com IN A + (10.23.4.13)`
		v6M    = `info: client 10.23.56.9#63295 (i1.tmg.com): query: i1.tmg.com IN A + (10.23.4.13)`
		hn     = `<174>1 2016-12-31T23:59:60-04:00 resolver.se prg00000[1234] - -  info: client 10.23.53.22#63252: query: googlehosted.l.googleusercontent.com IN A + (10.23.16.6)`
		hnM    = `info: client 10.23.53.22#63252: query: googlehosted.l.googleusercontent.com IN A + (10.23.16.6)`
		nilH   = `<174>1 2003-08-24T05:14:15+00:00 - - - - - IN=enx503f560021dc OUT= MAC=01:00:5e:00:00:01:88:f8:c7:8b:1a:b4:04:00 SRC=192.168.81.1 DST=224.0.0.1 LEN=32 TOS=0x00 PREC=0xC0 TTL=1 ID=0 PROTO=2`
		milli  = `<34>1 2003-08-24T05:14:15.123-07:00 the.borg.com su - ID47 - BOM'su root' failed for borg on /dev/pts/7`
		milliZ = `<34>1 2030-10-11T22:14:15.003Z the.borg.com su - m:WR-ID47 - BOM'su root' failed for borg on /dev/pts/7`
		micro  = `<34>1 2012-12-19T01:45:54.001234Z rufus - - - [meta sequenceId=10] BOMStack unit 3 Power supply 2 is down`
		sd     = `[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]`
		moreSD = `<34>1 2012-12-19T01:45:54.001234+11:30 rufus - - - ` + sd + ` [down]`

		pam1 = `Jul 14 13:36:03 precision pkexec: pam_unix(polkit-1:session): session opened for user root by (uid=1001)`
		pam2 = `Jul 14 12:17:01.234 precision.computer CRON[869567]: pam_unix(cron:session): session closed for user root`
		cron = `Jul 17 12:17:01 precision CRON[869568]: (root) CMD (   cd / && run-parts --report /etc/cron.hourly)`
	)
	const f = "syslog"
	specs := []grokSpec{
		{file: f, name: "pid", pattern: "SYSLOGLINE", ecs: true, message: withPid, want: map[string]string{"process": `{"name":"CRON","pid":10973}`}},
		{file: f, name: "pid", pattern: "SYSLOGLINE", message: withPid, want: map[string]string{"pid": `"10973"`, "program": `"CRON"`}},
		{file: f, name: "prog with slash", pattern: "SYSLOGLINE", ecs: true, message: slash, want: map[string]string{"process": `{"name":"postfix/smtpd","pid":1713}`}},
		{file: f, name: "prog with slash", pattern: "SYSLOGLINE", message: slash, want: map[string]string{"program": `"postfix/smtpd"`}},
		{file: f, name: "ansible", pattern: "SYSLOGLINE", ecs: true, message: ansible, want: map[string]string{
			"timestamp": `"May 11 15:40:51"`, "process": `{"name":"ansible-<stdin>"}`, "host": `{"hostname":"meow.soy.se"}`, "message": pair(ansible, ansibleM)}},
		{file: f, name: "ansible", pattern: "SYSLOGLINE", message: ansible, want: map[string]string{
			"timestamp": `"May 11 15:40:51"`, "logsource": `"meow.soy.se"`, "message": pair(ansible, ansibleM)}},
		{file: f, name: "RFC 5424 app name", pattern: "SYSLOGLINE", ecs: true, message: "May 11 15:40:51 meow.soy.se " + rfcTag + ": Just some data which conforms to RFC5424",
			want: map[string]string{"process": `{"name":` + js(rfcTag) + `}`, "host": `{"hostname":"meow.soy.se"}`}},
		{file: f, name: "RFC 5424 app name", pattern: "SYSLOGLINE", message: "May 11 15:40:51 meow.soy.se " + rfcTag + ": Just some data which conforms to RFC5424",
			want: map[string]string{"logsource": `"meow.soy.se"`, "program": js(rfcTag)}},
		{file: f, name: "no facility-level or msg-id", pattern: "SYSLOGLINE", ecs: true, message: facility, want: map[string]string{
			"timestamp": `"May 11 10:40:48"`, "message": pair(facility, facilityM), "process": `{"pid":26783,"name":"disk-health-nurse"}`, "host": `{"hostname":"scrooge"}`}},
		{file: f, name: "no facility-level or msg-id", pattern: "SYSLOGLINE", message: facility, want: map[string]string{
			"timestamp": `"May 11 10:40:48"`, "message": pair(facility, facilityM), "program": `"disk-health-nurse"`, "pid": `"26783"`, "logsource": `"scrooge"`}},
		// In legacy mode this line is a parse failure; the spec asserts nothing.
		{file: f, name: "without hostname", pattern: "SYSLOGLINE", ecs: true, message: nohost, want: map[string]string{"process": `{"name":"su"}`}},
		{file: f, name: "optional progname", pattern: "SYSLOGLINE", ecs: true, message: optProg, want: map[string]string{"host": `{"hostname":"win-host"}`, "message": pair(optProg, optProgM)}},
		{file: f, name: "optional progname", pattern: "SYSLOGLINE", message: optProg, want: map[string]string{"logsource": `"win-host"`, "message": pair(optProg, optProgM)}},

		{file: f, name: "ipv4 host", pattern: "SYSLOG5424LINE", ecs: true, message: v4, want: map[string]string{
			"log": `{"syslog":{"priority":174}}`, "host": `{"hostname":"10.23.16.6"}`, "process": `{"name":"named","pid":2255}`,
			"system": `{"syslog":{"version":"1"}}`, "timestamp": `"2016-11-14T09:49:23+01:00"`, "message": pair(v4, v4M)}},
		{file: f, name: "ipv4 host", pattern: "SYSLOG5424LINE", message: v4, want: map[string]string{
			"syslog5424_pri": `"174"`, "syslog5424_host": `"10.23.16.6"`, "syslog5424_app": `"named"`, "syslog5424_ver": `"1"`,
			"syslog5424_proc": `"2255"`, "syslog5424_ts": `"2016-11-14T09:49:23+01:00"`, "syslog5424_msg": js(v4M), "message": js(v4)}},
		{file: f, name: "ipv6 host", pattern: "SYSLOG5424LINE", ecs: true, message: v6, want: map[string]string{
			"host": `{"hostname":"2000:6a0:b:315:10:23:4:13"}`, "timestamp": `"1995-04-12T23:20:50.52Z"`, "message": pair(v6, v6M)}},
		{file: f, name: "ipv6 host", pattern: "SYSLOG5424LINE", message: v6, want: map[string]string{
			"syslog5424_host": `"2000:6a0:b:315:10:23:4:13"`, "syslog5424_ts": `"1995-04-12T23:20:50.52Z"`}},
		{file: f, name: "host name", pattern: "SYSLOG5424LINE", ecs: true, message: hn, absent: []string{"[system][syslog][message_id]"}, want: map[string]string{
			"host": `{"hostname":"resolver.se"}`, "message": pair(hn, hnM), "timestamp": `"2016-12-31T23:59:60-04:00"`}},
		{file: f, name: "host name", pattern: "SYSLOG5424LINE", message: hn, absent: []string{"syslog5424_msgid"}, want: map[string]string{
			"syslog5424_host": `"resolver.se"`, "syslog5424_ts": `"2016-12-31T23:59:60-04:00"`}},
		{file: f, name: "nil host", pattern: "SYSLOG5424LINE", ecs: true, message: nilH, absent: []string{"host"}, want: map[string]string{"timestamp": `"2003-08-24T05:14:15+00:00"`}},
		{file: f, name: "nil host", pattern: "SYSLOG5424LINE", message: nilH, absent: []string{"syslog5424_host"}},
		{file: f, name: "ms timestamp", pattern: "SYSLOG5424LINE", ecs: true, message: milli, want: map[string]string{"timestamp": `"2003-08-24T05:14:15.123-07:00"`, "process": `{"name":"su"}`}},
		{file: f, name: "ms timestamp", pattern: "SYSLOG5424LINE", message: milli, want: map[string]string{"syslog5424_ts": `"2003-08-24T05:14:15.123-07:00"`}},
		{file: f, name: "ms timestamp Z and msgid", pattern: "SYSLOG5424LINE", ecs: true, message: milliZ, want: map[string]string{"timestamp": `"2030-10-11T22:14:15.003Z"`, "event": `{"code":"m:WR-ID47"}`}},
		{file: f, name: "ms timestamp Z and msgid", pattern: "SYSLOG5424LINE", message: milliZ, want: map[string]string{"syslog5424_ts": `"2030-10-11T22:14:15.003Z"`, "syslog5424_msgid": `"m:WR-ID47"`}},
		{file: f, name: "us timestamp and SD", pattern: "SYSLOG5424LINE", ecs: true, message: micro, absent: []string{"process", "event"}, want: map[string]string{
			"timestamp": `"2012-12-19T01:45:54.001234Z"`, "[system][syslog][structured_data]": `"[meta sequenceId=10]"`, "message": pair(micro, "BOMStack unit 3 Power supply 2 is down")}},
		{file: f, name: "us timestamp and SD", pattern: "SYSLOG5424LINE", message: micro, want: map[string]string{
			"syslog5424_ts": `"2012-12-19T01:45:54.001234Z"`, "syslog5424_sd": `"[meta sequenceId=10]"`, "syslog5424_msg": `"BOMStack unit 3 Power supply 2 is down"`}},
		{file: f, name: "more SD", pattern: "SYSLOG5424LINE", ecs: true, message: moreSD, want: map[string]string{"[system][syslog][structured_data]": js(sd), "message": pair(moreSD, "[down]")}},
		{file: f, name: "more SD", pattern: "SYSLOG5424LINE", message: moreSD, want: map[string]string{"syslog5424_sd": js(sd), "syslog5424_msg": `"[down]"`}},

		{file: f, name: "matches", pattern: "SYSLOGPAMSESSION", ecs: true, message: pam1, want: map[string]string{
			"timestamp": `"Jul 14 13:36:03"`, "host": `{"hostname":"precision"}`, "process": `{"name":"pkexec"}`, "user": `{"name":"root"}`,
			"system":  `{"auth":{"pam":{"module":"pam_unix","origin":"polkit-1:session","session_state":"opened"}}}`,
			"message": pair(pam1, "pam_unix(polkit-1:session): session opened for user root by (uid=1001)")}},
		{file: f, name: "matches", pattern: "SYSLOGPAMSESSION", message: pam1, want: map[string]string{
			"timestamp": `"Jul 14 13:36:03"`, "logsource": `"precision"`, "program": `"pkexec"`, "username": `"root"`, "pam_module": `"pam_unix"`,
			"pam_caller": `"polkit-1:session"`, "pam_session_state": `"opened"`, "pam_by": `"(uid=1001)"`,
			"message": pair(pam1, "pam_unix(polkit-1:session): session opened for user root by (uid=1001)")}},
		{file: f, name: "with pid", pattern: "SYSLOGPAMSESSION", ecs: true, message: pam2, want: map[string]string{
			"timestamp": `"Jul 14 12:17:01.234"`, "host": `{"hostname":"precision.computer"}`, "process": `{"name":"CRON","pid":869567}`, "user": `{"name":"root"}`,
			"system":  `{"auth":{"pam":{"module":"pam_unix","origin":"cron:session","session_state":"closed"}}}`,
			"message": pair(pam2, "pam_unix(cron:session): session closed for user root")}},
		{file: f, name: "with pid", pattern: "SYSLOGPAMSESSION", message: pam2, want: map[string]string{
			"timestamp": `"Jul 14 12:17:01.234"`, "logsource": `"precision.computer"`, "program": `"CRON"`, "username": `"root"`, "pid": `"869567"`,
			"pam_module": `"pam_unix"`, "pam_caller": `"cron:session"`, "pam_session_state": `"closed"`,
			"message": pair(pam2, "pam_unix(cron:session): session closed for user root")}},

		{file: f, name: "matches", pattern: "CRONLOG", ecs: true, message: cron, want: map[string]string{
			"timestamp": `"Jul 17 12:17:01"`, "host": `{"hostname":"precision"}`, "process": `{"name":"CRON","pid":869568}`, "user": `{"name":"root"}`,
			"system": `{"cron":{"action":"CMD"}}`, "message": pair(cron, "   cd / && run-parts --report /etc/cron.hourly")}},
		{file: f, name: "matches", pattern: "CRONLOG", message: cron, want: map[string]string{
			"timestamp": `"Jul 17 12:17:01"`, "logsource": `"precision"`, "program": `"CRON"`, "pid": `"869568"`, "user": `"root"`, "action": `"CMD"`,
			"message": pair(cron, "   cd / && run-parts --report /etc/cron.hourly")}},
	}
	runGrokSpecs(t, specs)
}

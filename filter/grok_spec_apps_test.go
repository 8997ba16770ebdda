package filter

import (
	"testing"

	"github.com/logpipe/logpipe"
)

// The specs of logstash-patterns-core (commit 7f94275) for the exim,
// bacula, nagios, mcollective, mongodb, rails3 and redis patterns, in both
// modes. maven_spec.rb is in TestGrokSpecCore; there is no postgresql or
// ruby spec, so TestGrokAppsOwn checks those patterns with logpipe's own
// lines. Spec assertions on fields that logpipe does not produce
// (Logstash's "@version") are left out.

// appsBoth returns the spec in legacy and in ECS mode with the given
// expectations.
func appsBoth(s grokSpec, legacy, ecs map[string]string) []grokSpec {
	l, e := s, s
	l.want, e.want, e.ecs = legacy, ecs, true
	return []grokSpec{l, e}
}

// appsKindIs checks the kind of the values at refs, for the specs that expect
// a Ruby Float or Integer rather than just an equal number.
func appsKindIs(k logpipe.Kind, refs ...string) func(*testing.T, *logpipe.Event) {
	return func(t *testing.T, e *logpipe.Event) {
		for _, ref := range refs {
			if v, _ := e.Get(logpipe.MustPath(ref)); v.Kind() != k {
				t.Errorf("%s = %s has kind %v, want %v", ref, v, v.Kind(), k)
			}
		}
	}
}

// TestGrokSpecExim: spec/patterns/exim_spec.rb.
func TestGrokSpecExim(t *testing.T) {
	const (
		f       = "exim"
		old     = "1995-10-31 08:57:53 0tACW1-0005MB-00 <= kryten@dwarf.fict.example H=mailer.fict.example [192.168.123.123] U=exim P=smtp S=5678 id=f828ca60127d8646a0fa75cbf8db9ba3@dwarf.fict.example"
		arrival = `2010-09-13 05:00:13 [1487] 1Ov4tU-0000Nz-Rm <= mailling.list@domain.com H=mailhost.domain.com [208.42.54.2]:51792 I=[67.215.162.175]:25 P=esmtps X=TLSv1:AES256-SHA:256 CV=no S=21778 id=384a86a39e83be0d9b3a94d1feb3119f@domain.com T="Daily List: Chameleon" for user@example.com`
		simple  = `2020-02-11 17:09:46 1j1Z2g-00Faoy-Uh <= example@strawberry.active-ns.com U=example P=local T="[Examples Galore] Please moderate: \"Hello world!\"" for admin@example.net`
		quoted  = `2013-03-20 12:44:02 1UIIN7-0004t9-8R <= root@example.com H=localhost (hostname.example.com) [127.0.0.1] P=esmtps X=TLSv1:DHE-RSA-AES256-SHA:256 S=811 id=201303201244.r2KCi11V018784@hostname.example.com`
		port    = `2014-08-10 11:18:35 [28107] 1gsu1C-003dCu-Hb <= aaron@domain.com H=localhost (10.5.40.204) [127.0.0.1]:39753 I=[127.0.0.1]:25 P=esmtpa A=dovecot_plain:aaron@domain.com S=4315 M8S=0 id=d2b648f00f1a1b0813c483d552778dc6@domain.com T="what's up?!? ;-)" from <aaron@domain.com> for aaron+forward@domain.com`
	)
	var specs []grokSpec
	add := func(s []grokSpec) { specs = append(specs, s...) }
	add(appsBoth(grokSpec{file: f, name: "message arrival (old)", pattern: "EXIM", message: old}, map[string]string{
		"timestamp": `"1995-10-31 08:57:53"`, "exim_year": `"1995"`, "exim_month": `"10"`, "exim_day": `"31"`, "exim_time": `"08:57:53"`,
		"exim_sender_email": `"kryten@dwarf.fict.example"`, "exim_flags": `"<="`, "exim_msg_size": `"5678"`, "exim_msgid": `"0tACW1-0005MB-00"`,
		"remote_hostname": `"mailer.fict.example"`, "remote_host": `"192.168.123.123"`, "protocol": `"smtp"`,
		"exim_header_id": `"f828ca60127d8646a0fa75cbf8db9ba3@dwarf.fict.example"`, "message": js(old),
	}, map[string]string{
		"timestamp": `"1995-10-31 08:57:53"`,
		"exim": `{"log":{"flags":"<=","sender":{"email":"kryten@dwarf.fict.example"},"message":{"id":"0tACW1-0005MB-00","size":5678},
			"header_id":"f828ca60127d8646a0fa75cbf8db9ba3@dwarf.fict.example"}}`,
		"source": `{"address":"mailer.fict.example","ip":"192.168.123.123"}`, "network": `{"protocol":"smtp"}`, "message": js(old),
	}))
	specs[len(specs)-2].absent = []string{"pid"}
	add(appsBoth(grokSpec{file: f, name: "message arrival (new)", pattern: "EXIM", message: arrival}, map[string]string{
		"timestamp": `"2010-09-13 05:00:13"`, "exim_year": `"2010"`, "exim_month": `"09"`, "exim_day": `"13"`, "exim_time": `"05:00:13"`,
		"pid": `"1487"`, "exim_sender_email": `"mailling.list@domain.com"`,
		"remote_hostname": `"mailhost.domain.com"`, "remote_host": `"208.42.54.2"`, "remote_port": `"51792"`,
		"exim_interface": `"67.215.162.175"`, "exim_interface_port": `"25"`, "protocol": `"esmtps"`, "exim_msg_size": `"21778"`,
		"exim_header_id": `"384a86a39e83be0d9b3a94d1feb3119f@domain.com"`, "exim_subject": js(`"Daily List: Chameleon"`),
		"exim_recipient_email": `"user@example.com"`, "message": js(arrival),
	}, map[string]string{
		"timestamp": `"2010-09-13 05:00:13"`, "process": `{"pid":1487}`,
		"[exim][log][message]":   `{"id":"1Ov4tU-0000Nz-Rm","size":21778,"subject":"Daily List: Chameleon"}`,
		"[exim][log][flags]":     `"<="`,
		"[exim][log][header_id]": `"384a86a39e83be0d9b3a94d1feb3119f@domain.com"`,
		"[exim][log][sender]":    `{"email":"mailling.list@domain.com"}`,
		"[exim][log][recipient]": `{"email":"user@example.com"}`,
		"source":                 `{"address":"mailhost.domain.com","ip":"208.42.54.2","port":51792}`,
		"destination":            `{"ip":"67.215.162.175","port":25}`,
		"message":                js(arrival),
	}))
	add(appsBoth(grokSpec{file: f, name: "message arrival (simple)", pattern: "EXIM", message: simple}, map[string]string{
		"timestamp": `"2020-02-11 17:09:46"`, "exim_msgid": `"1j1Z2g-00Faoy-Uh"`, "exim_sender_email": `"example@strawberry.active-ns.com"`,
		"exim_flags": `"<="`, "protocol": `"local"`, "exim_subject": js(`"[Examples Galore] Please moderate: \"Hello world!\""`),
	}, map[string]string{
		"timestamp": `"2020-02-11 17:09:46"`,
		"exim": `{"log":{"flags":"<=","message":{"id":"1j1Z2g-00Faoy-Uh","subject":` + js(`[Examples Galore] Please moderate: \"Hello world!\"`) + `},
			"sender":{"email":"example@strawberry.active-ns.com"},"recipient":{"email":"admin@example.net"}}}`,
		"network": `{"protocol":"local"}`,
	}))
	add(appsBoth(grokSpec{file: f, name: "message arrival with quoted hostname", pattern: "EXIM", message: quoted}, map[string]string{
		"timestamp": `"2013-03-20 12:44:02"`, "exim_msgid": `"1UIIN7-0004t9-8R"`, "exim_sender_email": `"root@example.com"`,
		"exim_flags": `"<="`, "protocol": `"esmtps"`, "exim_header_id": `"201303201244.r2KCi11V018784@hostname.example.com"`,
		"remote_host": `"127.0.0.1"`, "remote_heloname": `"hostname.example.com"`, "remote_hostname": `"localhost"`,
	}, map[string]string{
		"timestamp":                   `"2013-03-20 12:44:02"`,
		"[exim][log][sender]":         `{"email":"root@example.com"}`,
		"[exim][log][message]":        `{"id":"1UIIN7-0004t9-8R","size":811}`,
		"[exim][log][header_id]":      `"201303201244.r2KCi11V018784@hostname.example.com"`,
		"[exim][log][remote_address]": `"hostname.example.com"`,
		"source":                      `{"address":"localhost","ip":"127.0.0.1"}`,
		"network":                     `{"protocol":"esmtps"}`,
	}))
	add(appsBoth(grokSpec{file: f, name: "message arrival with quoted hostname and port", pattern: "EXIM", message: port}, map[string]string{
		"exim_msgid": `"1gsu1C-003dCu-Hb"`, "exim_sender_email": `"aaron@domain.com"`, "exim_flags": `"<="`, "protocol": `"esmtpa"`,
		"remote_host": `"127.0.0.1"`, "remote_port": `"39753"`, "remote_heloname": `"10.5.40.204"`, "remote_hostname": `"localhost"`,
	}, map[string]string{
		"[exim][log][message][id]":      `"1gsu1C-003dCu-Hb"`,
		"[exim][log][message][subject]": `"what's up?!? ;-)"`,
		"destination":                   `{"ip":"127.0.0.1","port":25}`,
		"[exim][log][sender]":           `{"email":"aaron@domain.com","original":"aaron@domain.com"}`,
		"[exim][log][recipient]":        `{"email":"aaron+forward@domain.com"}`,
		"source":                        `{"address":"localhost","ip":"127.0.0.1","port":39753}`,
		"[exim][log][remote_address]":   `"10.5.40.204"`,
	}))
	runGrokSpecs(t, specs)
	const failed = `2020-02-11 17:09:47 1j1Z2g-00Faoy-Uh ** admin@example.net R=virtual_aliases: No such person at this address.`
	runGrokNoMatch(t, []grokNoMatch{
		{f, "delivery failed", "EXIM", false, failed, nil},
		{f, "delivery failed", "EXIM", true, failed, nil},
	})
}

// TestGrokSpecBacula: spec/patterns/bacula_spec.rb.
func TestGrokSpecBacula(t *testing.T) {
	const f = "bacula"
	var specs []grokSpec
	add := func(name, pattern, message string, legacy, ecs map[string]string) {
		specs = append(specs, appsBoth(grokSpec{file: f, name: name, pattern: pattern, message: message}, legacy, ecs)...)
	}
	add("max capacity", "BACULA_LOG_MAX_CAPACITY",
		`User defined maximum volume capacity 108,372,182,400 exceeded on device "FStorage" (/var/lib/bac/storage).`,
		map[string]string{"device": `"FStorage"`},
		map[string]string{"bacula": `{"volume":{"max_capacity":"108,372,182,400","device":"FStorage","path":"/var/lib/bac/storage"}}`})
	add("end volume", "BACULA_LOG_END_VOLUME",
		`End of medium on Volume "TestShortZN0014" Bytes=5,228,777 Blocks=82 at 21-Dec-2016 12:30.`,
		map[string]string{"volume": `"TestShortZN0014"`},
		map[string]string{"[bacula][volume]": `{"name":"TestShortZN0014","bytes":"5,228,777","blocks":"82"}`, "[bacula][timestamp]": `"21-Dec-2016 12:30"`})
	add("new volume", "BACULA_LOGLINE", `09-Jan 19:54 bacula-host JobId 265896: Created new Volume "FullAuto-8812" in catalog.`,
		map[string]string{"bts": `"09-Jan 19:54"`, "volume": `"FullAuto-8812"`},
		map[string]string{"timestamp": `"09-Jan 19:54"`, "bacula": `{"volume":{"name":"FullAuto-8812"},"job":{"id":"265896"}}`, "host": `{"hostname":"bacula-host"}`})
	add("new label", "BACULA_LOGLINE", `25-Aug 10:50 bacula-sd JobId 24: Labeled new Volume "Vol-0018" on device "FileChgr1-Dev1" (/opt/bacula/disk).`,
		map[string]string{"bts": `"25-Aug 10:50"`, "volume": `"Vol-0018"`, "device": `"FileChgr1-Dev1"`},
		map[string]string{"timestamp": `"25-Aug 10:50"`, "[bacula][volume]": `{"name":"Vol-0018","device":"FileChgr1-Dev1","path":"/opt/bacula/disk"}`,
			"[bacula][job]": `{"id":"24"}`, "host": `{"hostname":"bacula-sd"}`})
	add("wrote label", "BACULA_LOGLINE", `25-Aug 10:50 bacula-sd JobId 24: Wrote label to prelabeled Volume "Volume01" on device "Device01" (/dev/nst0)`,
		map[string]string{"bts": `"25-Aug 10:50"`, "jobid": `"24"`},
		map[string]string{"timestamp": `"25-Aug 10:50"`, "[bacula][volume]": `{"name":"Volume01","device":"Device01","path":"/dev/nst0"}`})
	add("new mount", "BACULA_LOGLINE", `24-Aug 01:54 crey-sd JobId 215534: New volume "DiffAuto-4861" mounted on device "vDrive-1" (/usr/local/bac/volumes) at 24-Aug-2015 01:54.`,
		map[string]string{"bts": `"24-Aug 01:54"`, "device": `"vDrive-1"`, "volume": `"DiffAuto-4861"`, "hostname": `"crey-sd"`, "jobid": `"215534"`},
		map[string]string{"timestamp": `"24-Aug 01:54"`, "[bacula][volume]": `{"name":"DiffAuto-4861","device":"vDrive-1","path":"/usr/local/bac/volumes"}`})
	add("no open dir", "BACULA_LOGLINE", `24-Feb 16:36 starfury-fd JobId 3: Could not open directory "/root": ERR=Permission denied`,
		map[string]string{"bts": `"24-Feb 16:36"`, "berror": `"Permission denied"`},
		map[string]string{"timestamp": `"24-Feb 16:36"`, "file": `{"path":"/root"}`, "error": `{"message":"Permission denied"}`})
	const noStat = `15-Dec 17:50 u22.com JobId 13:      Could not stat /var/lib/bacula/bacula.sql: ERR=No such file or directory`
	specs = append(specs, grokSpec{file: f, name: "no stat", pattern: "BACULA_LOGLINE", ecs: true, message: noStat, want: map[string]string{
		"timestamp": `"15-Dec 17:50"`, "file": `{"path":"/var/lib/bacula/bacula.sql"}`, "error": `{"message":"No such file or directory"}`}})
	add("all records pruned", "BACULA_LOGLINE", `12-Apr 14:23 VU0EM005: All records pruned from Volume "06D125L3"; marking it "Purged"`,
		map[string]string{"bts": `"12-Apr 14:23"`, "hostname": `"VU0EM005"`, "volume": `"06D125L3"`},
		map[string]string{"timestamp": `"12-Apr 14:23"`, "bacula": `{"volume":{"name":"06D125L3"}}`, "host": `{"hostname":"VU0EM005"}`})
	add("pruned jobs", "BACULA_LOGLINE", `29-Jan 04:16 lbu02-dir: Pruned 24 Jobs for client uni-horn from catalog.`,
		map[string]string{"bts": `"29-Jan 04:16"`, "hostname": `"lbu02-dir"`, "client": `"uni-horn"`},
		map[string]string{"timestamp": `"29-Jan 04:16"`, "bacula": `{"client":{"name":"uni-horn"}}`, "host": `{"hostname":"lbu02-dir"}`})
	add("start job", "BACULA_LOGLINE", `06-Mar 20:00 srvbkp-dir JobId 1075: Start Backup JobId 1075, Job=srv1-bind.2018-03-06_20.00.01_05`,
		map[string]string{"bts": `"06-Mar 20:00"`, "job": `"srv1-bind.2018-03-06_20.00.01_05"`, "jobid": `"1075"`},
		map[string]string{"timestamp": `"06-Mar 20:00"`, "bacula": `{"job":{"name":"srv1-bind.2018-03-06_20.00.01_05","id":"1075"}}`})
	add("different filesystem", "BACULA_LOGLINE", `01-Feb 00:34 ohms-fd JobId 1662:      /var/spool/bareos is a different filesystem. Will not descend from /var into it.`,
		map[string]string{"bts": `"01-Feb 00:34"`},
		map[string]string{"timestamp": `"01-Feb 00:34"`})
	add("job end", "BACULA_LOGLINE", `28-Aug 21:55 bacula-sd JobId 16: Job write elapsed time = 00:00:01, Transfer rate = 0  Bytes/second`,
		map[string]string{"bts": `"28-Aug 21:55"`, "jobid": `"16"`, "elapsed": `"00:00:01"`},
		map[string]string{"timestamp": `"28-Aug 21:55"`, "bacula": `{"job":{"elapsed_time":"00:00:01","id":"16"}}`})
	const prevWritten = `17-Jan-2003 16:45 home-sd: Volume test01 previously written, moving to end of data.`
	specs = append(specs, grokSpec{file: f, name: "volume previously written", pattern: "BACULA_LOGLINE", ecs: true, message: prevWritten, want: map[string]string{
		"timestamp": `"17-Jan-2003 16:45"`, "bacula": `{"volume":{"name":"test01"}}`}})
	add("ready append", "BACULA_LOG_READYAPPEND", `Ready to append to end of Volume "F-0032" size=97835302`,
		map[string]string{"volume": `"F-0032"`},
		map[string]string{"bacula": `{"volume":{"name":"F-0032","size":97835302}}`})
	add("client run before job", "BACULA_LOGLINE", `01-Aug 13:30 toe-fd JobId 686: shell command: run ClientRunBeforeJob "/etc/bacula/cbe_hanfs.sh /mnt/baxter/fs1"`,
		map[string]string{"jobid": `"686"`, "runjob": `"/etc/bacula/cbe_hanfs.sh /mnt/baxter/fs1"`},
		map[string]string{"bacula": `{"job":{"id":"686","client_run_before_command":"/etc/bacula/cbe_hanfs.sh /mnt/baxter/fs1"}}`})
	add("fatal connection", "BACULA_LOGLINE", `11-Nov 13:28 bacula-dir JobId 11: Fatal error: bsock.c:133 Unable to connect to Client: dc0-fd on dc0.teamworld.com:9102. ERR=Connection refused`,
		map[string]string{"client": `"dc0-fd"`, "berror": `"Connection refused"`},
		map[string]string{"client": `{"address":"dc0.teamworld.com","port":9102}`, "[bacula][client]": `{"name":"dc0-fd"}`, "error": `{"message":"Connection refused"}`})
	// The spec reads the port with to_i because of a Logstash bug; logpipe
	// gives the number the :int hint asks for.
	specs = append(specs, grokSpec{file: f, name: "no auth", pattern: "BACULA_LOGLINE", ecs: true,
		message: `16-May 11:59 samy-dir JobId 0: Fatal error: Unable to authenticate with File daemon at "cardam.home.domain:9102". Possible causes:`,
		want:    map[string]string{"client": `{"address":"cardam.home.domain","port":9102}`}})
	add("cancelling", "BACULA_LOGLINE", `03-Aug 06:20 DIRECTOR JobId 316677: Cancelling duplicate JobId=316646.`,
		map[string]string{"jobid": `"316677"`},
		map[string]string{"[bacula][job]": `{"id":"316677","other_id":"316646"}`})
	add("mark cancel", "BACULA_LOGLINE", `09-Aug 15:14 InternetServer-sd JobId 122971, Job nyi_maildir.2013-03-03_22.00.00_51 marked to be canceled.`,
		map[string]string{"job": `"nyi_maildir.2013-03-03_22.00.00_51"`},
		map[string]string{"[bacula][job]": `{"id":"122971","name":"nyi_maildir.2013-03-03_22.00.00_51"}`})
	const duplicate = `25-Aug 09:02 marlin2-dir JobId 10783: Fatal Error: JobId 10782 already running. Duplicate job not allowed.`
	specs = append(specs, grokSpec{file: f, name: "duplicate", pattern: "BACULA_LOGLINE", ecs: true, message: duplicate, want: map[string]string{
		"[bacula][job]": `{"id":"10783","other_id":"10782"}`}})
	runGrokSpecs(t, specs)
	// The spec notes that these lines do not match in legacy mode (the
	// host name has a dot, the timestamp a year, "Error" a capital E).
	runGrokNoMatch(t, []grokNoMatch{
		{f, "no stat", "BACULA_LOGLINE", false, noStat, nil},
		{f, "volume previously written", "BACULA_LOGLINE", false, prevWritten, nil},
		{f, "duplicate", "BACULA_LOGLINE", false, duplicate, nil},
	})
}

// TestGrokSpecNagios: spec/patterns/nagios_spec.rb. The pattern names
// carry Logstash's ignored suffix ("%{NAGIOSLOGLINE - CURRENT HOST STATE}").
func TestGrokSpecNagios(t *testing.T) {
	const (
		f         = "nagios"
		hostState = "[1427925600] CURRENT HOST STATE: nagioshost;UP;HARD;1;PING OK - Packet loss = 0%, RTA = 2.24 ms"
		svcState  = "[1427925600] CURRENT SERVICE STATE: nagioshost;SSH;OK;HARD;1;nagiosmessage"
		realWorld = "[1427956600] CURRENT SERVICE STATE: prod-virtual-ESz06;check_vmfs_prod-PvDC2;CRITICAL;HARD;3;CRITICAL - /vmfs/volumes/prod-vsRoot - total: 8191.75 Gb - used: 7859.84 Gb (95%)- free: 331.90 Gb (5%)"
		realMsg   = "CRITICAL - /vmfs/volumes/prod-vsRoot - total: 8191.75 Gb - used: 7859.84 Gb (95%)- free: 331.90 Gb (5%)"
		period    = "[1427925600] TIMEPERIOD TRANSITION: 24X7;-1;1"
		svcAlert  = "[1427925689] SERVICE ALERT: varnish;Varnish Backend Connections;CRITICAL;SOFT;1;Current value: 154.0, warn threshold: 10.0, crit threshold: 20.0"
		svcNotify = "[1427950229] SERVICE NOTIFICATION: nagiosadmin;varnish;Varnish Backend Connections;CRITICAL;notify-service-by-email;Current value: 337.0, warn threshold: 10.0, crit threshold: 20.0"
		hostNote  = "[1429878690] HOST NOTIFICATION: nagiosadmin;127.0.0.1;DOWN;host-notify-by-email;CRITICAL - Socket timeout after 10 seconds"
		downtime  = "[1334609999] EXTERNAL COMMAND: SCHEDULE_HOST_DOWNTIME;sputnik;1334665800;1334553600;1;0;120;nagiosadmin;test;"
	)
	var specs []grokSpec
	add := func(pattern, name, message string, legacy, ecs map[string]string) {
		specs = append(specs, appsBoth(grokSpec{file: f, name: name, pattern: pattern, message: message}, legacy, ecs)...)
	}
	p := "NAGIOSLOGLINE - CURRENT HOST STATE"
	add(p, "host state", hostState, map[string]string{
		"nagios_epoch": `"1427925600"`, "nagios_message": `"PING OK - Packet loss = 0%, RTA = 2.24 ms"`, "nagios_hostname": `"nagioshost"`,
		"nagios_state": `"UP"`, "nagios_statetype": `"HARD"`,
	}, map[string]string{
		"timestamp": `"1427925600"`, "message": pair(hostState, "PING OK - Packet loss = 0%, RTA = 2.24 ms"), "host": `{"hostname":"nagioshost"}`,
		"[service][state]": `"UP"`, "[nagios][log][state_type]": `"HARD"`,
	})
	p = "NAGIOSLOGLINE - CURRENT SERVICE STATE"
	add(p, "service state", svcState, map[string]string{
		"nagios_type": `"CURRENT SERVICE STATE"`, "nagios_epoch": `"1427925600"`, "nagios_message": `"nagiosmessage"`, "nagios_hostname": `"nagioshost"`,
		"nagios_service": `"SSH"`, "nagios_state": `"OK"`, "nagios_statetype": `"HARD"`, "nagios_statecode": `"1"`,
	}, map[string]string{
		"[nagios][log][type]": `"CURRENT SERVICE STATE"`, "timestamp": `"1427925600"`, "message": pair(svcState, "nagiosmessage"),
		"host": `{"hostname":"nagioshost"}`, "[service][name]": `"SSH"`, "[service][state]": `"OK"`,
		"[nagios][log][state_type]": `"HARD"`, "[nagios][log][attempt]": `1`,
	})
	add(p, "real-world example", realWorld, map[string]string{
		"nagios_type": `"CURRENT SERVICE STATE"`, "nagios_state": `"CRITICAL"`, "nagios_statetype": `"HARD"`,
		"nagios_hostname": `"prod-virtual-ESz06"`, "nagios_statecode": `"3"`, "nagios_message": js(realMsg),
	}, map[string]string{
		"host": `{"hostname":"prod-virtual-ESz06"}`, "service": `{"name":"check_vmfs_prod-PvDC2","state":"CRITICAL"}`,
		"nagios":  `{"log":{"type":"CURRENT SERVICE STATE","state_type":"HARD","attempt":3}}`,
		"message": pair(realWorld, realMsg),
	})
	p = "NAGIOSLOGLINE - TIMEPERIOD TRANSITION"
	add(p, "timeperiod transition", period, map[string]string{
		"nagios_type": `"TIMEPERIOD TRANSITION"`, "nagios_epoch": `"1427925600"`, "nagios_service": `"24X7"`,
		"nagios_unknown1": `"-1"`, "nagios_unknown2": `"1"`,
		// "doesn't end in a semi-colon": [message] is left alone.
		"message": js(period),
	}, map[string]string{
		"[nagios][log][type]": `"TIMEPERIOD TRANSITION"`, "[service][name]": `"24X7"`,
		"[nagios][log][period_from]": `-1`, "[nagios][log][period_to]": `1`, "message": js(period),
	})
	p = "NAGIOSLOGLINE - SERVICE ALERT"
	// The ECS attempt is pending in the spec (Logstash returns the string
	// "1" despite :int); logpipe gives the number 1.
	add(p, "service alert", svcAlert, map[string]string{
		"nagios_type": `"SERVICE ALERT"`, "nagios_epoch": `"1427925689"`, "nagios_hostname": `"varnish"`,
		"nagios_service": `"Varnish Backend Connections"`, "nagios_state": `"CRITICAL"`, "nagios_statelevel": `"SOFT"`,
		"nagios_attempt": `"1"`, "nagios_message": `"Current value: 154.0, warn threshold: 10.0, crit threshold: 20.0"`,
	}, map[string]string{
		"[nagios][log][type]": `"SERVICE ALERT"`, "timestamp": `"1427925689"`, "host": `{"hostname":"varnish"}`,
		"[service][name]": `"Varnish Backend Connections"`, "[service][state]": `"CRITICAL"`, "[nagios][log][state_type]": `"SOFT"`,
		"[nagios][log][attempt]": `1`, "[message][1]": `"Current value: 154.0, warn threshold: 10.0, crit threshold: 20.0"`,
	})
	p = "NAGIOSLOGLINE - SERVICE NOTIFICATION"
	add(p, "service notification", svcNotify, map[string]string{
		"nagios_type": `"SERVICE NOTIFICATION"`, "nagios_epoch": `"1427950229"`, "nagios_notifyname": `"nagiosadmin"`,
		"nagios_hostname": `"varnish"`, "nagios_service": `"Varnish Backend Connections"`, "nagios_state": `"CRITICAL"`,
		"nagios_contact": `"notify-service-by-email"`, "nagios_message": `"Current value: 337.0, warn threshold: 10.0, crit threshold: 20.0"`,
	}, map[string]string{
		"[nagios][log][type]": `"SERVICE NOTIFICATION"`, "timestamp": `"1427950229"`, "user": `{"name":"nagiosadmin"}`,
		"host": `{"hostname":"varnish"}`, "[service][name]": `"Varnish Backend Connections"`, "[service][state]": `"CRITICAL"`,
		"[nagios][log][notification_command]": `"notify-service-by-email"`,
		"[message][1]":                        `"Current value: 337.0, warn threshold: 10.0, crit threshold: 20.0"`,
	})
	p = "NAGIOSLOGLINE - HOST NOTIFICATION"
	add(p, "host notification", hostNote, map[string]string{
		"nagios_type": `"HOST NOTIFICATION"`, "nagios_epoch": `"1429878690"`, "nagios_notifyname": `"nagiosadmin"`,
		"nagios_hostname": `"127.0.0.1"`, "nagios_contact": `"host-notify-by-email"`, "nagios_message": `"CRITICAL - Socket timeout after 10 seconds"`,
	}, map[string]string{
		"[nagios][log][type]": `"HOST NOTIFICATION"`, "user": `{"name":"nagiosadmin"}`, "host": `{"hostname":"127.0.0.1"}`,
		"[nagios][log][notification_command]": `"host-notify-by-email"`, "[message][1]": `"CRITICAL - Socket timeout after 10 seconds"`,
	})
	p = "NAGIOSLOGLINE - SCHEDULE_HOST_DOWNTIME"
	add(p, "schedule host downtime", downtime, map[string]string{
		"nagios_epoch": `"1334609999"`, "nagios_type": `"EXTERNAL COMMAND"`, "nagios_command": `"SCHEDULE_HOST_DOWNTIME"`,
		"nagios_hostname": `"sputnik"`, "nagios_duration": `"120"`, "nagios_fixed": `"1"`, "nagios_trigger_id": `"0"`,
		"nagios_start_time": `"1334665800"`, "nagios_end_time": `"1334553600"`, "author": `"nagiosadmin"`,
	}, map[string]string{
		"host": `{"hostname":"sputnik"}`,
		"nagios": `{"log":{"type":"EXTERNAL COMMAND","command":"SCHEDULE_HOST_DOWNTIME","start_time":"1334665800","end_time":"1334553600",
			"fixed":"1","trigger_id":"0","duration":120}}`,
		"user": `{"name":"nagiosadmin"}`, "message": js(downtime),
	})
	runGrokSpecs(t, specs)
}

// TestGrokSpecMCollective: spec/patterns/mcollective_spec.rb. The pattern
// does not capture the rest of the line, so [message] stays as it was.
func TestGrokSpecMCollective(t *testing.T) {
	const m = "I, [2010-12-29T11:15:32.321744 #11479]  INFO -- : mcollectived:33 The Marionette Collective 1.1.0 started logging at info level"
	runGrokSpecs(t, appsBoth(grokSpec{file: "mcollective", name: "log line", pattern: "MCOLLECTIVE", message: m},
		map[string]string{"timestamp": `"2010-12-29T11:15:32.321744"`, "pid": `"11479"`, "event_level": `"INFO"`, "message": js(m)},
		map[string]string{"timestamp": `"2010-12-29T11:15:32.321744"`, "process": `{"pid":11479}`, "[log][level]": `"INFO"`, "message": js(m)}))
}

// TestGrokSpecMongoDB: spec/patterns/mongodb_spec.rb.
func TestGrokSpecMongoDB(t *testing.T) {
	const (
		f       = "mongodb"
		basic   = "2014-11-03T18:28:32.450-0500 I NETWORK [initandlisten] waiting for connections on port 27017"
		noComp  = "2015-02-24T18:17:47.148+0000 F -        [conn11] Got signal: 11 (Segmentation fault)."
		words   = "2015-04-23T06:57:28.256+0200 I JOURNAL  [journal writer] Journal writer thread started"
		simple  = "2020-08-13T11:58:09.672+0200 I NETWORK  [conn2] end connection 127.0.0.1:41258 (1 connection now open)"
		command = `command config.$cmd command: createIndexes { createIndexes: "system.sessions", ` +
			`indexes: [ { key: { lastUse: 1 }, name: "lsidTTLIndex", expireAfterSeconds: 1800 } ], $db: "config" } ` +
			`numYields:0 reslen:101 locks:{ Global: { acquireCount: { r: 2, w: 2 } }, Database: { acquireCount: { w: 2 } }, ` +
			`Collection: { acquireCount: { w: 1 } } } protocol:op_msg 0ms`
		long   = "2020-08-13T11:57:45.259+0200 I COMMAND  [LogicalSessionCacheRefresh] " + command
		noCtx  = "2015-04-23T07:00:13.864+0200 I CONTROL  Ctrl-C signal"
		slow   = "[conn11485496] query sample.User query: { clientId: 12345 } ntoreturn:0 ntoskip:0 nscanned:287011 keyUpdates:0 numYields: 2 locks(micros) r:4187700 nreturned:18 reslen:14019 2340ms"
		mongo3 = "MONGO3_LOG"
	)
	var specs []grokSpec
	add := func(pattern, name, message string, legacy, ecs map[string]string) []grokSpec {
		s := appsBoth(grokSpec{file: f, name: name, pattern: pattern, message: message}, legacy, ecs)
		specs = append(specs, s...)
		return s
	}
	add(mongo3, "standard message", basic, map[string]string{
		"timestamp": `"2014-11-03T18:28:32.450-0500"`, "severity": `"I"`, "component": `"NETWORK"`, "context": `"initandlisten"`,
		"message": pair(basic, "waiting for connections on port 27017"),
	}, map[string]string{
		"timestamp": `"2014-11-03T18:28:32.450-0500"`, "log": `{"level":"I"}`, "[mongodb][component]": `"NETWORK"`,
		"[mongodb][context]": `"initandlisten"`, "message": pair(basic, "waiting for connections on port 27017"),
	})
	add(mongo3, "missing component", noComp, map[string]string{
		"timestamp": `"2015-02-24T18:17:47.148+0000"`, "component": `"-"`, "severity": `"F"`, "context": `"conn11"`,
		"message": pair(noComp, "Got signal: 11 (Segmentation fault)."),
	}, map[string]string{
		"timestamp": `"2015-02-24T18:17:47.148+0000"`, "log": `{"level":"F"}`, "[mongodb][context]": `"conn11"`,
		"message": pair(noComp, "Got signal: 11 (Segmentation fault)."),
	})
	specs[len(specs)-1].absent = []string{"[mongodb][component]"}
	add(mongo3, "multiwords context", words, map[string]string{
		"timestamp": `"2015-04-23T06:57:28.256+0200"`, "severity": `"I"`, "component": `"JOURNAL"`, "context": `"journal writer"`,
		"[message][1]": `"Journal writer thread started"`,
	}, map[string]string{
		"timestamp": `"2015-04-23T06:57:28.256+0200"`, "log": `{"level":"I"}`, "[mongodb][component]": `"JOURNAL"`,
		"[mongodb][context]": `"journal writer"`, "[message][1]": `"Journal writer thread started"`,
	})
	add(mongo3, "3.6 simple log line", simple, map[string]string{
		"timestamp": `"2020-08-13T11:58:09.672+0200"`, "component": `"NETWORK"`, "context": `"conn2"`,
		"[message][1]": `"end connection 127.0.0.1:41258 (1 connection now open)"`,
	}, map[string]string{
		"timestamp": `"2020-08-13T11:58:09.672+0200"`, "[mongodb][component]": `"NETWORK"`, "[mongodb][context]": `"conn2"`,
		"[message][1]": `"end connection 127.0.0.1:41258 (1 connection now open)"`,
	})
	add(mongo3, "3.6 long log line", long, map[string]string{
		"timestamp": `"2020-08-13T11:57:45.259+0200"`, "component": `"COMMAND"`, "context": `"LogicalSessionCacheRefresh"`,
		"message": pair(long, command),
	}, map[string]string{
		"timestamp": `"2020-08-13T11:57:45.259+0200"`, "[mongodb][component]": `"COMMAND"`,
		"[mongodb][context]": `"LogicalSessionCacheRefresh"`, "message": pair(long, command),
	})
	add(mongo3, "without context", noCtx, map[string]string{
		"timestamp": `"2015-04-23T07:00:13.864+0200"`, "severity": `"I"`, "component": `"CONTROL"`, "message": pair(noCtx, "Ctrl-C signal"),
	}, map[string]string{
		"timestamp": `"2015-04-23T07:00:13.864+0200"`, "log": `{"level":"I"}`, "[mongodb][component]": `"CONTROL"`,
		"message": pair(noCtx, "Ctrl-C signal"),
	})
	specs[len(specs)-2].absent = []string{"context"}
	specs[len(specs)-1].absent = []string{"[mongodb][context]"}
	add("MONGO_SLOWQUERY", "slow query", slow, map[string]string{
		"database": `"sample"`, "collection": `"User"`, "ntoreturn": `"0"`, "ntoskip": `"0"`, "nscanned": `"287011"`, "nreturned": `"18"`,
		"query": `"{ clientId: 12345 }"`, "duration": `"2340"`,
	}, map[string]string{
		"mongodb": `{"database":"sample","collection":"User","query":{"original":"{ clientId: 12345 }"},
			"profile":{"op":"query","ntoreturn":0,"ntoskip":0,"nscanned":287011,"nreturned":18,"duration":2340}}`,
	})
	runGrokSpecs(t, specs)
}

// TestGrokSpecRails3: spec/patterns/rails3_spec.rb.
func TestGrokSpecRails3(t *testing.T) {
	const (
		f      = "rails3"
		single = `Started POST "/api/v3/internal/allowed" for 127.0.0.1 at 2015-08-05 11:37:01 +0200`
		multi  = "Started GET \"/puppet/postfix/notes?target_id=162&target_type=issue&last_fetched_at=1438695732\" for 127.0.0.1 at 2015-08-05 07:40:22 +0200\n" +
			"Processing by Projects::NotesController#index as JSON\n" +
			`  Parameters: {"target_id"=>"162", "target_type"=>"issue", "last_fetched_at"=>"1438695732", "namespace_id"=>"puppet", "project_id"=>"postfix"}` + "\n" +
			"Completed 200 OK in 640ms (Views: 1.7ms | ActiveRecord: 91.0ms)"
		params = `"target_id"=>"162", "target_type"=>"issue", "last_fetched_at"=>"1438695732", "namespace_id"=>"puppet", "project_id"=>"postfix"`
		url    = "/puppet/postfix/notes?target_id=162&target_type=issue&last_fetched_at=1438695732"
	)
	specs := appsBoth(grokSpec{file: f, name: "single-line log", pattern: "RAILS3", message: single}, map[string]string{
		"verb": `"POST"`, "request": `"/api/v3/internal/allowed"`, "clientip": `"127.0.0.1"`, "timestamp": `"2015-08-05 11:37:01 +0200"`,
	}, map[string]string{
		"[http][request]": `{"method":"POST"}`, "source": `{"address":"127.0.0.1"}`, "timestamp": `"2015-08-05 11:37:01 +0200"`,
	})
	m := appsBoth(grokSpec{file: f, name: "multi-line log", pattern: "RAILS3", message: multi}, map[string]string{
		"verb": `"GET"`, "request": js(url), "clientip": `"127.0.0.1"`, "timestamp": `"2015-08-05 07:40:22 +0200"`,
		"controller": `"Projects::NotesController"`, "action": `"index"`, "format": `"JSON"`, "params": js(params),
		"response": `"200"`, "totalms": `"640"`, "viewms": `"1.7"`, "activerecordms": `"91.0"`,
	}, map[string]string{
		"[http][request]": `{"method":"GET"}`, "url": `{"original":` + js(url) + `}`, "source": `{"address":"127.0.0.1"}`,
		"timestamp": `"2015-08-05 07:40:22 +0200"`, "[rails][controller]": `{"class":"Projects::NotesController","action":"index"}`,
		"[rails][request][format]": `"JSON"`, "[rails][request][params]": js(params), "[http][response]": `{"status_code":200}`,
		"[rails][request][duration]": `{"total":640.0,"view":1.7,"active_record":91.0}`,
	})
	m[1].check = appsKindIs(logpipe.KindFloat, "[rails][request][duration][total]", "[rails][request][duration][view]", "[rails][request][duration][active_record]")
	runGrokSpecs(t, append(specs, m...))
}

// TestGrokSpecRedis: spec/patterns/redis_spec.rb. Its last two contexts
// run in the plugin's default mode, which was legacy when they were
// written; their ECS rows are logpipe's, with the fields the ECS
// REDISMONLOG names.
func TestGrokSpecRedis(t *testing.T) {
	const (
		f        = "redis"
		log      = "[4018] 14 Nov 07:01:22.119 * Background saving terminated with success"
		simple   = `1470637867.953466 [0 195.168.1.1:52500] "info"`
		oneParam = `1339518083.107412 [0 127.0.0.1:60866] "keys" "*"`
		twoParam = `1470637925.186681 [0 127.0.0.1:39404] "rpush" "my:special:key" "{\"data\":"cdr\",\"payload\":\"json\"}"`
		twoArgs  = `"my:special:key" "{\"data\":"cdr\",\"payload\":\"json\"}"`
		variadic = `1470637875.777457 [15 195.168.1.1:52500] "intentionally" "broken" "variadic" "log" "entry"`
	)
	var specs []grokSpec
	add := func(pattern, name, message string, legacy, ecs map[string]string) {
		specs = append(specs, appsBoth(grokSpec{file: f, name: name, pattern: pattern, message: message}, legacy, ecs)...)
	}
	add("REDISTIMESTAMP", "timestamp", "14 Nov 07:01:22.119", nil, nil)
	add("REDISLOG", "log line", log, map[string]string{"pid": `"4018"`}, map[string]string{"process": `{"pid":4018}`})
	add("REDISMONLOG", "simple command", simple, map[string]string{
		"timestamp": `"1470637867.953466"`, "database": `"0"`, "client": `"195.168.1.1"`, "port": `"52500"`, "command": `"info"`,
	}, map[string]string{
		"timestamp": `"1470637867.953466"`, "[redis][database]": `{"id":"0"}`, "[client][ip]": `"195.168.1.1"`,
		"[client][port]": `52500`, "[redis][command]": `{"name":"info"}`,
	})
	add("REDISMONLOG", "one param command", oneParam, map[string]string{
		"timestamp": `"1339518083.107412"`, "database": `"0"`, "client": `"127.0.0.1"`, "port": `"60866"`, "command": `"keys"`, "params": `"\"*\""`,
	}, map[string]string{
		"timestamp": `"1339518083.107412"`, "[redis][database]": `{"id":"0"}`, "[client][ip]": `"127.0.0.1"`,
		"[client][port]": `60866`, "[redis][command][name]": `"keys"`, "[redis][command][args]": `"\"*\""`,
	})
	add("REDISMONLOG", "two param command", twoParam, map[string]string{
		"timestamp": `"1470637925.186681"`, "database": `"0"`, "client": `"127.0.0.1"`, "port": `"39404"`, "command": `"rpush"`, "params": js(twoArgs),
	}, map[string]string{
		"timestamp": `"1470637925.186681"`, "[redis][database][id]": `"0"`, "[client][ip]": `"127.0.0.1"`,
		"[client][port]": `39404`, "[redis][command]": `{"name":"rpush","args":` + js(twoArgs) + `}`,
	})
	add("REDISMONLOG", "variadic command", variadic, map[string]string{
		"timestamp": `"1470637875.777457"`, "database": `"15"`, "client": `"195.168.1.1"`, "port": `"52500"`, "command": `"intentionally"`,
		"params": js(`"broken" "variadic" "log" "entry"`),
	}, map[string]string{
		"timestamp": `"1470637875.777457"`, "[redis][database][id]": `"15"`, "[client][ip]": `"195.168.1.1"`, "[client][port]": `52500`,
		"[redis][command]": `{"name":"intentionally","args":` + js(`"broken" "variadic" "log" "entry"`) + `}`,
	})
	runGrokSpecs(t, specs)
}

// TestGrokAppsOwn checks the patterns of these families that Logstash has
// no spec for (POSTGRESQL, RUBY_LOGGER, MCOLLECTIVEAUDIT, MONGO_LOG) with
// lines and expectations of logpipe's own, derived from the definitions.
func TestGrokAppsOwn(t *testing.T) {
	const (
		f     = "logpipe"
		pg    = "2017-11-03 10:15:32 UTC postgres 5a0b1c2d.1f4 1234"
		ruby  = "I, [2014-01-09T20:03:28.269000 #24815]  INFO -- main: hello world"
		audit = "2010-12-29T11:15:32.321744+0100: reqid=1234: caller=cert=admin"
		mongo = "Nov  3 18:28:32 [initandlisten] waiting for connections"
	)
	var specs []grokSpec
	add := func(pattern, name, message string, legacy, ecs map[string]string) {
		specs = append(specs, appsBoth(grokSpec{file: f, name: name, pattern: pattern, message: message}, legacy, ecs)...)
	}
	add("POSTGRESQL", "log line", pg, map[string]string{
		"user_id": `"postgres"`, "connection_id": `"5a0b1c2d.1f4"`, "pid": `"1234"`,
	}, map[string]string{
		"[event][timezone]": `"UTC"`, "user": `{"name":"postgres"}`, "[postgresql][log][connection_id]": `"5a0b1c2d.1f4"`, "process": `{"pid":1234}`,
	})
	add("RUBY_LOGGER", "log line", ruby, map[string]string{
		"timestamp": `"2014-01-09T20:03:28.269000"`, "pid": `"24815"`, "loglevel": `"INFO"`, "progname": `"main"`, "message": pair(ruby, "hello world"),
	}, map[string]string{
		"timestamp": `"2014-01-09T20:03:28.269000"`, "process": `{"pid":24815,"name":"main"}`, "log": `{"level":"INFO"}`, "message": pair(ruby, "hello world"),
	})
	add("MCOLLECTIVEAUDIT", "audit line", audit,
		map[string]string{"timestamp": `"2010-12-29T11:15:32.321744+0100"`},
		map[string]string{"timestamp": `"2010-12-29T11:15:32.321744+0100"`})
	add("MONGO_LOG", "log line", mongo, map[string]string{
		"timestamp": `"Nov  3 18:28:32"`, "component": `"initandlisten"`, "message": pair(mongo, "waiting for connections"),
	}, map[string]string{
		"timestamp": `"Nov  3 18:28:32"`, "mongodb": `{"component":"initandlisten"}`, "message": pair(mongo, "waiting for connections"),
	})
	runGrokSpecs(t, specs)
}

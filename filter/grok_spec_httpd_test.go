package filter

import "testing"

// TestGrokSpecHTTPD: logstash-patterns-core spec/patterns/httpd_spec.rb.
func TestGrokSpecHTTPD(t *testing.T) {
	const (
		typical = `83.149.9.216 - - [24/Feb/2015:23:13:42 +0000] "GET /presentations/logstash-monitorama-2013/images/kibana-search.png HTTP/1.1" 200 203023 "http://semicomplete.com/presentations/logstash-monitorama-2013/" "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.77 Safari/537.36"`
		email   = `10.0.0.1 - username@example.com [07/Apr/2016:18:42:24 +0000] "GET /bar/foo/users/1/username%40example.com/authenticate?token=blargh&client_id=15 HTTP/1.1" 400 75 "" "Mozilla/5.0 (iPad; CPU OS 9_3_1 like Mac OS X) AppleWebKit/601.1.46 (KHTML, like Gecko) Version/9.0 Mobile/13E238 Safari/601.1"`
		options = `83.149.9.216 - a.user [11/Jan/2020:23:05:27 +0100] "OPTIONS /remote.php/ HTTP/1.1" - 7908 "-" "monitoring-client (v2.2)"`
		full24  = `[Mon Aug 31 09:30:48.958285 2015] [proxy_fcgi:error] [pid 28787:tid 140169587934976] (70008)Partial results are valid but processing is incomplete: [client 58.13.45.166:59307] AH01075: Error dispatching request to : (reading input brigade), referer: http://example.com/index.php?id_product=11&controller=product`
		full24m = `Error dispatching request to : (reading input brigade), referer: http://example.com/index.php?id_product=11&controller=product`
		log22   = `[Mon Aug 31 16:27:04 2015] [error] [client 10.17.42.3] Premature end of script headers: example.com`
		short1  = "[Mon Aug 31 07:15:38.664897 2015] [proxy_fcgi:error] [pid 28786:tid 140169629898496] [client 81.139.1.34:52042] AH01071: Got error 'Primary script unknown\n'"
		short2  = `[Thu Apr 27 10:39:46.719636 2017] [php7:notice] [pid 17] [client 10.255.0.3:49580] Test error log record`
		restart = `[Mon Aug 31 06:29:47.406518 2015] [mpm_event:notice] [pid 24968:tid 140169861986176] AH00489: Apache/2.4.16 (Ubuntu) configured -- resuming normal operations`
		cmdline = `[Mon Aug 31 06:29:47.406530 2015] [core:notice] [pid 24968:tid 140169861986176] AH00094: Command line: '/usr/sbin/apache2'`
		nomod   = `[Tue Apr 14 14:27:52.605084 2020] [:error] [pid 5688] [client 192.168.10.110:8196] script '/login/wp-login.php' not found or unable to stat`
		debug   = `[Fri Feb 01 22:03:08.319124 2019] [authz_core:debug] [pid 9:tid 140597881775872] mod_authz_core.c(820): [client 172.17.0.1:50752] AH01626: authorization result of <RequireAny>: granted`
	)
	const f = "httpd"
	specs := []grokSpec{
		{file: f, name: "typical", pattern: "HTTPD_COMBINEDLOG", ecs: true, message: typical, want: map[string]string{
			"http":       `{"request":{"method":"GET","referrer":"http://semicomplete.com/presentations/logstash-monitorama-2013/"},"response":{"body":{"bytes":203023},"status_code":200},"version":"1.1"}`,
			"source":     `{"address":"83.149.9.216"}`,
			"url":        `{"original":"/presentations/logstash-monitorama-2013/images/kibana-search.png"}`,
			"user_agent": `{"original":"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.77 Safari/537.36"}`,
		}},
		{file: f, name: "typical", pattern: "HTTPD_COMBINEDLOG", message: typical, want: map[string]string{
			"clientip": `"83.149.9.216"`, "verb": `"GET"`, "request": `"/presentations/logstash-monitorama-2013/images/kibana-search.png"`,
			"httpversion": `"1.1"`, "response": `"200"`, "bytes": `"203023"`,
			"referrer": js(`"http://semicomplete.com/presentations/logstash-monitorama-2013/"`),
			"agent":    js(`"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/32.0.1700.77 Safari/537.36"`),
		}},
		{file: f, name: "no null fields", pattern: "HTTPD_COMBINEDLOG", ecs: true, message: typical, absent: []string{"user", "apache"}},
		{file: f, name: "no null fields", pattern: "HTTPD_COMBINEDLOG", message: typical, want: map[string]string{"auth": `"-"`, "ident": `"-"`}},
		{file: f, name: "email auth", pattern: "HTTPD_COMBINEDLOG", ecs: true, message: email, want: map[string]string{"user": `{"name":"username@example.com"}`}},
		{file: f, name: "email auth", pattern: "HTTPD_COMBINEDLOG", message: email, want: map[string]string{"auth": `"username@example.com"`}},
		{file: f, name: "OPTIONS", pattern: "HTTPD_COMBINEDLOG", ecs: true, message: options, want: map[string]string{
			"[http][response][body]": `{"bytes":7908}`, "[http][request]": `{"method":"OPTIONS"}`, "[http][version]": `"1.1"`,
			"url": `{"original":"/remote.php/"}`, "user_agent": `{"original":"monitoring-client (v2.2)"}`,
		}},
		{file: f, name: "OPTIONS", pattern: "HTTPD_COMBINEDLOG", message: options, want: map[string]string{
			"verb": `"OPTIONS"`, "request": `"/remote.php/"`, "httpversion": `"1.1"`, "bytes": `"7908"`}},
		{file: f, name: "OPTIONS without status", pattern: "HTTPD_COMBINEDLOG", ecs: true, message: options, absent: []string{"[http][response][status_code]"}},
		{file: f, name: "OPTIONS without status", pattern: "HTTPD_COMBINEDLOG", message: options, absent: []string{"response"}},

		{file: f, name: "full 2.4", pattern: "HTTPD_ERRORLOG", ecs: true, message: full24, want: map[string]string{
			"timestamp": `"Mon Aug 31 09:30:48.958285 2015"`, "log": `{"level":"error"}`,
			"process": `{"pid":28787,"thread":{"id":140169587934976}}`, "source": `{"address":"58.13.45.166","port":59307}`,
			"error":   `{"code":"AH01075"}`,
			"apache":  `{"error":{"module":"proxy_fcgi","proxy":{"error":{"code":"70008","message":"Partial results are valid but processing is incomplete"}}}}`,
			"message": pair(full24, full24m),
		}},
		{file: f, name: "full 2.4", pattern: "HTTPD_ERRORLOG", message: full24, want: map[string]string{
			"timestamp": `"Mon Aug 31 09:30:48.958285 2015"`, "module": `"proxy_fcgi"`, "loglevel": `"error"`, "pid": `"28787"`,
			"tid": `"140169587934976"`, "proxy_errorcode": `"70008"`, "proxy_message": `"Partial results are valid but processing is incomplete"`,
			"clientip": `"58.13.45.166"`, "clientport": `"59307"`, "errorcode": `"AH01075"`, "message": pair(full24, full24m),
		}},
		{file: f, name: "2.2", pattern: "HTTPD_ERRORLOG", ecs: true, message: log22, absent: []string{"error"}, want: map[string]string{
			"timestamp": `"Mon Aug 31 16:27:04 2015"`, "log": `{"level":"error"}`, "source": `{"address":"10.17.42.3"}`,
			"message": pair(log22, "Premature end of script headers: example.com"),
		}},
		{file: f, name: "2.2", pattern: "HTTPD_ERRORLOG", message: log22, absent: []string{"errorcode"}, want: map[string]string{
			"timestamp": `"Mon Aug 31 16:27:04 2015"`, "loglevel": `"error"`, "clientip": `"10.17.42.3"`,
			"message": pair(log22, "Premature end of script headers: example.com"),
		}},
		{file: f, name: "short 2.4 (1)", pattern: "HTTPD_ERRORLOG", ecs: true, message: short1, want: map[string]string{
			"timestamp": `"Mon Aug 31 07:15:38.664897 2015"`, "apache": `{"error":{"module":"proxy_fcgi"}}`, "log": `{"level":"error"}`,
			"process": `{"pid":28786,"thread":{"id":140169629898496}}`, "source": `{"address":"81.139.1.34","port":52042}`,
			"error": `{"code":"AH01071"}`, "message": pair(short1, "Got error 'Primary script unknown\n'"),
		}},
		{file: f, name: "short 2.4 (1)", pattern: "HTTPD_ERRORLOG", message: short1, want: map[string]string{
			"timestamp": `"Mon Aug 31 07:15:38.664897 2015"`, "module": `"proxy_fcgi"`, "loglevel": `"error"`, "pid": `"28786"`,
			"tid": `"140169629898496"`, "clientip": `"81.139.1.34"`, "clientport": `"52042"`, "errorcode": `"AH01071"`,
			"message": pair(short1, "Got error 'Primary script unknown\n'"),
		}},
		{file: f, name: "short 2.4 (2)", pattern: "HTTPD_ERRORLOG", ecs: true, message: short2, want: map[string]string{
			"timestamp": `"Thu Apr 27 10:39:46.719636 2017"`, "apache": `{"error":{"module":"php7"}}`, "log": `{"level":"notice"}`,
			"process": `{"pid":17}`, "source": `{"port":49580,"address":"10.255.0.3"}`, "message": pair(short2, "Test error log record"),
		}},
		{file: f, name: "short 2.4 (2)", pattern: "HTTPD_ERRORLOG", message: short2, want: map[string]string{
			"timestamp": `"Thu Apr 27 10:39:46.719636 2017"`, "module": `"php7"`, "loglevel": `"notice"`, "pid": `"17"`,
			"clientip": `"10.255.0.3"`, "clientport": `"49580"`, "message": pair(short2, "Test error log record"),
		}},
		{file: f, name: "restart (1)", pattern: "HTTPD_ERRORLOG", ecs: true, message: restart, want: map[string]string{
			"timestamp": `"Mon Aug 31 06:29:47.406518 2015"`, "apache": `{"error":{"module":"mpm_event"}}`, "log": `{"level":"notice"}`,
			"process": `{"pid":24968,"thread":{"id":140169861986176}}`, "error": `{"code":"AH00489"}`,
			"message": pair(restart, "Apache/2.4.16 (Ubuntu) configured -- resuming normal operations"),
		}},
		{file: f, name: "restart (1)", pattern: "HTTPD_ERRORLOG", message: restart, want: map[string]string{
			"timestamp": `"Mon Aug 31 06:29:47.406518 2015"`, "module": `"mpm_event"`, "loglevel": `"notice"`, "pid": `"24968"`,
			"tid": `"140169861986176"`, "errorcode": `"AH00489"`,
			"message": pair(restart, "Apache/2.4.16 (Ubuntu) configured -- resuming normal operations"),
		}},
		{file: f, name: "restart (2)", pattern: "HTTPD_ERRORLOG", ecs: true, message: cmdline, want: map[string]string{
			"timestamp": `"Mon Aug 31 06:29:47.406530 2015"`, "apache": `{"error":{"module":"core"}}`, "log": `{"level":"notice"}`,
			"process": `{"pid":24968,"thread":{"id":140169861986176}}`, "error": `{"code":"AH00094"}`,
			"message": pair(cmdline, "Command line: '/usr/sbin/apache2'"),
		}},
		{file: f, name: "restart (2)", pattern: "HTTPD_ERRORLOG", message: cmdline, want: map[string]string{
			"timestamp": `"Mon Aug 31 06:29:47.406530 2015"`, "module": `"core"`, "loglevel": `"notice"`, "pid": `"24968"`,
			"tid": `"140169861986176"`, "errorcode": `"AH00094"`, "message": pair(cmdline, "Command line: '/usr/sbin/apache2'"),
		}},
		{file: f, name: "without module", pattern: "HTTPD_ERRORLOG", ecs: true, message: nomod, absent: []string{"[apache][error][module]"}, want: map[string]string{
			"timestamp": `"Tue Apr 14 14:27:52.605084 2020"`, "log": `{"level":"error"}`, "process": `{"pid":5688}`,
		}},
		{file: f, name: "without module", pattern: "HTTPD_ERRORLOG", message: nomod, want: map[string]string{
			"timestamp": `"Tue Apr 14 14:27:52.605084 2020"`, "loglevel": `"error"`, "pid": `"5688"`,
		}},
		// The ECS variant of "a debug message" is pending in Logstash's spec.
		{file: f, name: "debug", pattern: "HTTPD_ERRORLOG", message: debug, want: map[string]string{
			"timestamp": `"Fri Feb 01 22:03:08.319124 2019"`, "module": `"authz_core"`, "loglevel": `"debug"`, "pid": `"9"`,
			"tid": `"140597881775872"`, "errorcode": `"mod_authz_core.c(820)"`,
			"message": pair(debug, "[client 172.17.0.1:50752] AH01626: authorization result of <RequireAny>: granted"),
		}},
	}
	runGrokSpecs(t, specs)
}

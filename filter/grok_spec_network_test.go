package filter

import (
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
)

// The network families of logstash-patterns-core: spec/patterns/
// haproxy_spec.rb, aws_spec.rb, squid_spec.rb, bind_spec.rb and
// bro_spec.rb (which also holds the ZEEK_* specs), in legacy and ECS mode.
// Each "it" block is one grokSpec row per mode it asserts in.

// TestGrokSpecHAProxy: spec/patterns/haproxy_spec.rb.
func TestGrokSpecHAProxy(t *testing.T) {
	const (
		raw      = `Dec  9 13:01:26 localhost haproxy[28029]: 127.0.0.1:39759 [09/Dec/2013:12:59:46.633] loadbalancer default/instance8 0/51536/1/48082/99627 200 83285 - - ---- 87/87/87/1/0 0/67 {77.24.148.74} "GET /path/to/image HTTP/1.1"`
		iso      = `2015-08-26T02:09:48+02:00 localhost haproxy[14389]: 5.196.2.38:39527 [03/Nov/2015:06:25:25.105] services~ def/api 4599/0/0/428/5027 304 320 - - ---- 1/1/0/1/0 0/0 "GET /component---src-pages-index-js-4b15624544f97cf0bb8f.js HTTP/1.1"`
		headers  = `Jul 30 09:03:52 home.host haproxy[32450]: 1.2.3.4:38862 [30/Jul/2018:09:03:52.726] incoming~ docs_microservice/docs 0/0/1/0/2 304 168 - - ---- 6/6/0/0/0 0/0 {docs.example.internal||} {|||} "GET http://192.168.0.12:8080/serv/login.php?lang=en&profile=2 HTTP/1.1"`
		badreq   = `Jul 18 17:05:30 localhost haproxy[8247]: 188.223.50.7:51940 [18/Jul/2011:17:05:24.339] http_proxy_ads http_proxy_ads/<NOSRV> -1/-1/-1/-1/6001 408 212 - - cR-- 100/89/0/0/0 0/0 "<BADREQ>"`
		nosyslog = `127.0.0.1:39759 [09/Dec/2013:12:59:46.633] loadbalancer default/instance8 0/51536/1/48082/+99627 200 83285 - - ---- 87/87/87/1/0 0/67 {77.24.148.74} "GET / HTTP/1.1"`
		connect  = `Nov  4 08:32:18 debian10 haproxy[3666]: 127.0.0.1:34500 [04/Nov/2020:08:32:18.194] samplefrontend backendnodes/node1 0/0/0/0/0 405 501 - - ---- 1/1/0/1/0 0/0 "CONNECT localhost:8080 HTTP/1.1"`
		tcp      = `Sep 20 15:44:23 127.0.0.1 haproxy[25457]: 127.0.0.1:40962 [20/Sep/2018:15:44:23.285] main app/<NOSRV> -1/-1/1 212 SC 1/1/0/0/0 0/0`
	)
	// The truncated request line: HAProxy cuts the line at 1024 bytes, so
	// neither the HTTP version nor the closing quote is there.
	longPath := "/path/to/request/that/exceeds/more/than/1024/character" + strings.Repeat("s", 800)
	truncated := `Jul 31 22:20:22 loadbalancer haproxy[1190]: 203.0.113.54:59968 [31/Jul/2017:22:20:22.447] loadbalancer default/instance8 135/0/1/19/156 200 1015 - - --VR 8/8/0/0/0 0/0 "GET ` + longPath

	const f = "haproxy"
	runGrokSpecs(t, []grokSpec{
		{file: f, name: "raw syslog line", pattern: "HAPROXYHTTP", ecs: true, message: raw, want: map[string]string{
			"timestamp":                              `"Dec  9 13:01:26"`,
			"host":                                   `{"hostname":"localhost"}`,
			"process":                                `{"pid":28029,"name":"haproxy"}`,
			"source":                                 `{"port":39759,"address":"127.0.0.1","bytes":83285}`,
			"[haproxy][request_date]":                `"09/Dec/2013:12:59:46.633"`,
			"[haproxy][frontend_name]":               `"loadbalancer"`,
			"[haproxy][backend_name]":                `"default"`,
			"[haproxy][server_name]":                 `"instance8"`,
			"[haproxy][total_waiting_time_ms]":       `51536`,
			"[haproxy][connection_wait_time_ms]":     `1`,
			"[haproxy][total_time_ms]":               `"99627"`,
			"[haproxy][http][request][time_wait_ms]": `0`,
			"[haproxy][http][request][time_wait_without_data_ms]": `48082`,
			"[http][response]":             `{"status_code":200}`,
			"[haproxy][termination_state]": `"----"`,
			"[haproxy][connections]":       `{"active":87,"frontend":87,"backend":87,"server":1,"retries":0}`,
			"[haproxy][backend_queue]":     `67`,
			"[haproxy][server_queue]":      `0`,
			"[http][request]":              `{"method":"GET"}`,
			"[http][version]":              `"1.1"`,
			"url":                          `{"original":"/path/to/image","path":"/path/to/image"}`,
		}},
		{file: f, name: "raw syslog line", pattern: "HAPROXYHTTP", message: raw, want: map[string]string{
			"syslog_timestamp": `"Dec  9 13:01:26"`, "syslog_server": `"localhost"`,
			"http_request": `"/path/to/image"`, "http_status_code": `"200"`, "http_verb": `"GET"`, "http_version": `"1.1"`,
			"program": `"haproxy"`, "client_ip": `"127.0.0.1"`, "server_name": `"instance8"`,
		}},
		{file: f, name: "no captured cookies", pattern: "HAPROXYHTTP", ecs: true, message: raw,
			absent: []string{"[haproxy][http][request][captured_cookie]", "[haproxy][http][response][captured_cookie]"}},
		{file: f, name: "header captures", pattern: "HAPROXYHTTP", ecs: true, message: raw,
			want:   map[string]string{"[haproxy][http][request][captured_headers]": `"77.24.148.74"`},
			absent: []string{"[haproxy][http][response][captured_headers]"}},
		{file: f, name: "message field", pattern: "HAPROXYHTTP", ecs: true, message: raw, check: messageContains("loadbalancer default/instance8")},
		{file: f, name: "message field", pattern: "HAPROXYHTTP", message: raw, check: messageContains("loadbalancer default/instance8")},

		{file: f, name: "ISO8601 without headers", pattern: "HAPROXYHTTP", ecs: true, message: iso, want: map[string]string{
			"timestamp":                `"2015-08-26T02:09:48+02:00"`,
			"host":                     `{"hostname":"localhost"}`,
			"process":                  `{"pid":14389,"name":"haproxy"}`,
			"[haproxy][connections]":   `{"active":1,"frontend":1,"backend":0,"server":1,"retries":0}`,
			"[haproxy][backend_queue]": `0`, "[haproxy][server_queue]": `0`,
			"[haproxy][frontend_name]": `"services~"`,
			"http":                     `{"response":{"status_code":304},"version":"1.1","request":{"method":"GET"}}`,
			"[url][path]":              `"/component---src-pages-index-js-4b15624544f97cf0bb8f.js"`,
		}},
		{file: f, name: "ISO8601 without headers", pattern: "HAPROXYHTTP", message: iso, want: map[string]string{
			"program": `"haproxy"`, "client_ip": `"5.196.2.38"`, "http_verb": `"GET"`, "server_name": `"api"`,
		}},
		{file: f, name: "no header captures", pattern: "HAPROXYHTTP", ecs: true, message: iso,
			absent: []string{"[haproxy][http][request][captured_headers]", "[haproxy][http][response][captured_headers]"}},

		{file: f, name: "request and response headers", pattern: "HAPROXYHTTP", ecs: true, message: headers, want: map[string]string{
			"timestamp":                `"Jul 30 09:03:52"`,
			"host":                     `{"hostname":"home.host"}`,
			"[haproxy][frontend_name]": `"incoming~"`,
			"http":                     `{"response":{"status_code":304},"version":"1.1","request":{"method":"GET"}}`,
			"[url][scheme]":            `"http"`, "[url][domain]": `"192.168.0.12"`, "[url][port]": `8080`,
			"[url][path]": `"/serv/login.php"`, "[url][query]": `"lang=en&profile=2"`,
			"[url][original]": `"http://192.168.0.12:8080/serv/login.php?lang=en&profile=2"`,
		}},
		{file: f, name: "request and response headers", pattern: "HAPROXYHTTP", message: headers, want: map[string]string{
			"client_ip": `"1.2.3.4"`, "http_verb": `"GET"`}},
		{file: f, name: "header captures (both)", pattern: "HAPROXYHTTP", ecs: true, message: headers, want: map[string]string{
			"[haproxy][http][request][captured_headers]":  `"docs.example.internal||"`,
			"[haproxy][http][response][captured_headers]": `"|||"`,
		}},

		{file: f, name: "BADREQ/NOSRV", pattern: "HAPROXYHTTP", ecs: true, message: badreq, want: map[string]string{
			"timestamp":                    `"Jul 18 17:05:30"`,
			"[haproxy][frontend_name]":     `"http_proxy_ads"`,
			"[haproxy][backend_name]":      `"http_proxy_ads"`,
			"http":                         `{"response":{"status_code":408}}`,
			"[haproxy][total_time_ms]":     `"6001"`,
			"[source][bytes]":              `212`,
			"[haproxy][termination_state]": `"cR--"`,
		}, absent: []string{"[haproxy][server_name]", "[haproxy][total_waiting_time_ms]", "[haproxy][connection_wait_time_ms]", "url"}},
		{file: f, name: "BADREQ/NOSRV", pattern: "HAPROXYHTTP", message: badreq, want: map[string]string{
			"backend_name": `"http_proxy_ads"`, "frontend_name": `"http_proxy_ads"`, "server_name": `"<NOSRV>"`,
			"http_status_code":     `"408"`,
			"time_backend_connect": `"-1"`, "time_queue": `"-1"`, "time_backend_response": `"-1"`,
			"captured_request_cookie": `"-"`, "captured_response_cookie": `"-"`,
			"bytes_read": `"212"`, "termination_state": `"cR--"`,
		}},

		{file: f, name: "without syslog entries", pattern: "HAPROXYHTTPBASE", ecs: true, message: nosyslog, want: map[string]string{
			"source":                   `{"port":39759,"address":"127.0.0.1","bytes":83285}`,
			"[haproxy][server_queue]":  `0`,
			"[haproxy][http]":          `{"request":{"time_wait_ms":0,"captured_headers":"77.24.148.74","time_wait_without_data_ms":48082}}`,
			"[haproxy][total_time_ms]": `"+99627"`,
			"url":                      `{"path":"/","original":"/"}`,
		}},
		{file: f, name: "without syslog entries", pattern: "HAPROXYHTTPBASE", message: nosyslog, want: map[string]string{
			"client_ip": `"127.0.0.1"`, "server_name": `"instance8"`,
			"http_verb": `"GET"`, "http_request": `"/"`, "http_version": `"1.1"`, "time_duration": `"+99627"`,
		}},
		{file: f, name: "truncated request line", pattern: "HAPROXYHTTPBASE", ecs: true, message: truncated, want: map[string]string{
			"http":            `{"response":{"status_code":200},"request":{"method":"GET"}}`,
			"[url][original]": js(longPath),
		}},
		{file: f, name: "truncated request line", pattern: "HAPROXYHTTPBASE", message: truncated, want: map[string]string{
			"client_ip": `"203.0.113.54"`, "http_verb": `"GET"`, "server_name": `"instance8"`, "http_request": js(longPath),
		}, absent: []string{"http_version"}},
		{file: f, name: "CONNECT host:port", pattern: "HAPROXYHTTPBASE", ecs: true, message: connect, want: map[string]string{
			"[http][request]": `{"method":"CONNECT"}`,
			"url":             `{"port":8080,"original":"localhost:8080","domain":"localhost"}`,
		}},
		{file: f, name: "CONNECT host:port", pattern: "HAPROXYHTTPBASE", message: connect, want: map[string]string{
			"http_verb": `"CONNECT"`, "http_host": `"localhost:8080"`}},

		{file: f, name: "tcplog", pattern: "HAPROXYTCP", ecs: true, message: tcp, want: map[string]string{
			"timestamp": `"Sep 20 15:44:23"`,
			"host":      `{"hostname":"127.0.0.1"}`,
			"process":   `{"pid":25457,"name":"haproxy"}`,
			"source":    `{"port":40962,"address":"127.0.0.1","bytes":212}`,
			"haproxy": `{"request_date":"20/Sep/2018:15:44:23.285","frontend_name":"main","backend_name":"app","total_time_ms":"1",` +
				`"termination_state":"SC","connections":{"active":1,"backend":0,"retries":0,"server":0,"frontend":1},"server_queue":0,"backend_queue":0}`,
		}},
		{file: f, name: "tcplog", pattern: "HAPROXYTCP", message: tcp, want: map[string]string{
			"syslog_timestamp": `"Sep 20 15:44:23"`, "syslog_server": `"127.0.0.1"`, "program": `"haproxy"`, "pid": `"25457"`,
			"client_ip": `"127.0.0.1"`, "client_port": `"40962"`, "accept_date": `"20/Sep/2018:15:44:23.285"`,
			"frontend_name": `"main"`, "backend_name": `"app"`, "server_name": `"<NOSRV>"`,
			"time_backend_connect": `"-1"`, "time_queue": `"-1"`, "time_duration": `"1"`, "bytes_read": `"212"`,
			"termination_state": `"SC"`, "actconn": `"1"`, "feconn": `"1"`, "beconn": `"0"`, "backend_queue": `"0"`,
			"retries": `"0"`, "srv_queue": `"0"`, "srvconn": `"0"`,
		}},
	})
}

// messageContains checks that [message] (a string, or the array grok makes
// when a pattern also captures into message) has an element containing s.
func messageContains(s string) func(t *testing.T, e *logpipe.Event) {
	return func(t *testing.T, e *logpipe.Event) {
		t.Helper()
		v, ok := e.Get(logpipe.MustPath("message"))
		if !ok || !strings.Contains(v.String(), s) {
			t.Errorf("message = %s, want it to include %q", v, s)
		}
	}
}

// TestGrokSpecAWS: spec/patterns/aws_spec.rb.
func TestGrokSpecAWS(t *testing.T) {
	const (
		elb        = `2014-02-15T23:39:43.945958Z my-test-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1"`
		elbPut     = `2015-04-10T08:11:09.865823Z us-west-1-production-media 49.150.87.133:55128 - -1 -1 -1 408 - 1294336 0 "PUT https://media.xxxyyyzzz.com:443/videos/F4_M-T4X0MM6Hvy1PFHesw HTTP/1.1"`
		elbHTTPS   = `2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000086 0.001048 0.001337 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.38.0 (#56-0ef1d4a5)" DHE-RSA-AES128-SHA TLSv1.2`
		elbHTTPSNo = `2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000086 0.001048 0.001337 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "-" - -`
		s3Ver      = `79a5 mybucket [06/Feb/2014:00:00:38 +0000] 192.0.2.3 79a5 3E57427F3EXAMPLE REST.GET.VERSIONING - "GET /mybucket?versioning HTTP/1.1" 200 - 113 - 7 - "-" "S3Console/0.4" -`
		s3Obj      = `79a5 mybucket [12/May/2014:07:54:01 +0000] 10.0.1.2 - 7ACC4BE89EXAMPLE REST.GET.OBJECT foo/bar.html "GET /foo/bar.html HTTP/1.1" 304 - - 1718 10 - "-" "Mozilla/5.0" -`
		s3Long     = `79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be awsexamplebucket1 [06/Feb/2019:00:00:38 +0000] ` +
			`192.0.2.3 arn:aws:iam::123456:user/test@elastic.co A1206F460EXAMPLE REST.GET.BUCKETPOLICY - ` +
			`"GET /awsexamplebucket1?policy HTTP/1.1" 404 NoSuchBucketPolicy 297 - 38 12 "-" ` +
			`"AWS-Support-TrustedAdvisor, aws-internal/3 aws-sdk-java/1.11.590 Linux/4.9.137-0.1.ac.218.74.329.metal1.x86_64" - ` +
			`BNaBsXZQQDbssi6xMBdBU2sLt+Yf5kZDmeBUP35sFoKa3sLLeMC78iwEIWxs99CRUrbS4n11234= SigV2 ECDHE-RSA-AES128-GCM-SHA256 ` +
			`AuthHeader awsexamplebucket1.s3.us-west-1.amazonaws.com TLSV1.1`
		s3Agent = "AWS-Support-TrustedAdvisor, aws-internal/3 aws-sdk-java/1.11.590 Linux/4.9.137-0.1.ac.218.74.329.metal1.x86_64"
		cf      = "2016-06-10\t18:41:39\tIAD53\t224281\t192.168.1.1\tGET\td27enomp470abc.cloudfront.net\t/content/sample/thing.pdf\t200\thttps://example.com/\t" +
			"Mozilla/5.0%2520(Windows%2520NT%25206.1;%2520WOW64)%2520AppleWebKit/537.36%2520(KHTML,%2520like%2520Gecko)%2520Chrome/51.0.2704.79%2520Safari/537.36\t-\t-\tMiss\t" +
			"UGskZ6dUKY7b4C6Pt7wAWVsU2KO-vTRe-mR4r9H-WQMjhNvY6w1Xcg==\thost.example.com\thttps\t883\t0.036\t-\tTLSv1.2\tECDHE-RSA-AES128-GCM-SHA256\tRefreshHit"
		cfAgent = "Mozilla/5.0%2520(Windows%2520NT%25206.1;%2520WOW64)%2520AppleWebKit/537.36%2520(KHTML,%2520like%2520Gecko)%2520Chrome/51.0.2704.79%2520Safari/537.36"
		cf10    = "2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\t" +
			"Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/78.0.3904.108%20Safari/537.36\t-\t-\tHit\t" +
			"SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\td111111abcdef8.cloudfront.net\thttps\t23\t0.001\t-\tTLSv1.2\tECDHE-RSA-AES128-GCM-SHA256\tHit\t" +
			"HTTP/2.0\t-\t-\t11040\t0.001\tHit\ttext/html\t78\t-\t-"
		cf10Agent = "Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/78.0.3904.108%20Safari/537.36"
	)
	const f = "aws"
	// One row per "it" block; the S3 "it { should include(...) }" one-liners
	// of a context are gathered into one row per mode.
	runGrokSpecs(t, []grokSpec{
		{file: f, name: "ELB access log", pattern: "ELB_ACCESS_LOG", ecs: true, message: elb, want: map[string]string{
			"timestamp": `"2014-02-15T23:39:43.945958Z"`,
			"aws": `{"elb":{"name":"my-test-loadbalancer","request_processing_time":{"sec":0.000073},"response_processing_time":{"sec":0.000057},` +
				`"backend_processing_time":{"sec":0.001048},"backend":{"ip":"10.0.0.1","port":80,"http":{"response":{"status_code":200}}}}}`,
			"http":   `{"request":{"body":{"bytes":0},"method":"GET"},"response":{"body":{"bytes":29},"status_code":200},"version":"1.1"}`,
			"source": `{"ip":"192.168.131.39","port":2817}`,
			"url":    `{"original":"http://www.example.com:80/","port":80,"path":"/","domain":"www.example.com","scheme":"http"}`,
		}},
		{file: f, name: "ELB access log", pattern: "ELB_ACCESS_LOG", message: elb, want: map[string]string{
			"timestamp": `"2014-02-15T23:39:43.945958Z"`,
			"elb":       `"my-test-loadbalancer"`, "clientip": `"192.168.131.39"`, "clientport": `2817`,
			"backendip": `"10.0.0.1"`, "backendport": `80`,
			"request_processing_time": `0.000073`, "backend_processing_time": `0.001048`, "response_processing_time": `0.000057`,
			"response": `200`, "backend_response": `200`, "received_bytes": `0`, "bytes": `29`,
			"verb": `"GET"`, "request": `"http://www.example.com:80/"`, "proto": `"http"`, "httpversion": `"1.1"`,
			"urihost": `"www.example.com:80"`, "path": `"/"`,
		}},
		{file: f, name: "ELB tags and params nil", pattern: "ELB_ACCESS_LOG", ecs: true, message: elb, absent: []string{"tags", "params"}},
		{file: f, name: "ELB tags and params nil", pattern: "ELB_ACCESS_LOG", message: elb, absent: []string{"tags", "params"}},
		{file: f, name: "ELB PUT without backend", pattern: "ELB_ACCESS_LOG", ecs: true, message: elbPut, want: map[string]string{
			"timestamp": `"2015-04-10T08:11:09.865823Z"`,
			"url":       `{"original":"https://media.xxxyyyzzz.com:443/videos/F4_M-T4X0MM6Hvy1PFHesw","scheme":"https","port":443,"path":"/videos/F4_M-T4X0MM6Hvy1PFHesw","domain":"media.xxxyyyzzz.com"}`,
			"source":    `{"port":55128,"ip":"49.150.87.133"}`,
			"http":      `{"request":{"method":"PUT","body":{"bytes":1294336}},"version":"1.1","response":{"body":{"bytes":0},"status_code":408}}`,
			"aws":       `{"elb":{"name":"us-west-1-production-media"}}`,
		}},
		{file: f, name: "ELB PUT without backend", pattern: "ELB_ACCESS_LOG", message: elbPut, want: map[string]string{
			"timestamp": `"2015-04-10T08:11:09.865823Z"`,
			"elb":       `"us-west-1-production-media"`, "clientip": `"49.150.87.133"`, "clientport": `55128`,
			"response_processing_time": `-1.0`, "request_processing_time": `-1.0`, "backend_processing_time": `-1.0`,
			"response": `408`, "received_bytes": `1294336`, "bytes": `0`, "verb": `"PUT"`,
			"request": `"https://media.xxxyyyzzz.com:443/videos/F4_M-T4X0MM6Hvy1PFHesw"`,
			"port":    `"443"`, "proto": `"https"`, "path": `"/videos/F4_M-T4X0MM6Hvy1PFHesw"`, "urihost": `"media.xxxyyyzzz.com:443"`,
			"httpversion": `"1.1"`,
		}, absent: []string{"backendip", "backendport", "backendresponse"}},
		{file: f, name: "ELB https suffix fields", pattern: "ELB_ACCESS_LOG", ecs: true, message: elbHTTPS, want: map[string]string{
			"tls":                      `{"cipher":"DHE-RSA-AES128-SHA"}`,
			"[aws][elb][ssl_protocol]": `"TLSv1.2"`,
			"user_agent":               `{"original":"curl/7.38.0 (#56-0ef1d4a5)"}`,
		}},
		{file: f, name: "ELB https suffix fields missing", pattern: "ELB_ACCESS_LOG", ecs: true, message: elbHTTPSNo,
			absent: []string{"tls", "[aws][elb][ssl_protocol]", "user_agent"}},

		{file: f, name: "S3 GET.VERSIONING", pattern: "S3_ACCESS_LOG", message: s3Ver, want: map[string]string{
			"owner": `"79a5"`, "bucket": `"mybucket"`, "timestamp": `"06/Feb/2014:00:00:38 +0000"`, "clientip": `"192.0.2.3"`,
			"requester": `"79a5"`, "request_id": `"3E57427F3EXAMPLE"`, "operation": `"REST.GET.VERSIONING"`, "key": `"-"`,
			"verb": `"GET"`, "request": `"/mybucket?versioning"`, "httpversion": `"1.1"`, "response": `200`, "bytes": `113`,
			"request_time_ms": `7`, "referrer": js(`"-"`), "agent": js(`"S3Console/0.4"`),
		}, absent: []string{"tags", "error_code", "object_size", "turnaround_time_ms", "version_id"}},
		// The ECS rows of this context only assert that tags and the legacy
		// names are absent ("unless ecs_compatibility?" skips the rest).
		{file: f, name: "S3 GET.VERSIONING", pattern: "S3_ACCESS_LOG", ecs: true, message: s3Ver,
			absent: []string{"tags", "error_code", "object_size", "turnaround_time_ms", "version_id"}},
		{file: f, name: "S3 GET.OBJECT", pattern: "S3_ACCESS_LOG", ecs: true, message: s3Obj, want: map[string]string{
			"[aws][s3access][bucket_owner]": `"79a5"`, "timestamp": `"12/May/2014:07:54:01 +0000"`,
			"client": `{"ip":"10.0.1.2"}`, "[aws][s3access][key]": `"foo/bar.html"`, "user_agent": `{"original":"Mozilla/5.0"}`,
		}},
		{file: f, name: "S3 GET.OBJECT", pattern: "S3_ACCESS_LOG", message: s3Obj, want: map[string]string{
			"owner": `"79a5"`, "bucket": `"mybucket"`, "timestamp": `"12/May/2014:07:54:01 +0000"`, "clientip": `"10.0.1.2"`,
			"requester": `"-"`, "request_id": `"7ACC4BE89EXAMPLE"`, "operation": `"REST.GET.OBJECT"`, "key": `"foo/bar.html"`,
			"verb": `"GET"`, "request": `"/foo/bar.html"`, "httpversion": `"1.1"`, "response": `304`, "object_size": `1718`,
			"request_time_ms": `10`, "referrer": js(`"-"`), "agent": js(`"Mozilla/5.0"`),
		}, absent: []string{"tags", "error_code", "turnaround_time_ms", "version_id", "bytes"}},
		{file: f, name: "S3 long line", pattern: "S3_ACCESS_LOG", ecs: true, message: s3Long, want: map[string]string{
			"client": `{"ip":"192.0.2.3","user":{"id":"arn:aws:iam::123456:user/test@elastic.co"}}`,
			"http":   `{"request":{"method":"GET"},"version":"1.1","response":{"status_code":404}}`,
			"url":    `{"original":"/awsexamplebucket1?policy"}`,
			"aws": `{"s3access":{"bucket_owner":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be","bucket":"awsexamplebucket1",` +
				`"request_id":"A1206F460EXAMPLE","operation":"REST.GET.BUCKETPOLICY","turn_around_time":12,"bytes_sent":297,` +
				`"request_uri":"GET /awsexamplebucket1?policy HTTP/1.1","error_code":"NoSuchBucketPolicy","total_time":38,` +
				`"host_id":"BNaBsXZQQDbssi6xMBdBU2sLt+Yf5kZDmeBUP35sFoKa3sLLeMC78iwEIWxs99CRUrbS4n11234=","signature_version":"SigV2",` +
				`"authentication_type":"AuthHeader","host_header":"awsexamplebucket1.s3.us-west-1.amazonaws.com","tls_version":"TLSV1.1"}}`,
			"tls":        `{"cipher":"ECDHE-RSA-AES128-GCM-SHA256"}`,
			"user_agent": `{"original":` + js(s3Agent) + `}`,
		}},
		{file: f, name: "S3 long line", pattern: "S3_ACCESS_LOG", message: s3Long, want: map[string]string{
			"owner": `"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"`, "bucket": `"awsexamplebucket1"`,
			"timestamp": `"06/Feb/2019:00:00:38 +0000"`, "clientip": `"192.0.2.3"`, "requester": `"arn:aws:iam::123456:user/test@elastic.co"`,
			"request_id": `"A1206F460EXAMPLE"`, "operation": `"REST.GET.BUCKETPOLICY"`, "key": `"-"`, "verb": `"GET"`,
			"request": `"/awsexamplebucket1?policy"`, "httpversion": `"1.1"`, "response": `404`, "error_code": `"NoSuchBucketPolicy"`,
			"bytes": `297`, "request_time_ms": `38`, "turnaround_time_ms": `12`, "referrer": js(`"-"`), "agent": js(`"` + s3Agent + `"`),
		}, absent: []string{"object_size"}},

		{file: f, name: "CloudFront", pattern: "CLOUDFRONT_ACCESS_LOG", ecs: true, message: cf, want: map[string]string{
			"timestamp":                             js("2016-06-10\t18:41:39"),
			"[aws][cloudfront][x_edge_location]":    `"IAD53"`,
			"destination":                           `{"bytes":224281}`,
			"source":                                `{"ip":"192.168.1.1","bytes":883}`,
			"http":                                  `{"request":{"method":"GET","referrer":"https://example.com/"},"response":{"status_code":200}}`,
			"user_agent":                            `{"original":` + js(cfAgent) + `}`,
			"url":                                   `{"domain":"d27enomp470abc.cloudfront.net","path":"/content/sample/thing.pdf"}`,
			"[aws][cloudfront][x_edge_result_type]": `"Miss"`,
			"[aws][cloudfront][x_edge_request_id]":  `"UGskZ6dUKY7b4C6Pt7wAWVsU2KO-vTRe-mR4r9H-WQMjhNvY6w1Xcg=="`,
			"network":                               `{"protocol":"https"}`,
			"[aws][cloudfront][http]":               `{"request":{"host":"host.example.com"}}`,
			"[aws][cloudfront][time_taken]":         `0.036`,
			"[aws][cloudfront][ssl_protocol]":       `"TLSv1.2"`,
			"tls":                                   `{"cipher":"ECDHE-RSA-AES128-GCM-SHA256"}`,
			"[aws][cloudfront][x_edge_response_result_type]": `"RefreshHit"`,
		}},
		{file: f, name: "CloudFront", pattern: "CLOUDFRONT_ACCESS_LOG", message: cf, want: map[string]string{
			"timestamp":       js("2016-06-10\t18:41:39"),
			"x_edge_location": `"IAD53"`, "sc_bytes": `224281`, "clientip": `"192.168.1.1"`, "cs_method": `"GET"`,
			"cs_host": `"d27enomp470abc.cloudfront.net"`, "cs_uri_stem": `"/content/sample/thing.pdf"`, "sc_status": `200`,
			"referrer": `"https://example.com/"`, "agent": js(cfAgent), "cs_uri_query": `"-"`, "cookies": `"-"`,
			"x_edge_result_type": `"Miss"`, "x_edge_request_id": `"UGskZ6dUKY7b4C6Pt7wAWVsU2KO-vTRe-mR4r9H-WQMjhNvY6w1Xcg=="`,
			"x_host_header": `"host.example.com"`, "cs_protocol": `"https"`, "cs_bytes": `883`, "time_taken": `0.036`,
			"x_forwarded_for": `"-"`, "ssl_protocol": `"TLSv1.2"`, "ssl_cipher": `"ECDHE-RSA-AES128-GCM-SHA256"`,
			"x_edge_response_result_type": `"RefreshHit"`,
		}},
		{file: f, name: "CloudFront tags and params nil", pattern: "CLOUDFRONT_ACCESS_LOG", ecs: true, message: cf, absent: []string{"tags", "params"}},
		{file: f, name: "CloudFront tags and params nil", pattern: "CLOUDFRONT_ACCESS_LOG", message: cf, absent: []string{"tags", "params"}},
		{file: f, name: "CloudFront version 1.0", pattern: "CLOUDFRONT_ACCESS_LOG", ecs: true, message: cf10, want: map[string]string{
			"timestamp":        js("2019-12-04\t21:02:31"),
			"destination":      `{"bytes":392}`,
			"source":           `{"ip":"192.0.2.100","bytes":23,"port":11040}`,
			"url":              `{"domain":"d111111abcdef8.cloudfront.net","path":"/index.html"}`,
			"[http][request]":  `{"mime_type":"text/html","method":"GET"}`,
			"[http][response]": `{"status_code":200}`,
			"user_agent":       `{"original":` + js(cf10Agent) + `}`,
			"tls":              `{"cipher":"ECDHE-RSA-AES128-GCM-SHA256"}`,
			"network":          `{"protocol":"https"}`,
			"[http][version]":  `"2.0"`,
			"aws": `{"cloudfront":{"x_edge_location":"LAX1","x_edge_request_id":"SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==",` +
				`"x_edge_result_type":"Hit","x_edge_response_result_type":"Hit","x_edge_detailed_result_type":"Hit","time_taken":0.001,` +
				`"time_to_first_byte":0.001,"http":{"request":{"host":"d111111abcdef8.cloudfront.net","size":78}},"ssl_protocol":"TLSv1.2"}}`,
		}},
		{file: f, name: "CloudFront version 1.0", pattern: "CLOUDFRONT_ACCESS_LOG", message: cf10, want: map[string]string{
			"timestamp": js("2019-12-04\t21:02:31"),
			"cs_method": `"GET"`, "cs_host": `"d111111abcdef8.cloudfront.net"`, "cs_uri_stem": `"/index.html"`, "cs_protocol": `"https"`, "cs_bytes": `23`,
			"x_host_header": `"d111111abcdef8.cloudfront.net"`, "time_taken": `0.001`,
			"x_edge_request_id": `"SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ=="`, "agent": js(cf10Agent),
			// Logstash's spec notes that the legacy pattern misreads the
			// longer format: its GREEDYDATA fields run into the new ones.
			"x_forwarded_for": `"text/html"`,
		}},
	})
}

// TestGrokSpecSquid: spec/patterns/squid_spec.rb.
func TestGrokSpecSquid(t *testing.T) {
	const (
		connect = `1525344856.899  16867 10.170.72.111 TCP_TUNNEL/200 6256 CONNECT logs.ap-southeast-2.amazonaws.com:443 - HIER_DIRECT/53.140.206.134 -`
		get     = `1525334330.556      3 120.65.1.1 TCP_REFRESH_MISS/200 2014 GET http://www.sample.com/hellow_world.txt public-user DIRECT/www.sample.com text/plain 902351708.872`
		aborted = `1426235912.366     16 192.168.3.50 TCP_MISS_ABORTED/000 0 GET http://garfield.com/comic/2015-03-13 - HIER_DIRECT/193.135.59.44 -`
		noIP    = `1066037222.352     132 144.157.100.17 TCP_MISS/504 1293 GET http://at.atremis.com/image/93101912/xyz - NONE/- -`
	)
	const f, p = "squid", "SQUID3"
	runGrokSpecs(t, []grokSpec{
		{file: f, name: "CONNECT", pattern: p, ecs: true, message: connect, want: map[string]string{
			"timestamp":   `"1525344856.899"`,
			"event":       `{"action":"TCP_TUNNEL"}`,
			"squid":       `{"request":{"duration":16867},"hierarchy_code":"HIER_DIRECT"}`,
			"destination": `{"address":"53.140.206.134"}`,
			"http":        `{"request":{"method":"CONNECT"},"response":{"bytes":6256,"status_code":200}}`,
			"url":         `{"original":"logs.ap-southeast-2.amazonaws.com:443"}`,
			"source":      `{"ip":"10.170.72.111"}`,
		}},
		{file: f, name: "CONNECT", pattern: p, message: connect, want: map[string]string{
			"timestamp": `"1525344856.899"`,
			"duration":  `"16867"`, "client_address": `"10.170.72.111"`, "cache_result": `"TCP_TUNNEL"`, "status_code": `"200"`,
			"request_method": `"CONNECT"`, "bytes": `"6256"`, "url": `"logs.ap-southeast-2.amazonaws.com:443"`, "user": `"-"`,
			"hierarchy_code": `"HIER_DIRECT"`, "server": `"53.140.206.134"`, "content_type": `"-"`,
		}},
		{file: f, name: "no missing user-name", pattern: p, ecs: true, message: connect, absent: []string{"user"}},
		{file: f, name: "GET", pattern: p, ecs: true, message: get, want: map[string]string{
			"timestamp":   `"1525334330.556"`,
			"event":       `{"action":"TCP_REFRESH_MISS"}`,
			"squid":       `{"request":{"duration":3},"hierarchy_code":"DIRECT"}`,
			"destination": `{"address":"www.sample.com"}`,
			"http":        `{"request":{"method":"GET"},"response":{"bytes":2014,"status_code":200,"mime_type":"text/plain"}}`,
			"url":         `{"original":"http://www.sample.com/hellow_world.txt"}`,
			"source":      `{"ip":"120.65.1.1"}`,
			"user":        `{"name":"public-user"}`,
		}},
		{file: f, name: "GET", pattern: p, message: get, want: map[string]string{
			"timestamp": `"1525334330.556"`,
			"duration":  `"3"`, "client_address": `"120.65.1.1"`, "cache_result": `"TCP_REFRESH_MISS"`, "status_code": `"200"`,
			"bytes": `"2014"`, "request_method": `"GET"`, "url": `"http://www.sample.com/hellow_world.txt"`, "user": `"public-user"`,
			"hierarchy_code": `"DIRECT"`, "server": `"www.sample.com"`, "content_type": `"text/plain"`,
		}},
		{file: f, name: "retains message", pattern: p, ecs: true, message: get, want: map[string]string{"message": js(get)}},
		{file: f, name: "retains message", pattern: p, message: get, want: map[string]string{"message": js(get)}},
		{file: f, name: "invalid status", pattern: p, ecs: true, message: aborted, want: map[string]string{
			"timestamp": `"1426235912.366"`,
			"event":     `{"action":"TCP_MISS_ABORTED"}`,
			"http":      `{"response":{"bytes":0},"request":{"method":"GET"}}`,
		}},
		{file: f, name: "invalid status", pattern: p, message: aborted, want: map[string]string{
			"timestamp": `"1426235912.366"`, "status_code": `"000"`}},
		{file: f, name: "no server ip", pattern: p, ecs: true, message: noIP, want: map[string]string{
			"timestamp": `"1066037222.352"`,
			"event":     `{"action":"TCP_MISS"}`,
			"http":      `{"response":{"bytes":1293,"status_code":504},"request":{"method":"GET"}}`,
		}, absent: []string{"destination"}},
		{file: f, name: "no server ip", pattern: p, message: noIP, want: map[string]string{
			"timestamp": `"1066037222.352"`, "status_code": `"504"`}, absent: []string{"server"}},
	})
}

// TestGrokSpecBIND: spec/patterns/bind_spec.rb.
func TestGrokSpecBIND(t *testing.T) {
	const (
		v910 = `17-Feb-2018 23:06:56.326 queries: info: client 172.26.0.1#12345 (test.example.com): query: test.example.com IN A +E(0)K (172.26.0.3)`
		v911 = `30-Jun-2018 15:50:00.999 queries: info: client @0x7f64500020ef 192.168.10.48#60061 (91.2.10.170.in-addr.internal): query: 91.2.10.170.in-addr.internal IN PTR + (192.168.2.2)`
		base = `client @0x7f85b4026ed0 127.0.0.1#42520 (ci.elastic.co): query: ci.elastic.co IN A +E(0)K (35.193.103.164)`
	)
	const f = "bind"
	runGrokSpecs(t, []grokSpec{
		{file: f, name: "9.10", pattern: "BIND9", ecs: true, message: v910, want: map[string]string{
			"timestamp":                    `"17-Feb-2018 23:06:56.326"`,
			"[log][level]":                 `"info"`,
			"client":                       `{"ip":"172.26.0.1","port":12345}`,
			"dns":                          `{"question":{"name":"test.example.com","type":"A","class":"IN"}}`,
			"[bind][log][question][flags]": `"+E(0)K"`,
			"server":                       `{"ip":"172.26.0.3"}`,
			"[bind][log][question][name]":  `"test.example.com"`,
		}, check: onlyKeys("bind", "log")},
		{file: f, name: "9.10", pattern: "BIND9", message: v910, want: map[string]string{
			"timestamp": `"17-Feb-2018 23:06:56.326"`,
			"loglevel":  `"info"`, "clientip": `"172.26.0.1"`, "clientport": `"12345"`,
			"query": `["test.example.com","test.example.com"]`, "querytype": `"A +E(0)K"`, "dns": `"172.26.0.3"`,
		}},
		{file: f, name: "client memory address (9.11)", pattern: "BIND9", ecs: true, message: v911, want: map[string]string{
			"timestamp":                    `"30-Jun-2018 15:50:00.999"`,
			"[log][level]":                 `"info"`,
			"client":                       `{"ip":"192.168.10.48","port":60061}`,
			"dns":                          `{"question":{"name":"91.2.10.170.in-addr.internal","type":"PTR","class":"IN"}}`,
			"[bind][log][question][flags]": `"+"`,
			"server":                       `{"ip":"192.168.2.2"}`,
		}, check: onlyKeys("bind", "log")},
		{file: f, name: "client memory address (9.11)", pattern: "BIND9", message: v911, want: map[string]string{
			"timestamp": `"30-Jun-2018 15:50:00.999"`,
			"loglevel":  `"info"`, "clientip": `"192.168.10.48"`, "clientport": `"60061"`,
			"query": `["91.2.10.170.in-addr.internal","91.2.10.170.in-addr.internal"]`, "querytype": `"PTR +"`, "dns": `"192.168.2.2"`,
		}},
		{file: f, name: "query log base", pattern: "BIND9_QUERYLOGBASE", ecs: true, message: base, want: map[string]string{
			"client":                       `{"ip":"127.0.0.1","port":42520}`,
			"dns":                          `{"question":{"name":"ci.elastic.co","type":"A","class":"IN"}}`,
			"[bind][log][question][flags]": `"+E(0)K"`,
			"server":                       `{"ip":"35.193.103.164"}`,
		}, check: onlyKeys("bind", "log")},
	})
}

// onlyKeys checks that the object at field has exactly the given keys (an
// rspec include of {"field" => {key => hash_including(...)}}).
func onlyKeys(field string, keys ...string) func(t *testing.T, e *logpipe.Event) {
	return func(t *testing.T, e *logpipe.Event) {
		t.Helper()
		v, ok := e.Get(logpipe.MustPath(field))
		if !ok || v.Kind() != logpipe.KindObject {
			t.Fatalf("%s = %s, want an object", field, v)
		}
		var got []string
		for k := range v.Object().All() {
			got = append(got, k)
		}
		if strings.Join(got, ",") != strings.Join(keys, ",") {
			t.Errorf("%s has keys %v, want %v", field, got, keys)
		}
	}
}

// TestGrokSpecBro: spec/patterns/bro_spec.rb (BRO_* and ZEEK_*).
func TestGrokSpecBro(t *testing.T) {
	const (
		broHTTP = "1432555199.633017\tCOpk6E3vkURP8QQNKl\t192.168.9.35\t55281\t178.236.7.146\t80\t4\tPOST\twww.amazon.it\t/xa/dealcontent/v2/GetDeals?nocache=1432555199326\t" +
			"http://www.amazon.it/\tMozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/42.0.2311.135 Safari/537.36\t223\t1859\t200\tOK\t-\t-\t-\t(empty)\t" +
			"kares\t-\t-\tFrLEcY3AUPKdcYGf29\ttext/plain\tFOJpbGzIMh9syPxH8\ttext/plain"
		broUA     = "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/42.0.2311.135 Safari/537.36"
		zeekHTTP1 = "1602164975.587600\tCt73QY3M7T5dikxggf\t192.168.122.59\t55240\t93.184.220.29\t80\t1\t-\t-\t-\t-\t1.1\t-\t-\t0\t471\t200\tOK\t-\t-\t(empty)\t-\t-\t-\t-\t-\t-\tFPGXN33wAFL8MPKJXl\t-\tapplication/ocsp-response"
		zeekQuery = "/videoplayback?upn=MTU2MDY5NzQ5OTM0NTI3NDY4NDc&sparams=algorithm,burst,cp,factor,id,ip,ipbits,itag,source,upn,expire&fexp=912300,907210&algorithm=throttle-factor&itag=34&ip=212.0.0.0&burst=40&sver=3&signature=832FB1042E20780CFCA77A4DB5EA64AC593E8627.D1166C7E8365732E52DAFD68076DAE0146E0AE01&source=youtube&expire=1333484980&key=yt1&ipbits=8&factor=1.25&cp=U0hSSFRTUl9NSkNOMl9MTVZKOjh5eEN2SG8tZF84&id=ebf1e932d4bd1286&cm2=1"
		zeekUA    = "Mozilla/5.0 (Windows NT 5.1) AppleWebKit/535.11 (KHTML, like Gecko; X-SBLSP) Chrome/17.0.963.83 Safari/535.11"
		zeekLong  = "1333458850.375568\tClEkJM2Vm5giqnMf4h\t10.131.47.185\t1923\t79.101.110.141\t80\t1\tGET\to-o.preferred.telekomrs-beg1.v2.lscache8.c.youtube.com\t" + zeekQuery +
			"\thttp://s.ytimg.com/yt/swfbin/watch_as3-vflqrJwOA.swf\t1.1\t" + zeekUA + "\t-\t0\t56320\t206\tPartial Content\t-\t-\t(empty)\t-\t-\t-\t-\t-\t-\tFpmJd62pFQcZ3gcUgl\t-\t-"
		zeekSample = "1602165002.455618\tCWGOypTfRypTC5C4g\t192.168.122.59\t44136\t216.58.201.110\t80\t1\t-\t-\t-\t-\t1.1\tMozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:81.0) Gecko/20100101 Firefox/81.0\t" +
			"https://example.com\t0\t219\t301\tMoved Permanently\t-\t-\tFOO,BAR\t-\t-\t-\t-\t-\t-\tFeJ7iiVorMXoLlRK\t-\ttext/html"
		broEmpty = "1432555199.633017\tCOpk6E3vkURP8QQNKl\t192.168.9.35\t55281\t178.236.7.146\t80\t0\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-\t(empty)\t-\t-\t-\t-\t-\t-\t-"

		broDNS      = "1359565680.761790\tUWkUyAuUGXf\t192.168.6.10\t53209\t192.168.129.36\t53\tudp\t41477\tpaypal.com\t1\tC_INTERNET\t48\tDNSKEY\t0\tNOERROR\tF\tF\tT\tF\t1\t-\t-\tF"
		broDNSEmpty = "1359565680.761790\tUWkUyAuUGXf\t192.168.6.10\t53209\t192.168.129.36\t53\tudp\t-\t-\t-\t-\t-\t-\t-\t-\tF\tF\tF\tF\t0\t-\t-\t-"
		zeekDNS     = "1359565680.761790\tCHhAvVGS1DHFjwGM9\t192.168.6.10\t53209\t192.168.129.36\t53\tudp\t41477\t0.075138\tpaypal.com\t1\tC_INTERNET\t48\tDNSKEY\t0\tNOERROR\tF\tF\tT\tT\t1\t" +
			"DNSKEY 5,DNSKEY 5,RRSIG 48 paypal.com,RRSIG 48 paypal.com\t455.000000,455.000000,455.000000,455.000000\tF"

		broConn    = "1541350796.901974\tC54zqz17PXuBv3HkLg\t192.168.0.26\t54855\t54.85.115.89\t443\ttcp\tssl\t0.153642\t1147\t589\tSF\tT\t0\tShADadfF\t7\t1439\t8\t921\t(empty)"
		broConn33  = "1300475168.853899\tC4J4Th3PJpwUYZZ6gc\t141.142.220.118\t43927\t141.142.2.2\t53\tudp\tdns\t0.000435\t38\t89\tSF\t-\t-\t0\tDd\t1\t66\t1\t117\t(empty)"
		zeekConn   = "1602165198.216970\tCfVl4yNLJ4U3ptL12\t192.168.122.59\t47340\t143.204.201.102\t443\ttcp\t-\t115.669583\t0\t6238\tSHR\tT\tF\t0\t^hCadcCfA\t1\t52\t21\t5091\t-"
		zeekConnMA = "1128727435.633408\tCHhAvVGS1DHFjwGM9\t141.42.64.125\t56730\t125.190.109.199\t80\ttcp\thttp\t1.550793\t98\t9417\tSF\t-\t-\t0\t^hADdFaf\t11\t670\t10\t9945\t-\t00:d0:03:3b:f4:00\t00:b0:c2:86:ec:00"

		broFiles   = "1362692527.009512\tFakNcS1Jfe01uljb3\t192.150.187.43\t141.142.228.5\tCXWv6p3arKYeMETxOg\tHTTP\t0\tMD5,SHA1\ttext/plain\t-\t0.000263\t-\tF\t4705\t4705\t0\t0\tF\t-\t397168fd09991a0e712254df7bc639ac\t1dd7ac0398df6cbc0696445a91ec681facf4dc47\t-\t-"
		broFilesZ  = "1602576142.884704\tFrp9wcpqbDl991Zh7\t151.101.112.204\t192.168.122.59\tC3v3ce39xvI63Tn2E5\tHTTP\t0\tSHA1,MD5\ttext/plain\t-\t0.000000\tF\tF\t3707\t51901\t0\t0\tF\t-\t995875a72487a52a657b94e3857ac4fe\t00c45f6771d0006029a8ced68bf2a41ca3060e69\t-\t-\t-\t-"
		zeekFiles  = "1258867934.558264\tF2xow8TIkvHG4Zz41\t198.189.255.75\t192.168.1.105\tCHhAvVGS1DHFjwGM9\tHTTP\t0\tEXTRACT\t-\t-\t0.046240\t-\tF\t54229\t605292323\t4244449\t0\tT\t-\t-\t-\t-\textract-1258867934.558264-HTTP-F2xow8TIkvHG4Zz41\tT\t4000"
		zeekFilesM = "1258867934.558264\tF2xow8TIkvHG4Zz41\t10.1.1.2 10.1.1.1\t192.168.1.105,192.168.1.10,192.168.1.11\t-\t-\t0\t-\t-\t-\t0.01234\t-\tF\t-\t-\t-\t0\tT\t-\t-\t-\t-\t-\t-\t-"
	)
	const f = "bro"
	// Both modes of an "it" block that asserts in both.
	both := func(name, pattern, message string, ecs, legacy map[string]string) []grokSpec {
		return []grokSpec{
			{file: f, name: name, pattern: pattern, ecs: true, message: message, want: ecs},
			{file: f, name: name, pattern: pattern, message: message, want: legacy},
		}
	}
	var specs []grokSpec
	for _, s := range [][]grokSpec{
		both("BRO_HTTP ts", "BRO_HTTP", broHTTP, map[string]string{"timestamp": `"1432555199.633017"`}, map[string]string{"ts": `"1432555199.633017"`}),
		both("BRO_HTTP uid", "BRO_HTTP", broHTTP, map[string]string{"[zeek][session_id]": `"COpk6E3vkURP8QQNKl"`}, map[string]string{"uid": `"COpk6E3vkURP8QQNKl"`}),
		both("BRO_HTTP orig", "BRO_HTTP", broHTTP, map[string]string{"source": `{"ip":"192.168.9.35","port":55281}`},
			map[string]string{"orig_h": `"192.168.9.35"`, "orig_p": `"55281"`}),
		both("BRO_HTTP resp", "BRO_HTTP", broHTTP, map[string]string{"destination": `{"ip":"178.236.7.146","port":80}`},
			map[string]string{"resp_h": `"178.236.7.146"`, "resp_p": `"80"`}),
		both("BRO_HTTP trans_depth", "BRO_HTTP", broHTTP, map[string]string{"[zeek][http][trans_depth]": `4`}, map[string]string{"trans_depth": `"4"`}),
		both("BRO_HTTP method/referrer", "BRO_HTTP", broHTTP,
			map[string]string{"[http][request][method]": `"POST"`, "[http][request][referrer]": `"http://www.amazon.it/"`},
			map[string]string{"method": `"POST"`, "referrer": `"http://www.amazon.it/"`}),
		both("BRO_HTTP domain/uri/username/password", "BRO_HTTP", broHTTP,
			map[string]string{"[url][domain]": `"www.amazon.it"`, "[url][original]": `"/xa/dealcontent/v2/GetDeals?nocache=1432555199326"`, "[url][username]": `"kares"`},
			map[string]string{"domain": `"www.amazon.it"`, "uri": `"/xa/dealcontent/v2/GetDeals?nocache=1432555199326"`, "username": `"kares"`, "password": `"-"`}),
		both("BRO_HTTP user_agent", "BRO_HTTP", broHTTP, map[string]string{"user_agent": `{"original":` + js(broUA) + `}`}, map[string]string{"user_agent": js(broUA)}),
		both("BRO_HTTP body lengths", "BRO_HTTP", broHTTP,
			map[string]string{"[http][request][body]": `{"bytes":223}`, "[http][response][body]": `{"bytes":1859}`},
			map[string]string{"request_body_len": `"223"`, "response_body_len": `"1859"`}),
		both("BRO_HTTP status", "BRO_HTTP", broHTTP,
			map[string]string{"[http][response][status_code]": `200`, "[zeek][http][status_msg]": `"OK"`},
			map[string]string{"status_code": `"200"`, "status_msg": `"OK"`}),
		both("BRO_HTTP orig fuids/mime", "BRO_HTTP", broHTTP,
			map[string]string{"[zeek][http][orig_fuids]": `"FrLEcY3AUPKdcYGf29"`, "[http][request][mime_type]": `"text/plain"`},
			map[string]string{"orig_fuids": `"FrLEcY3AUPKdcYGf29"`, "orig_mime_types": `"text/plain"`}),
		both("BRO_HTTP resp fuids/mime", "BRO_HTTP", broHTTP,
			map[string]string{"[zeek][http][resp_fuids]": `"FOJpbGzIMh9syPxH8"`, "[http][response][mime_type]": `"text/plain"`},
			map[string]string{"resp_fuids": `"FOJpbGzIMh9syPxH8"`, "resp_mime_types": `"text/plain"`}),
		{
			{file: f, name: "BRO_HTTP no password", pattern: "BRO_HTTP", ecs: true, message: broHTTP, absent: []string{"[url][password]"}},
			{file: f, name: "BRO_HTTP info", pattern: "BRO_HTTP", ecs: true, message: broHTTP, absent: []string{"[zeek][http][info_code]", "[zeek][http][info_msg]"}},
			{file: f, name: "BRO_HTTP info", pattern: "BRO_HTTP", message: broHTTP, want: map[string]string{"info_code": `"-"`, "info_msg": `"-"`}},
			{file: f, name: "BRO_HTTP filename", pattern: "BRO_HTTP", ecs: true, message: broHTTP, absent: []string{"[zeek][http][filename]"}},
			{file: f, name: "BRO_HTTP filename", pattern: "BRO_HTTP", message: broHTTP, want: map[string]string{"filename": `"-"`}},
			{file: f, name: "BRO_HTTP bro_tags", pattern: "BRO_HTTP", ecs: true, message: broHTTP, absent: []string{"[zeek][http][tags]"}},
			{file: f, name: "BRO_HTTP bro_tags", pattern: "BRO_HTTP", message: broHTTP, want: map[string]string{"bro_tags": `"(empty)"`}},
			{file: f, name: "BRO_HTTP proxied", pattern: "BRO_HTTP", ecs: true, message: broHTTP, absent: []string{"[zeek][http][proxied]"}},
			{file: f, name: "BRO_HTTP proxied", pattern: "BRO_HTTP", message: broHTTP, want: map[string]string{"proxied": `"-"`}},
			// "wrong but backwards compatible": GREEDYDATA runs over tabs.
			{file: f, name: "BRO_HTTP zeek format", pattern: "BRO_HTTP", message: zeekHTTP1, want: map[string]string{"domain": `"1.1"`}},

			{file: f, name: "ZEEK_HTTP long message", pattern: "ZEEK_HTTP", ecs: true, message: zeekLong, want: map[string]string{
				"timestamp":          `"1333458850.375568"`,
				"[zeek][session_id]": `"ClEkJM2Vm5giqnMf4h"`,
				"http": `{"response":{"body":{"bytes":56320},"status_code":206},"request":{"body":{"bytes":0},` +
					`"referrer":"http://s.ytimg.com/yt/swfbin/watch_as3-vflqrJwOA.swf","method":"GET"},"version":"1.1"}`,
				"user_agent":   `{"original":` + js(zeekUA) + `}`,
				"url":          `{"domain":"o-o.preferred.telekomrs-beg1.v2.lscache8.c.youtube.com","original":` + js(zeekQuery) + `}`,
				"destination":  `{"port":80,"ip":"79.101.110.141"}`,
				"source":       `{"port":1923,"ip":"10.131.47.185"}`,
				"[zeek][http]": `{"resp_fuids":"FpmJd62pFQcZ3gcUgl","status_msg":"Partial Content","trans_depth":1}`,
			}},
			{file: f, name: "ZEEK_HTTP sample message", pattern: "ZEEK_HTTP", ecs: true, message: zeekSample, want: map[string]string{
				"timestamp":  `"1602165002.455618"`,
				"user_agent": `{"original":"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:81.0) Gecko/20100101 Firefox/81.0"}`,
				"http":       `{"request":{"body":{"bytes":0}},"response":{"status_code":301,"body":{"bytes":219},"mime_type":"text/html"},"version":"1.1"}`,
				"zeek": `{"session_id":"CWGOypTfRypTC5C4g","http":{"trans_depth":1,"origin":"https://example.com","tags":"FOO,BAR",` +
					`"status_msg":"Moved Permanently","resp_fuids":"FeJ7iiVorMXoLlRK"}}`,
			}},

			{file: f, name: "BRO_DNS", pattern: "BRO_DNS", ecs: true, message: broDNS, want: map[string]string{
				"timestamp":           `"1359565680.761790"`,
				"[zeek][session_id]":  `"UWkUyAuUGXf"`,
				"source":              `{"ip":"192.168.6.10","port":53209}`,
				"destination":         `{"ip":"192.168.129.36","port":53}`,
				"network":             `{"transport":"udp"}`,
				"dns":                 `{"id":41477,"question":{"name":"paypal.com","type":"DNSKEY"},"response_code":"NOERROR"}`,
				"[zeek][dns][qclass]": `1`, "[zeek][dns][qclass_name]": `"C_INTERNET"`, "[zeek][dns][qtype]": `48`, "[zeek][dns][rcode]": `0`,
				"[zeek][dns][AA]": `"F"`, "[zeek][dns][TC]": `"F"`, "[zeek][dns][RD]": `"T"`, "[zeek][dns][RA]": `"F"`,
				"[zeek][dns][Z]": `1`, "[zeek][dns][rejected]": `"F"`,
			}, absent: []string{"[zeek][dns][TTLs]", "[zeek][dns][answers]"}},
			{file: f, name: "BRO_DNS", pattern: "BRO_DNS", message: broDNS, want: map[string]string{
				"ts": `"1359565680.761790"`, "uid": `"UWkUyAuUGXf"`, "orig_h": `"192.168.6.10"`, "orig_p": `"53209"`,
				"resp_h": `"192.168.129.36"`, "resp_p": `"53"`, "proto": `"udp"`, "trans_id": `"41477"`, "query": `"paypal.com"`,
				"qclass": `"1"`, "qclass_name": `"C_INTERNET"`, "qtype": `"48"`, "qtype_name": `"DNSKEY"`, "rcode": `"0"`, "rcode_name": `"NOERROR"`,
				"AA": `"F"`, "TC": `"F"`, "RD": `"T"`, "RA": `"F"`, "Z": `"1"`, "answers": `"-"`, "TTLs": `"-"`, "rejected": `"F"`,
			}},
			{file: f, name: "BRO_DNS optional fields", pattern: "BRO_DNS", ecs: true, message: broDNSEmpty, want: map[string]string{
				"timestamp":   `"1359565680.761790"`,
				"source":      `{"ip":"192.168.6.10","port":53209}`,
				"destination": `{"ip":"192.168.129.36","port":53}`,
				"network":     `{"transport":"udp"}`,
				"zeek":        `{"session_id":"UWkUyAuUGXf","dns":{"AA":"F","TC":"F","RD":"F","RA":"F","Z":0}}`,
			}, absent: []string{"dns"}},
			{file: f, name: "ZEEK_DNS", pattern: "ZEEK_DNS", ecs: true, message: zeekDNS, want: map[string]string{
				"timestamp":   `"1359565680.761790"`,
				"destination": `{"ip":"192.168.129.36","port":53}`,
				"source":      `{"ip":"192.168.6.10","port":53209}`,
				"network":     `{"transport":"udp"}`,
				"dns":         `{"question":{"type":"DNSKEY","name":"paypal.com"},"response_code":"NOERROR","id":41477}`,
				"zeek": `{"session_id":"CHhAvVGS1DHFjwGM9","dns":{"rtt":0.075138,"qclass":1,"qclass_name":"C_INTERNET","qtype":48,"rcode":0,` +
					`"RA":"T","RD":"T","TC":"F","rejected":"F","AA":"F","Z":1,"answers":"DNSKEY 5,DNSKEY 5,RRSIG 48 paypal.com,RRSIG 48 paypal.com",` +
					`"TTLs":"455.000000,455.000000,455.000000,455.000000"}}`,
			}},

			{file: f, name: "BRO_CONN", pattern: "BRO_CONN", ecs: true, message: broConn, want: map[string]string{
				"timestamp":          `"1541350796.901974"`,
				"[zeek][session_id]": `"C54zqz17PXuBv3HkLg"`,
				"network":            `{"transport":"tcp","protocol":"ssl"}`,
				"source":             `{"ip":"192.168.0.26","port":54855,"packets":7,"bytes":1439}`,
				"destination":        `{"ip":"54.85.115.89","port":443,"packets":8,"bytes":921}`,
				"[zeek][connection]": `{"duration":0.153642,"orig_bytes":1147,"resp_bytes":589,"state":"SF","local_orig":"T","missed_bytes":0,"history":"ShADadfF"}`,
			}},
			{file: f, name: "BRO_CONN", pattern: "BRO_CONN", message: broConn, want: map[string]string{
				"ts": `"1541350796.901974"`, "uid": `"C54zqz17PXuBv3HkLg"`, "orig_h": `"192.168.0.26"`, "orig_p": `"54855"`,
				"resp_h": `"54.85.115.89"`, "resp_p": `"443"`, "proto": `"tcp"`, "service": `"ssl"`, "duration": `"0.153642"`,
				"orig_bytes": `"1147"`, "resp_bytes": `"589"`, "conn_state": `"SF"`, "local_orig": `"T"`, "missed_bytes": `"0"`,
				"history": `"ShADadfF"`, "orig_pkts": `"7"`, "orig_ip_bytes": `"1439"`, "resp_pkts": `"8"`, "resp_ip_bytes": `"921"`,
				"tunnel_parents": `"(empty)"`,
			}},
			{file: f, name: "BRO_CONN updated format", pattern: "BRO_CONN", ecs: true, message: broConn33, want: map[string]string{
				"[zeek][session_id]": `"C4J4Th3PJpwUYZZ6gc"`,
				"network":            `{"transport":"udp","protocol":"dns"}`,
				"source":             `{"ip":"141.142.220.118","port":43927,"packets":1,"bytes":66}`,
				"destination":        `{"ip":"141.142.2.2","port":53,"packets":1,"bytes":117}`,
				"[zeek][connection]": `{"duration":0.000435,"orig_bytes":38,"resp_bytes":89,"state":"SF","missed_bytes":0,"history":"Dd"}`,
			}},
			// "matches incorrectly" in legacy mode, as Logstash's spec says.
			{file: f, name: "BRO_CONN updated format", pattern: "BRO_CONN", message: broConn33, want: map[string]string{
				"ts": `"1300475168.853899"`, "conn_state": js("SF\t-"),
			}},
			{file: f, name: "ZEEK_CONN", pattern: "ZEEK_CONN", ecs: true, message: zeekConn, want: map[string]string{
				"timestamp":   `"1602165198.216970"`,
				"network":     `{"transport":"tcp"}`,
				"source":      `{"ip":"192.168.122.59","port":47340,"packets":1,"bytes":52}`,
				"destination": `{"ip":"143.204.201.102","port":443,"packets":21,"bytes":5091}`,
				"zeek": `{"connection":{"duration":115.669583,"orig_bytes":0,"resp_bytes":6238,"state":"SHR","local_orig":"T","local_resp":"F",` +
					`"missed_bytes":0,"history":"^hCadcCfA"},"session_id":"CfVl4yNLJ4U3ptL12"}`,
			}},
			{file: f, name: "ZEEK_CONN with MAC addresses", pattern: "ZEEK_CONN", ecs: true, message: zeekConnMA, want: map[string]string{
				"timestamp":                    `"1128727435.633408"`,
				"[zeek][session_id]":           `"CHhAvVGS1DHFjwGM9"`,
				"network":                      `{"transport":"tcp","protocol":"http"}`,
				"source":                       `{"mac":"00:d0:03:3b:f4:00","ip":"141.42.64.125","port":56730,"packets":11,"bytes":670}`,
				"destination":                  `{"mac":"00:b0:c2:86:ec:00","ip":"125.190.109.199","port":80,"packets":10,"bytes":9945}`,
				"[zeek][connection][duration]": `1.550793`,
			}},

			{file: f, name: "BRO_FILES", pattern: "BRO_FILES", ecs: true, message: broFiles, want: map[string]string{
				"timestamp": `"1362692527.009512"`,
				"server":    `{"ip":"192.150.187.43"}`,
				"client":    `{"ip":"141.142.228.5"}`,
				"zeek": `{"files":{"fuid":"FakNcS1Jfe01uljb3","session_ids":"CXWv6p3arKYeMETxOg","source":"HTTP","depth":0,"analyzers":"MD5,SHA1",` +
					`"duration":0.000263,"is_orig":"F","overflow_bytes":0,"missing_bytes":0,"seen_bytes":4705,"timedout":"F"}}`,
				"file": `{"size":4705,"mime_type":"text/plain","hash":{"sha1":"1dd7ac0398df6cbc0696445a91ec681facf4dc47","md5":"397168fd09991a0e712254df7bc639ac"}}`,
			}},
			{file: f, name: "BRO_FILES", pattern: "BRO_FILES", message: broFiles, want: map[string]string{
				"ts": `"1362692527.009512"`, "fuid": `"FakNcS1Jfe01uljb3"`, "tx_hosts": `"192.150.187.43"`, "rx_hosts": `"141.142.228.5"`,
				"conn_uids": `"CXWv6p3arKYeMETxOg"`, "source": `"HTTP"`, "depth": `"0"`, "analyzers": `"MD5,SHA1"`, "mime_type": `"text/plain"`,
				"filename": `"-"`, "duration": `"0.000263"`, "local_orig": `"-"`, "is_orig": `"F"`, "seen_bytes": `"4705"`, "total_bytes": `"4705"`,
				"missing_bytes": `"0"`, "overflow_bytes": `"0"`, "timedout": `"F"`, "parent_fuid": `"-"`,
				"md5": `"397168fd09991a0e712254df7bc639ac"`, "sha1": `"1dd7ac0398df6cbc0696445a91ec681facf4dc47"`, "sha256": `"-"`, "extracted": `"-"`,
			}},
			// "matches (incorrectly) in legacy mode": BOGUS source, as the spec says.
			{file: f, name: "BRO_FILES zeek format", pattern: "BRO_FILES", message: broFilesZ, want: map[string]string{
				"ts": `"1602576142.884704"`, "fuid": `"Frp9wcpqbDl991Zh7"`, "source": js("HTTP\t0\tSHA1,MD5"),
			}},
			{file: f, name: "BRO_FILES zeek format", pattern: "BRO_FILES", ecs: true, message: broFilesZ, want: map[string]string{
				"timestamp": `"1602576142.884704"`,
				"server":    `{"ip":"151.101.112.204"}`,
				"client":    `{"ip":"192.168.122.59"}`,
				"zeek": `{"files":{"fuid":"Frp9wcpqbDl991Zh7","session_ids":"C3v3ce39xvI63Tn2E5","source":"HTTP","depth":0,"analyzers":"SHA1,MD5",` +
					`"duration":0.0,"local_orig":"F","is_orig":"F","missing_bytes":0,"timedout":"F","overflow_bytes":0,"seen_bytes":3707}}`,
				"file": `{"size":51901,"mime_type":"text/plain","hash":{"md5":"995875a72487a52a657b94e3857ac4fe","sha1":"00c45f6771d0006029a8ced68bf2a41ca3060e69"}}`,
			}},
			{file: f, name: "ZEEK_FILES", pattern: "ZEEK_FILES", ecs: true, message: zeekFiles, want: map[string]string{
				"timestamp":           `"1258867934.558264"`,
				"server":              `{"ip":"198.189.255.75"}`,
				"client":              `{"ip":"192.168.1.105"}`,
				"[zeek][files][fuid]": `"F2xow8TIkvHG4Zz41"`, "[zeek][files][session_ids]": `"CHhAvVGS1DHFjwGM9"`,
				"[zeek][files][source]": `"HTTP"`, "[zeek][files][analyzers]": `"EXTRACT"`, "[zeek][files][timedout]": `"T"`,
				"[zeek][files][extracted]":      `"extract-1258867934.558264-HTTP-F2xow8TIkvHG4Zz41"`,
				"[zeek][files][extracted_size]": `4000`, "[zeek][files][extracted_cutoff]": `"T"`,
				"file": `{"size":605292323}`,
			}, check: onlyKeys("zeek", "files")},
			{file: f, name: "ZEEK_FILES multiple hosts", pattern: "ZEEK_FILES", ecs: true, message: zeekFilesM, want: map[string]string{
				"server":                  `{"ip":"10.1.1.2"}`,
				"client":                  `{"ip":"192.168.1.105"}`,
				"[zeek][files][tx_hosts]": `"10.1.1.2 10.1.1.1"`,
				"[zeek][files][rx_hosts]": `"192.168.1.105,192.168.1.10,192.168.1.11"`,
			}, check: onlyKeys("zeek", "files")},
		},
	} {
		specs = append(specs, s...)
	}
	runGrokSpecs(t, specs)

	// The "does not match in ECS mode" blocks: the old and the new formats
	// are told apart.
	runGrokNoMatch(t, []grokNoMatch{
		{file: f, name: "BRO_HTTP zeek format", pattern: "BRO_HTTP", ecs: true, message: zeekHTTP1},
		{file: f, name: "ZEEK_HTTP old bro message", pattern: "ZEEK_HTTP", ecs: true, message: broHTTP},
		{file: f, name: "ZEEK_HTTP old empty bro message", pattern: "ZEEK_HTTP", ecs: true, message: broEmpty},
		{file: f, name: "BRO_DNS zeek format", pattern: "BRO_DNS", ecs: true, message: zeekDNS},
	})
}

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
			"timestamp":                          `"Dec  9 13:01:26"`,
			"host":                               `{"hostname":"localhost"}`,
			"process":                            `{"pid":28029,"name":"haproxy"}`,
			"source":                             `{"port":39759,"address":"127.0.0.1","bytes":83285}`,
			"[haproxy][request_date]":            `"09/Dec/2013:12:59:46.633"`,
			"[haproxy][frontend_name]":           `"loadbalancer"`,
			"[haproxy][backend_name]":            `"default"`,
			"[haproxy][server_name]":             `"instance8"`,
			"[haproxy][total_waiting_time_ms]":   `51536`,
			"[haproxy][connection_wait_time_ms]": `1`,
			"[haproxy][total_time_ms]":           `"99627"`,
			"[haproxy][http][request][time_wait_ms]":              `0`,
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

package filter

import (
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
)

// TestGrokSpecJava: logstash-patterns-core spec/patterns/java_spec.rb.
func TestGrokSpecJava(t *testing.T) {
	const (
		part     = `  at com.sample.stacktrace.StackTraceExample.aMethod(StackTraceExample.java:42)`
		gen      = `  at org.jruby.RubyMethod$INVOKER$i$call.call(RubyMethod$INVOKER$i$call.gen)`
		tc41     = "Dec 30, 2020 11:30:40 AM org.apache.struts.util.PropertyMessageResources <init>\nINFO: Initializing, config='org.apache.struts.util.LocalStrings', returnNull=true"
		tc60     = "Jul 30, 2020 3:00:21 PM org.apache.coyote.http11.Http11Protocol init\nINFO: Initializing Coyote HTTP/1.1 on http-8080"
		tc90     = "31-Jul-2020 16:40:38.505 INFO [localhost-startStop-1] org.apache.catalina.startup.HostConfig.deployDirectory Deployment of web application directory [/opt/temp/apache-tomcat-8.5.57/webapps/ROOT] has finished in [40] ms"
		tc90M    = "Deployment of web application directory [/opt/temp/apache-tomcat-8.5.57/webapps/ROOT] has finished in [40] ms"
		catTrace = "30-Dec-2020 11:44:31.277 SEVERE [main] org.apache.catalina.util.LifecycleBase.handleSubClassException Failed to initialize component [Connector[HTTP/1.1-8080]]\n" +
			"\torg.apache.catalina.LifecycleException: Protocol handler initialization failed\n" +
			"\t\tat org.apache.catalina.connector.Connector.initInternal(Connector.java:1042)\n" +
			"\t\tat sun.reflect.NativeMethodAccessorImpl.invoke0(Native Method)\n" +
			"\tCaused by: java.net.BindException: Address already in use\n" +
			"\t\tat sun.nio.ch.Net.bind0(Native Method)\n" +
			"\t\t... 13 more\n"
		tc80    = "31-Jul-2020 16:40:38.451 INFO [localhost-startStop-1] org.apache.catalina.core.ApplicationContext.log ContextListener: attributeAdded('StockTicker', 'async.Stockticker@42dd551d')"
		tc70    = "Jul 31, 2020 4:40:20 PM org.apache.catalina.core.ApplicationContext log\nINFO: SessionListener: contextDestroyed()"
		tcTrace = "Oct 30, 2013 11:10:05 AM org.apache.catalina.core.StandardWrapperValve invoke\nSEVERE: Servlet.service() for servlet [jsp] in context with path [] threw exception [java.lang.ClassCastException: org.apache.jasper.runtime.ELContextImpl cannot be cast to org.apache.jasper.el.ELContextImpl] with root cause\njava.lang.ClassCastException: org.apache.jasper.runtime.ELContextImpl cannot be cast to org.apache.jasper.el.ELContextImpl\n    at org.apache.jasper.runtime.PageContextImpl.proprietaryEvaluate(PageContextImpl.java:1023)\n    at java.lang.Thread.run(Thread.java:724)\n"
		weird   = `2014-01-09 20:03:28,269 -0800 | ERROR | com.example.service.ExampleService - something compeletely unexpected happened...`
		weirdM  = `something compeletely unexpected happened...`
	)
	messageParts := func(first, sub string) func(*testing.T, *logpipe.Event) {
		return func(t *testing.T, e *logpipe.Event) {
			v, _ := e.Get(logpipe.MustPath("message"))
			arr := v.Array()
			if len(arr) != 2 || !strings.HasPrefix(arr[1].Str(), first) || !strings.Contains(arr[1].Str(), sub) {
				t.Errorf("message = %s, want [original, text starting %q containing %q]", v, first, sub)
			}
		}
	}
	const f = "java"
	specs := []grokSpec{
		{file: f, name: "underscores", pattern: "JAVACLASS", message: "hudson.node_monitors.AbstractAsyncNodeMonitorDescriptor"},
		{file: f, name: "spaces", pattern: "JAVAFILE", message: "Native Method"},
		{file: f, name: "matches", pattern: "JAVASTACKTRACEPART", ecs: true, message: part, want: map[string]string{
			"log":  `{"origin":{"function":"aMethod","file":{"name":"StackTraceExample.java","line":42}}}`,
			"java": `{"log":{"origin":{"class":{"name":"com.sample.stacktrace.StackTraceExample"}}}}`}},
		{file: f, name: "matches", pattern: "JAVASTACKTRACEPART", message: part, want: map[string]string{
			"message": js(part), "method": `"aMethod"`, "class": `"com.sample.stacktrace.StackTraceExample"`, "file": `"StackTraceExample.java"`, "line": `"42"`}},
		{file: f, name: "generated file", pattern: "JAVASTACKTRACEPART", ecs: true, message: gen, want: map[string]string{
			"log":  `{"origin":{"function":"call","file":{"name":"RubyMethod$INVOKER$i$call.gen"}}}`,
			"java": `{"log":{"origin":{"class":{"name":"org.jruby.RubyMethod$INVOKER$i$call"}}}}`}},
		{file: f, name: "generated file", pattern: "JAVASTACKTRACEPART", message: gen, want: map[string]string{
			"method": `"call"`, "class": `"org.jruby.RubyMethod$INVOKER$i$call"`, "file": `"RubyMethod$INVOKER$i$call.gen"`}},
		{file: f, name: "Tomcat 4.1", pattern: "CATALINALOG", ecs: true, message: tc41, want: map[string]string{
			"timestamp": `"Dec 30, 2020 11:30:40 AM"`, "java": `{"log":{"origin":{"class":{"name":"org.apache.struts.util.PropertyMessageResources"}}}}`,
			"log": `{"level":"INFO","origin":{"function":"<init>"}}`, "message": pair(tc41, "Initializing, config='org.apache.struts.util.LocalStrings', returnNull=true")}},
		{file: f, name: "Tomcat 4.1", pattern: "CATALINALOG", message: tc41, want: map[string]string{
			"timestamp": `"Dec 30, 2020 11:30:40 AM"`, "class": `"org.apache.struts.util.PropertyMessageResources"`,
			"logmessage": js("<init>\nINFO: Initializing, config='org.apache.struts.util.LocalStrings', returnNull=true")}},
		{file: f, name: "Tomcat 6.0", pattern: "CATALINALOG", ecs: true, message: tc60, want: map[string]string{
			"timestamp": `"Jul 30, 2020 3:00:21 PM"`, "java": `{"log":{"origin":{"class":{"name":"org.apache.coyote.http11.Http11Protocol"}}}}`,
			"log": `{"level":"INFO","origin":{"function":"init"}}`, "message": pair(tc60, "Initializing Coyote HTTP/1.1 on http-8080")}},
		{file: f, name: "Tomcat 6.0", pattern: "CATALINALOG", message: tc60, want: map[string]string{
			"timestamp": `"Jul 30, 2020 3:00:21 PM"`, "class": `"org.apache.coyote.http11.Http11Protocol"`,
			"logmessage": js("init\nINFO: Initializing Coyote HTTP/1.1 on http-8080")}},
		// Tomcat 8.5/9.0 lines are "not supported in legacy mode" in the spec.
		{file: f, name: "Tomcat 9.0", pattern: "CATALINALOG", ecs: true, message: tc90, want: map[string]string{
			"timestamp": `"31-Jul-2020 16:40:38.505"`,
			"java":      `{"log":{"origin":{"thread":{"name":"localhost-startStop-1"},"class":{"name":"org.apache.catalina.startup.HostConfig"}}}}`,
			"log":       `{"level":"INFO","origin":{"function":"deployDirectory"}}`, "message": pair(tc90, tc90M)}},
		{file: f, name: "multiline stack trace", pattern: "CATALINALOG", ecs: true, message: catTrace, want: map[string]string{
			"timestamp": `"30-Dec-2020 11:44:31.277"`,
			"java":      `{"log":{"origin":{"thread":{"name":"main"},"class":{"name":"org.apache.catalina.util.LifecycleBase"}}}}`,
			"log":       `{"level":"SEVERE","origin":{"function":"handleSubClassException"}}`, "[message][0]": js(catTrace)},
			check: messageParts("Failed to initialize component [Connector[HTTP/1.1-8080]]", "Caused by: java.net.BindException: Address already in use")},
		{file: f, name: "Tomcat 8.0", pattern: "TOMCATLOG", ecs: true, message: tc80, want: map[string]string{
			"timestamp": `"31-Jul-2020 16:40:38.451"`, "log": `{"level":"INFO","origin":{"function":"log"}}`,
			"java":    `{"log":{"origin":{"class":{"name":"org.apache.catalina.core.ApplicationContext"},"thread":{"name":"localhost-startStop-1"}}}}`,
			"message": pair(tc80, "ContextListener: attributeAdded('StockTicker', 'async.Stockticker@42dd551d')")}},
		{file: f, name: "Tomcat 7.0", pattern: "TOMCATLOG", ecs: true, message: tc70, want: map[string]string{
			"timestamp": `"Jul 31, 2020 4:40:20 PM"`, "log": `{"level":"INFO","origin":{"function":"log"}}`,
			"java":    `{"log":{"origin":{"class":{"name":"org.apache.catalina.core.ApplicationContext"}}}}`,
			"message": pair(tc70, "SessionListener: contextDestroyed()")}},
		{file: f, name: "multi-line trace", pattern: "TOMCATLOG", ecs: true, message: tcTrace, want: map[string]string{
			"timestamp": `"Oct 30, 2013 11:10:05 AM"`,
			"java":      `{"log":{"origin":{"class":{"name":"org.apache.catalina.core.StandardWrapperValve"}}}}`,
			"log":       `{"level":"SEVERE","origin":{"function":"invoke"}}`},
			check: messageParts("Servlet.service() for servlet [jsp] in context with path [] threw exception [java.lang.ClassCastException: org.apache.jasper.runtime.ELContextImpl cannot be cast to org.apache.jasper.el.ELContextImpl] with root cause", "at java.lang.Thread.run(Thread.java")},
		{file: f, name: "weird format", pattern: "TOMCATLOG", ecs: true, message: weird, want: map[string]string{
			"timestamp": `"2014-01-09 20:03:28,269 -0800"`, "log": `{"level":"ERROR"}`,
			"java": `{"log":{"origin":{"class":{"name":"com.example.service.ExampleService"}}}}`}},
		{file: f, name: "weird format", pattern: "TOMCATLOG", message: weird, want: map[string]string{
			"timestamp": `"2014-01-09 20:03:28,269 -0800"`, "level": `"ERROR"`}},
		{file: f, name: "weird format message", pattern: "TOMCATLOG", ecs: true, message: weird, want: map[string]string{"message": pair(weird, weirdM)}},
		{file: f, name: "weird format message", pattern: "TOMCATLOG", message: weird, want: map[string]string{"logmessage": js(weirdM)}},
	}
	runGrokSpecs(t, specs)
}

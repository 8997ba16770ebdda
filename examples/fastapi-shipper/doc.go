// Command fastapi-shipper is the tutorial's logstash.conf written with
// logpipe: it reads the FastAPI service's log files, splits each line with
// grok, decodes its JSON document, takes @timestamp from the line, and sends
// the events to Elasticsearch and to standard output.
//
//	go run ./examples/fastapi-shipper -once -path examples/fastapi-shipper/testdata/app.log
//
// Run it with -h for the flags. SIGINT and SIGTERM stop reading; what is in
// flight is delivered and the file positions are saved before it exits 0.
package main

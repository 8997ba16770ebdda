// Command demo is a tiny web service that logs its requests with package
// httplog, in the tutorial's format, to logs/app.log:
//
//	go run ./examples/httplog/cmd/demo &
//	curl localhost:8080/ localhost:8080/error 'localhost:8080/search?q=shoes'
//	go run ./examples/fastapi-shipper -once
//
// Endpoints: / (hello), /items/{id}, /search (slow: 20 to 200 ms) and
// /error (always 500).
package main

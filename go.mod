module github.com/logpipe/logpipe

go 1.26.8

require (
	github.com/medama-io/go-useragent v1.2.5
	github.com/trivago/grok v1.0.0
	github.com/valyala/fastjson v1.6.10
)

require github.com/boyter/go-string v1.0.5 // indirect

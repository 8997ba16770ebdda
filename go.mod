module github.com/logpipe/logpipe

go 1.26.8

require github.com/valyala/fastjson v1.6.10

require github.com/trivago/grok v1.0.0

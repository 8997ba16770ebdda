// Package elasticsearch is logpipe's Elasticsearch output: it delivers
// batches with the _bulk API of Elasticsearch (7, 8 and 9) and of servers
// that speak it (OpenSearch, VictoriaLogs), and reports the outcome per
// event, as Logstash's elasticsearch output does.
//
// It depends on github.com/elastic/elastic-transport-go/v8 only (the
// connection pool, node rotation and credentials), not on the full
// go-elasticsearch client and its typed API: it encodes bulk bodies and
// decodes answers itself. Pass your own transport in Config.Transport to
// use a configured *elastictransport.Client or *elasticsearch.Client.
//
// Nothing is acknowledged unless the server's answer is a complete bulk
// answer with one item per document sent; what happens to each document
// then follows the status table documented at Output.Write. Refused
// documents are reported as Permanent *ItemError values, which the
// pipeline writes to its dead-letter output with the details of
// ItemError.DeadLetterFields.
//
// The subpackage estest is an in-process fake of the _bulk API, with fault
// injection, for tests.
package elasticsearch

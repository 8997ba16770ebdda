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
// Before its first _bulk request the output runs Output.Setup once: a
// health check (GET /) that reads the server's major version and tells an
// unreachable cluster, bad credentials (401), missing privileges (403) and
// a server that is not Elasticsearch apart, then, with
// Config.ManageTemplate, the installation of the index template, and with
// Config.ILMEnabled the ILM policy and bootstrap index. With
// Config.DataStream it writes to data streams ("logs-generic-default" and
// the like) instead of plain indices; a data stream template with
// "lifecycle": {"data_retention": ...} gives them a retention.
//
// Servers differ as follows. Elasticsearch 8 and 9: composable templates,
// data streams with "data_retention". Elasticsearch 7.x: the legacy
// template API (a composable Template is converted; a data stream template
// needs 7.9+ and TemplateAPIComposable), no data stream lifecycle (use
// ILM on the server). OpenSearch (GET / says "distribution": "opensearch"):
// composable templates, data streams, retention through its ISM plugin
// rather than "lifecycle"; it sends no X-Elastic-Product header, which the
// output does not require. VictoriaLogs: answers GET / as 8.x and has no
// template API (logged once); it keeps what it receives for its own
// -retentionPeriod (7 days by default: older timestamps are dropped on
// arrival, though the bulk answer says they were stored).
//
// The subpackage estest is an in-process fake of the _bulk API, with fault
// injection, that also answers GET /, _index_template, _template and
// _data_stream as Elasticsearch 8 does, for tests.
package elasticsearch

// Package output holds logpipe's outputs: Writer (standard output or any
// io.Writer, as JSON lines or in Logstash's rubydebug look), File (JSON
// lines appended to a file, suitable as the pipeline's dead-letter
// output) and Elasticsearch (bulk indexing with per-item outcomes).
//
// Every output follows the logpipe.Output contract: Write returns only
// when the batch has been accepted (written, synced or indexed), reports
// per-event outcomes with a *logpipe.BatchError, marks failures that
// cannot be retried with logpipe.Permanent, and never modifies or keeps
// the batch.
package output

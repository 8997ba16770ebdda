// Package output holds logpipe's outputs that need nothing beyond the
// standard library: Writer (standard output or any io.Writer, as JSON
// lines or in Logstash's rubydebug look) and File (JSON lines appended to
// a file, suitable as the pipeline's dead-letter output). Outputs with a
// heavy dependency live in packages of their own, so that a program pays
// only for what it imports: the Elasticsearch output is in
// output/elasticsearch.
//
// Every output follows the logpipe.Output contract: Write returns only
// when the batch has been accepted (written, synced or indexed), reports
// per-event outcomes with a *logpipe.BatchError, marks failures that
// cannot be retried with logpipe.Permanent, and never modifies or keeps
// the batch.
package output

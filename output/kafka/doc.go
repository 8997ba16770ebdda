// Package kafka is logpipe's Kafka output: every event becomes one record
// produced with franz-go (github.com/twmb/franz-go/pkg/kgo), to a topic and
// with a key rendered from templates.
//
// It lives in a package of its own so that a program which does not ship
// to Kafka does not compile the Kafka client.
//
// Write returns once the cluster acknowledged every record of the batch
// (acks=all and the idempotent producer by default), and reports record
// outcomes one by one in a *logpipe.BatchError: errors the client gave up
// retrying are retryable for the pipeline, a topic that does not exist
// (UNKNOWN_TOPIC_OR_PARTITION) included, while a record too large, an
// invalid topic name or an authorization failure is logpipe.Permanent,
// with the reason in the dead-letter record (see RecordError).
package kafka

// Package kafka is logpipe's Kafka input: a member of a consumer group
// (franz-go, github.com/twmb/franz-go/pkg/kgo, with the cooperative-sticky
// balancer) that turns records into events.
//
// It lives in a package of its own so that a program which does not read
// from Kafka does not compile the Kafka client.
//
// # Delivery
//
// The input is a logpipe.Source. Every assigned partition is one
// logpipe.Stream, so acknowledgements come back in offset order per
// partition, and the offset committed for a partition is always the one
// after the last record the pipeline acknowledged: never past a batch
// that is still in flight or failed. Commits happen every CommitInterval,
// when partitions are revoked and on Close.
//
// A batch the pipeline could not deliver (it failed, or was refused while
// stopping) stops its partition: the batches behind it are acknowledged
// with errors too (see logpipe.Stream), and once they all came back the
// partition is read again from its last acknowledged offset, in a new
// stream. Delivery is at least once: a record is read again after a
// crash, a failure or a rebalance that abandoned it, and keeps its event
// id ([@metadata][id], "topic-partition-offset", or with
// Config.IDFromKey the record key), so an output that writes by id
// (Elasticsearch "create") stores it once.
//
// # Rebalances
//
// When the group takes partitions away, the input stops fetching them,
// waits up to DrainTimeout for the batches already handed to the pipeline
// to be acknowledged, commits what was acknowledged and only then lets the
// group hand the partitions to another member, which starts where this
// one really stopped.
//
// # Backpressure
//
// A stream whose window is full blocks its partition's Send; records
// fetched meanwhile wait in a short queue, and a partition whose queue is
// full is paused (no more fetches) until it drains. Memory stays bounded
// by the window, the queue and franz-go's fetch limits.
package kafka

// Command indexer is the central tier of the FastAPI tutorial's setup at
// scale, the place of Logstash between the shippers and Elasticsearch:
// it receives events from Filebeat or Elastic Agent (-beats) and over
// HTTP (-http), TCP and UDP (-tcp, -udp), runs the tutorial's filters on raw log lines, and indexes
// into Elasticsearch.
//
//	indexer -beats :5044 -http :8080 -es http://localhost:9200 -metrics :9600
//
// Flags:
//
//	-beats ADDR        receive from Beats (lumberjack v2) on ADDR
//	-http ADDR         receive POSTed events on ADDR (JSON, JSON array, JSON lines, text lines)
//	-tcp ADDR          receive lines or octet-counted syslog frames over TCP on ADDR
//	-udp ADDR          receive syslog datagrams on ADDR (best effort)
//	-kafka BROKERS     consume from Kafka (comma-separated host:port) as a group member
//	-kafka-topic TOPIC topic to consume (default fastapi-logs)
//	-kafka-group GROUP consumer group (default logpipe-indexer): indexers of one group share the partitions
//	-kafka-key-id      the records' keys are unique event ids (as fastapi-shipper -kafka writes them): use them as document ids
//	-es URL            Elasticsearch node (repeatable; the nodes of one cluster)
//	-index TEMPLATE    index name template (default fastapi-logs-%{+YYYY.MM.dd})
//	-dead-letter FILE  documents rejected for good, with the reason
//	-stdout CODEC      json, rubydebug or none (default none with -es, else rubydebug)
//	-timezone NAME     time zone of the tutorial's log timestamps (default local)
//	-metrics ADDR      serve /metrics (Prometheus) and /_node/stats/pipelines (JSON)
//
// At least one of -beats, -http, -tcp, -udp and -kafka is required. Events whose "message"
// is a raw tutorial line ("2024-12-21 10:00:00,123 - INFO - request:
// {...}") go through the tutorial's grok, json and date filters (the code
// examples/fastapi-shipper uses); lines starting with a syslog priority
// ("<34>...", from -tcp or -udp) go through the syslog filter; events
// that arrive parsed pass unchanged.
//
// Delivery is at-least-once end to end: a Beats window is acknowledged
// and an HTTP request answered 200 only after Elasticsearch accepted its
// events. Documents are written with action create; an event carrying
// [@metadata][id] (Beats: the agent's [@metadata][_id], set by its add_id
// or fingerprint processor) is indexed under that id, so events an agent
// sends again after a crash are stored once; other events get ids chosen
// by Elasticsearch.
//
// SIGINT or SIGTERM: stop accepting (new HTTP requests get 503, Beats
// connections are no longer read), answer and acknowledge what is in
// flight once delivered, drain, exit 0.
package main

package metrics

// NodeStats is the JSON view, shaped like Logstash's
// "GET /_node/stats/pipelines": pipelines by id, each with its event
// counts and its plugins. Keys Logstash has keep their meaning; counters
// Logstash lacks are added under "logpipe" (pipeline) and beside the
// plugin's "events" (connections, bytes). Timings Logstash reports
// (duration_in_millis, ...) are not measured and left out.
type NodeStats struct {
	Pipelines map[string]PipelineStats `json:"pipelines"`
}

// PipelineStats is one pipeline of NodeStats.
type PipelineStats struct {
	Events  EventCounts   `json:"events"`
	Plugins PluginsStats  `json:"plugins"`
	Logpipe LogpipeCounts `json:"logpipe"`
}

// EventCounts are Logstash's pipeline counts: in (from inputs), filtered
// (through the filters) and out (delivered to every output).
type EventCounts struct {
	In       uint64 `json:"in"`
	Filtered uint64 `json:"filtered"`
	Out      uint64 `json:"out"`
}

// PluginsStats lists the pipeline's plugins in configuration order.
type PluginsStats struct {
	Inputs  []PluginStats `json:"inputs"`
	Filters []PluginStats `json:"filters"`
	Outputs []PluginStats `json:"outputs"`
}

// PluginStats is one plugin. Logstash's inputs report events.out (events
// they produced), filters and outputs events.in and events.out.
type PluginStats struct {
	ID     string       `json:"id"`
	Name   string       `json:"name"`
	Events PluginEvents `json:"events"`
	// Outputs: Logstash's elasticsearch output's document counts.
	Documents *DocumentCounts `json:"documents,omitempty"`
	// Network inputs.
	Connections     *uint64 `json:"connections,omitempty"`
	ConnectionsOpen *uint64 `json:"connections_open,omitempty"`
	BytesIn         *uint64 `json:"bytes_in,omitempty"`
	// logpipe's extra counters.
	Dropped   uint64 `json:"dropped,omitempty"`
	Retries   uint64 `json:"retries,omitempty"`
	AckErrors uint64 `json:"ack_errors,omitempty"`
}

// PluginEvents counts the events a plugin took in and gave out.
type PluginEvents struct {
	In  *uint64 `json:"in,omitempty"`
	Out uint64  `json:"out"`
}

// DocumentCounts are an output's accepted and rejected-for-good events.
type DocumentCounts struct {
	Successes            uint64 `json:"successes"`
	NonRetryableFailures uint64 `json:"non_retryable_failures"`
}

// LogpipeCounts are the pipeline counters Logstash has no key for; see
// pipeline.Stats.
type LogpipeCounts struct {
	Created         uint64 `json:"created"`
	Dropped         uint64 `json:"dropped"`
	DeadLettered    uint64 `json:"dead_lettered"`
	Rejected        uint64 `json:"rejected"`
	Undelivered     uint64 `json:"undelivered"`
	Failed          uint64 `json:"failed"`
	Tagged          uint64 `json:"tagged"`
	Retries         uint64 `json:"retries"`
	BatchesAcked    uint64 `json:"batches_acked"`
	BatchesNacked   uint64 `json:"batches_nacked"`
	AckErrors       uint64 `json:"ack_errors"`
	Streams         uint64 `json:"streams"`
	BatchesInFlight int64  `json:"batches_in_flight"`
}

// NodeStats returns the JSON view of the current counters.
func (m *Metrics) NodeStats() NodeStats {
	st := m.cfg.Stats()
	net := map[string]NetInput{}
	for _, in := range m.cfg.Inputs {
		net[in.ID()] = in
	}
	p := PipelineStats{
		Events: EventCounts{In: st.EventsIn, Out: st.Delivered, Filtered: st.EventsIn},
		Logpipe: LogpipeCounts{
			Created: st.Created, Dropped: st.Dropped, DeadLettered: st.DeadLettered, Rejected: st.Rejected,
			Undelivered: st.Undelivered, Failed: st.Failed, Tagged: st.Tagged, Retries: st.Retries,
			BatchesAcked: st.Acked, BatchesNacked: st.Nacked, AckErrors: st.AckErrors, Streams: st.Streams,
			BatchesInFlight: st.BatchesInFlight,
		},
		Plugins: PluginsStats{Inputs: []PluginStats{}, Filters: []PluginStats{}, Outputs: []PluginStats{}},
	}
	if n := len(st.Filters); n > 0 {
		p.Events.Filtered = st.Filters[n-1].Out // what left the last filter
	}
	for _, s := range st.Inputs {
		ps := PluginStats{ID: s.Name, Name: s.Name, Events: PluginEvents{Out: s.In}, Retries: s.Retries, AckErrors: s.AckErrors}
		if in, ok := net[s.Name]; ok {
			total, open := in.Connections()
			bytes := in.BytesIn()
			ps.Connections, ps.ConnectionsOpen, ps.BytesIn = &total, &open, &bytes
		}
		p.Plugins.Inputs = append(p.Plugins.Inputs, ps)
	}
	for _, s := range st.Filters {
		in := s.In
		p.Plugins.Filters = append(p.Plugins.Filters, PluginStats{ID: s.Name, Name: s.Name, Events: PluginEvents{In: &in, Out: s.Out}, Dropped: s.Dropped, Retries: s.Retries})
	}
	for _, s := range st.Outputs {
		in := s.In
		p.Plugins.Outputs = append(p.Plugins.Outputs, PluginStats{
			ID: s.Name, Name: s.Name, Events: PluginEvents{In: &in, Out: s.Out}, Retries: s.Retries,
			Documents: &DocumentCounts{Successes: s.Out, NonRetryableFailures: s.Failed},
		})
	}
	return NodeStats{Pipelines: map[string]PipelineStats{m.cfg.PipelineID: p}}
}

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input/inputtest"
	"github.com/logpipe/logpipe/output/elasticsearch"
	"github.com/logpipe/logpipe/output/elasticsearch/estest"
	"github.com/logpipe/logpipe/output/outputtest"
	"github.com/logpipe/logpipe/pipeline"
)

// TestFaultServerThroughPipeline drives a pipeline into a fake
// Elasticsearch that answers with random per-item 429s, whole-request
// 503s, connections dropped before and after storing, 200 answers cut
// short or with an item missing after storing, and rejects
// some documents for good with 400. With action create and stable
// document ids, every accepted event must be stored exactly once, every
// rejected one must be in the dead-letter output with its reason, and the
// counters of the output, the pipeline and the server must agree.
// firstHalfOK rewrites a bulk answer into one that keeps the first half
// of its items and says "errors": false.
func firstHalfOK(a []byte) []byte {
	var r struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(a, &r); err != nil {
		return a // the fake's own answers always decode
	}
	var b bytes.Buffer
	b.WriteString(`{"took":1,"errors":false,"items":[`)
	for k, it := range r.Items[:len(r.Items)/2] {
		if k > 0 {
			b.WriteByte(',')
		}
		b.Write(it)
	}
	b.WriteString("]}")
	return b.Bytes()
}

func TestFaultServerThroughPipeline(t *testing.T) {
	const (
		n     = 6000
		index = "faults"
	)
	isBad := func(i int) bool { return i%97 == 3 }
	var mu sync.Mutex
	mangled := 0
	rng := rand.New(rand.NewPCG(1, 2))
	srv := estest.NewServer(estest.Config{Fault: func(r *estest.Request) estest.Plan {
		mu.Lock()
		defer mu.Unlock()
		items := make([]int, len(r.Docs))
		for k, d := range r.Docs {
			switch {
			case bytes.Contains(d.Source, []byte(`"bad":true`)):
				items[k] = 400
			case rng.Float64() < 0.1:
				items[k] = 429
			}
		}
		switch x := rng.Float64(); {
		case x < 0.08:
			return estest.Plan{Status: 503}
		case x < 0.14:
			return estest.Plan{Drop: estest.DropBeforeStore}
		case x < 0.20:
			return estest.Plan{Drop: estest.DropAfterStore, Items: items}
		case x < 0.24: // a proxy cuts the answer after the flag; nothing was stored
			mangled++
			for k := range items {
				items[k] = 503
			}
			return estest.Plan{Items: items, Answer: func([]byte) []byte { return []byte(`{"took":1,"errors":false`) }}
		case x < 0.28: // only the first half is stored, and the answer lists only it
			mangled++
			for k := len(items) / 2; k < len(items); k++ {
				items[k] = 503
			}
			return estest.Plan{Items: items, Answer: firstHalfOK}
		}
		return estest.Plan{Items: items}
	}})
	defer srv.Close()

	evs := make([]*logpipe.Event, n)
	nbad := 0
	for i := range evs {
		e := logpipe.NewEvent(fmt.Sprintf("m%d", i))
		e.Timestamp = time.Date(2024, 12, 21, 0, 0, 0, 0, time.UTC)
		e.Set(logpipe.MustPath("[@metadata][id]"), logpipe.StringValue(fmt.Sprintf("ev-%d", i)))
		if isBad(i) {
			e.Set(logpipe.MustPath("bad"), logpipe.BoolValue(true))
			nbad++
		}
		evs[i] = e
	}
	in := inputtest.FromEvents(evs, 250)
	es, err := elasticsearch.New(elasticsearch.Config{
		Addresses:      []string{srv.URL},
		Index:          index,
		Action:         elasticsearch.ActionCreate,
		DocumentID:     "%{[@metadata][id]}",
		MaxBatchEvents: 100, // several requests per batch
		Logger:         slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	dead := outputtest.NewSink()
	p, err := pipeline.New(pipeline.Config{
		Inputs:     []logpipe.Input{in},
		Outputs:    []logpipe.Output{es},
		DeadLetter: dead,
		Workers:    2,
		Retry:      pipeline.RetryPolicy{InitialBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond},
		Logger:     slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(t.Context()); err != nil {
		t.Fatalf("pipeline: %v", err)
	}

	// Every good event stored exactly once; no bad one stored.
	for i := range n {
		got := srv.Stored(index, fmt.Sprintf("ev-%d", i))
		if want := map[bool]int{true: 0, false: 1}[isBad(i)]; got != want {
			t.Errorf("ev-%d stored %d times, want %d", i, got, want)
		}
	}
	if got := srv.Count(); got != n-nbad {
		t.Errorf("server stored %d documents, want %d", got, n-nbad)
	}

	// Every rejected event is in the dead-letter output with its reason.
	deadIDs := map[string]bool{}
	for _, e := range dead.Events() {
		id, _ := e.Get(logpipe.MustPath("[@metadata][id]"))
		reason, _ := e.Get(logpipe.MustPath("[@metadata][dead_letter][reason]"))
		status, _ := e.Get(logpipe.MustPath("[@metadata][dead_letter][status]"))
		if s, _ := status.Int(); s != 400 || !strings.Contains(reason.Str(), "mapper_parsing_exception") {
			t.Errorf("dead letter %s: status %v, reason %q", id.Str(), status, reason.Str())
		}
		if deadIDs[id.Str()] {
			t.Errorf("dead letter %s recorded twice", id.Str())
		}
		deadIDs[id.Str()] = true
	}
	for i := range n {
		if isBad(i) != deadIDs[fmt.Sprintf("ev-%d", i)] {
			t.Errorf("ev-%d: dead-lettered = %v, want %v", i, !isBad(i), isBad(i))
		}
	}

	// The input saw every batch acknowledged as delivered.
	if acked := in.Acked(); acked != n {
		t.Errorf("acked batches hold %d events, want %d", acked, n)
	}
	if probs := in.Problems(); len(probs) > 0 {
		t.Errorf("input problems: %v", probs)
	}

	// Counters agree.
	total, dropped := srv.Requests()
	ost, pst := es.Stats(), p.Stats()
	t.Logf("server: %d requests, %d dropped; output: %+v; pipeline: in %d out %d dead %d retries %d",
		total, dropped, ost, pst.EventsIn, pst.Delivered, pst.DeadLettered, pst.Retries)
	if dropped == 0 || mangled == 0 || ost.Duplicates == 0 || ost.Retried == 0 {
		t.Errorf("the fault plan did not exercise drops (%d), bad answers (%d), duplicates and retries: %+v", dropped, mangled, ost)
	}
	if ost.Indexed != uint64(n-nbad) || ost.Failed != uint64(nbad) {
		t.Errorf("output stats = %+v, want indexed %d, failed %d", ost, n-nbad, nbad)
	}
	if ost.BulkRequests != uint64(total) {
		t.Errorf("output sent %d requests, server saw %d", ost.BulkRequests, total)
	}
	if pst.EventsIn != n || pst.DeadLettered != uint64(nbad) || pst.Rejected != 0 {
		t.Errorf("pipeline stats = %+v", pst)
	}
	if pst.Retries != ost.Retried {
		t.Errorf("pipeline retried %d events, output reported %d retryable", pst.Retries, ost.Retried)
	}
}

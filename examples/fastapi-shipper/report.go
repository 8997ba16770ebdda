package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter/useragent"
)

// report is an Output that aggregates the tutorial's analysis from the
// events it receives: requests, share of 5xx and latency per endpoint, the
// top client addresses and the browser families. It reads the fields the
// json filter put under [log_data] and ignores events that have none (lines
// that failed to parse). It is safe for concurrent use.
type report struct {
	ua *useragent.UserAgent // only its Parse method is used: the events are not modified

	path, status, latency, client, agent logpipe.Path

	mu        sync.Mutex
	requests  int
	endpoints map[string]*endpoint
	clients   map[string]int
	browsers  map[string]int
	families  map[string]string // user agent -> browser family, parsed once
}

type endpoint struct {
	requests, serverErrors int
	latencies              []float64 // ms
}

var _ logpipe.Output = (*report)(nil)

func newReport() (*report, error) {
	ua, err := useragent.New(useragent.Config{Source: "[log_data][user_agent]"})
	if err != nil {
		return nil, err
	}
	return &report{
		ua:        ua,
		path:      logpipe.MustPath("[log_data][path]"),
		status:    logpipe.MustPath("[log_data][status_code]"),
		latency:   logpipe.MustPath("[log_data][process_time_ms]"),
		client:    logpipe.MustPath("[log_data][client_ip]"),
		agent:     logpipe.MustPath("[log_data][user_agent]"),
		endpoints: make(map[string]*endpoint),
		clients:   make(map[string]int),
		browsers:  make(map[string]int),
		families:  make(map[string]string),
	}, nil
}

// Write adds the requests of b to the report. It never fails.
func (r *report) Write(_ context.Context, b logpipe.Batch) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range b {
		p, ok := e.Get(r.path)
		if !ok || p.Kind() != logpipe.KindString {
			continue
		}
		r.requests++
		ep := r.endpoints[endpointOf(p.Str())]
		if ep == nil {
			ep = &endpoint{}
			r.endpoints[endpointOf(p.Str())] = ep
		}
		ep.requests++
		if v, ok := e.Get(r.status); ok {
			if s, ok := v.Int(); ok && s >= 500 && s <= 599 {
				ep.serverErrors++
			}
		}
		if v, ok := e.Get(r.latency); ok {
			if ms, ok := v.Float(); ok {
				ep.latencies = append(ep.latencies, ms)
			}
		}
		if v, ok := e.Get(r.client); ok {
			r.clients[v.String()]++
		}
		r.browsers[r.family(e)]++
	}
	return nil
}

// family returns the browser family of e's user agent, "(none)" without one.
func (r *report) family(e *logpipe.Event) string {
	v, ok := e.Get(r.agent)
	if !ok || v.Kind() != logpipe.KindString {
		return "(none)"
	}
	ua := v.Str()
	f, ok := r.families[ua]
	if !ok {
		f = r.ua.Parse(ua).Name
		if len(r.families) < 10000 { // bound the cache on hostile input
			r.families[strings.Clone(ua)] = f
		}
	}
	return f
}

// Close does nothing.
func (r *report) Close(context.Context) error { return nil }

// endpointOf replaces the numeric segments of a URL path with "{id}", so
// that /items/42 and /items/7 count as one endpoint, and drops a query.
func endpointOf(path string) string {
	path, _, _ = strings.Cut(path, "?")
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if s != "" && strings.Trim(s, "0123456789") == "" {
			segs[i] = "{id}"
		}
	}
	return strings.Join(segs, "/")
}

// print writes the analysis to w.
func (r *report) print(w io.Writer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintf(w, "\nRequests per endpoint (%d requests)\n", r.requests)
	fmt.Fprintln(tw, "endpoint\trequests\t5xx\t5xx share\tp50 ms\tp95 ms\tmax ms\t")
	names := sortedKeys(r.endpoints, func(e *endpoint) int { return e.requests })
	for _, name := range names {
		ep := r.endpoints[name]
		slices.Sort(ep.latencies)
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\t%s\t\n", name, ep.requests, ep.serverErrors,
			share(ep.serverErrors, ep.requests), ms(percentile(ep.latencies, 0.50)),
			ms(percentile(ep.latencies, 0.95)), ms(percentile(ep.latencies, 1)))
	}
	tw.Flush()
	r.printShares(w, tw, "Top client addresses", "client", r.clients, 10)
	r.printShares(w, tw, "Browser families", "browser", r.browsers, 0)
}

// printShares prints the largest counts of m (all when limit is 0) with
// their share of the requests.
func (r *report) printShares(w io.Writer, tw *tabwriter.Writer, title, what string, m map[string]int, limit int) {
	fmt.Fprintf(w, "\n%s\n", title)
	fmt.Fprintf(tw, "%s\trequests\tshare\t\n", what)
	keys := sortedKeys(m, func(n int) int { return n })
	if limit > 0 && len(keys) > limit {
		keys = keys[:limit]
	}
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t%d\t%s\t\n", k, m[k], share(m[k], r.requests))
	}
	tw.Flush()
}

// sortedKeys returns the keys of m by decreasing count, then by name.
func sortedKeys[V any](m map[string]V, count func(V) int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(count(m[b]), count(m[a])), strings.Compare(a, b))
	})
	return keys
}

// percentile returns the nearest-rank p-quantile of sorted, NaN when empty.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	i := max(int(math.Ceil(p*float64(len(sorted))))-1, 0)
	return sorted[i]
}

func share(n, total int) string {
	if total == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(total))
}

func ms(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fmt.Sprintf("%.2f", v)
}

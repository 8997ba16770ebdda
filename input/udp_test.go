package input_test

import (
	"context"
	"net"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/logpipe/logpipe/codec"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/input/inputtest"
	"github.com/logpipe/logpipe/internal/leakcheck"
)

func newUDP(t *testing.T, cfg input.UDPConfig) *input.UDP {
	t.Helper()
	cfg.Host = "127.0.0.1"
	u, err := input.NewUDP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestUDPFramings(t *testing.T) {
	leakcheck.Check(t)
	cases := []struct {
		name string
		cfg  input.UDPConfig
		sent []string
		want []string
	}{
		{"datagram", input.UDPConfig{}, []string{"one\n", "two\nlines", "", "crlf\r\n"}, []string{"one", "two\nlines", "", "crlf"}},
		{"line", input.UDPConfig{Framing: input.FramingLine}, []string{"a\nb\r\nc", "d\n"}, []string{"a", "b", "c", "d"}},
		{"invalid UTF-8", input.UDPConfig{}, []string{"caf\xe9"}, []string{"caf\uFFFD"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := newUDP(t, c.cfg)
			sink := inputtest.NewSink()
			runSource(t, u, sink)
			conn := dial(t, "udp", u.Addr())
			for _, d := range c.sent {
				send(t, conn, d)
				// In order: the sink keeps arrival order, and one
				// datagram at a time keeps the test free of reordering.
				waitFor(t, "the datagram", func() bool { return u.Stats().Datagrams >= uint64(slices.Index(c.sent, d)+1) })
			}
			evs := waitEvents(t, sink, len(c.want))
			var got []string
			for _, e := range evs {
				got = append(got, e.Message())
				if ip := str(e, "[host][ip]"); ip != "127.0.0.1" {
					t.Errorf("[host][ip] = %s", ip)
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestUDPFieldsAndCodec(t *testing.T) {
	leakcheck.Check(t)
	for _, c := range []struct {
		cfg   input.UDPConfig
		field string
	}{
		{input.UDPConfig{ECSCompatibility: "disabled"}, "host"},
		{input.UDPConfig{SourceIPFieldname: "[client][address]"}, "[client][address]"},
	} {
		u := newUDP(t, c.cfg)
		sink := inputtest.NewSink()
		runSource(t, u, sink)
		send(t, dial(t, "udp", u.Addr()), "x")
		if got := str(waitEvents(t, sink, 1)[0], c.field); got != "127.0.0.1" {
			t.Errorf("%s = %s", c.field, got)
		}
	}

	u := newUDP(t, input.UDPConfig{Codec: codec.JSONLines{}, Framing: input.FramingLine})
	sink := inputtest.NewSink()
	runSource(t, u, sink)
	// Blank lines, and a datagram of them, are no event, as in
	// Logstash's json_lines.
	c := dial(t, "udp", u.Addr())
	send(t, c, "\n \n")
	send(t, c, "\n{\"a\":1}\n\n{bad\n \n")
	evs := waitEvents(t, sink, 2)
	if str(evs[0], "a") != "1" || str(evs[0], "[host][ip]") != "127.0.0.1" {
		t.Errorf("decoded event %s", evs[0])
	}
	if evs[1].Message() != "{bad" || !evs[1].HasTag(codec.TagJSONParseFailure) {
		t.Errorf("bad line gave %s", evs[1])
	}
}

func TestUDPTruncated(t *testing.T) {
	leakcheck.Check(t)
	u := newUDP(t, input.UDPConfig{BufferSize: 16})
	sink := inputtest.NewSink()
	runSource(t, u, sink)
	send(t, dial(t, "udp", u.Addr()), strings.Repeat("x", 100))
	e := waitEvents(t, sink, 1)[0]
	if e.Message() != strings.Repeat("x", 16) || !e.HasTag(codec.TagLineTruncated) {
		t.Errorf("got %s", e)
	}
	if u.Stats().Truncated != 1 {
		t.Errorf("stats %+v", u.Stats())
	}
}

// Only the cut line of a datagram longer than BufferSize is tagged: the
// lines before it arrived whole.
func TestUDPTruncatedLines(t *testing.T) {
	leakcheck.Check(t)
	u := newUDP(t, input.UDPConfig{Framing: input.FramingLine, BufferSize: 8})
	sink := inputtest.NewSink()
	runSource(t, u, sink)
	send(t, dial(t, "udp", u.Addr()), "a\nb\nxxxxxxxx")
	evs := waitEvents(t, sink, 3)
	for i, want := range []struct {
		msg string
		cut bool
	}{{"a", false}, {"b", false}, {"xxxx", true}} {
		if e := evs[i]; e.Message() != want.msg || e.HasTag(codec.TagLineTruncated) != want.cut {
			t.Errorf("event %d = %s, want %q with truncation tag %v", i, e, want.msg, want.cut)
		}
	}
}

// QueueSize counts datagrams, as Logstash's queue_size counts packets: a
// datagram of more lines than QueueSize is queued whole and handed over
// in batches of at most MaxBatch, not dropped.
func TestUDPQueueCountsDatagrams(t *testing.T) {
	leakcheck.Check(t)
	u := newUDP(t, input.UDPConfig{Framing: input.FramingLine, QueueSize: 2, MaxBatch: 4})
	sink := inputtest.NewSink()
	runSource(t, u, sink)
	conn := dial(t, "udp", u.Addr())
	var want []string
	for d := range 2 {
		var b strings.Builder
		for i := range 11 {
			line := strconv.Itoa(d*100 + i)
			want = append(want, line)
			b.WriteString(line + "\n")
		}
		send(t, conn, b.String())
		waitFor(t, "the datagram", func() bool { return u.Stats().Datagrams == uint64(d+1) })
	}
	evs := waitEvents(t, sink, len(want))
	var got []string
	for _, e := range evs {
		got = append(got, e.Message())
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if st := u.Stats(); st.Dropped != 0 || st.Events != uint64(len(want)) {
		t.Errorf("stats %+v", st)
	}
	for _, n := range sink.BatchSizes() {
		if n > 4 {
			t.Errorf("a batch of %d events with MaxBatch 4", n)
		}
	}
}

// The read loop never waits for the pipeline: when it takes nothing the
// datagrams beyond the queue are dropped and counted, and every datagram
// is accounted for.
func TestUDPDropsWhenFull(t *testing.T) {
	leakcheck.Check(t)
	u := newUDP(t, input.UDPConfig{QueueSize: 10, MaxBatch: 5})
	sink := newGateSink()
	runSource(t, u, sink)
	conn := dial(t, "udp", u.Addr())
	const sent = 200
	for i := range sent {
		send(t, conn, strconv.Itoa(i))
	}
	waitFor(t, "every datagram read", func() bool { return u.Stats().Datagrams == sent })
	st := u.Stats()
	if st.Dropped == 0 || st.Dropped > sent-10 {
		t.Fatalf("Dropped = %d of %d with a queue of 10", st.Dropped, sent)
	}
	sink.Open()
	waitFor(t, "the queue handed over", func() bool {
		st := u.Stats()
		return st.Events+st.Dropped == sent
	})
	if got := uint64(sink.Len()); got != u.Stats().Events {
		t.Errorf("sink has %d events, stats say %d", got, u.Stats().Events)
	}
}

// A real client: util-linux's logger over UDP.
func TestUDPLogger(t *testing.T) {
	leakcheck.Check(t)
	logger := loggerPath(t)
	u := newUDP(t, input.UDPConfig{})
	sink := inputtest.NewSink()
	runSource(t, u, sink)
	port := strconv.Itoa(u.Addr().(*net.UDPAddr).Port)
	out, err := exec.Command(logger, "--udp", "--rfc5424", "-n", "127.0.0.1", "-P", port, "-t", "app", "over udp").CombinedOutput()
	if err != nil {
		t.Fatalf("logger: %v: %s", err, out)
	}
	e := waitEvents(t, sink, 1)[0]
	if !strings.HasPrefix(e.Message(), "<13>1 ") || !strings.HasSuffix(e.Message(), "over udp") {
		t.Errorf("got %q", e.Message())
	}
}

func TestUDPConfigErrors(t *testing.T) {
	for _, cfg := range []input.UDPConfig{
		{Framing: "octet_counting"},
		{ECSCompatibility: "v2"},
		{Charset: "UTF-16"},
		{SourceIPFieldname: "[bad"},
		{QueueSize: -1},
		{Port: -1},
	} {
		if u, err := input.NewUDP(cfg); err == nil {
			u.Close(context.Background())
			t.Errorf("NewUDP(%+v) = nil error", cfg)
		}
	}
}

func TestUDPLifecycle(t *testing.T) {
	leakcheck.Check(t)
	u := newUDP(t, input.UDPConfig{})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := u.Run(ctx, inputtest.NewSink()); err != nil {
		t.Errorf("Run = %v", err)
	}
	if err := u.Run(context.Background(), inputtest.NewSink()); err == nil {
		t.Error("second Run = nil error")
	}
	if err := u.Close(context.Background()); err != nil {
		t.Error(err)
	}
	if err := u.Close(context.Background()); err != nil {
		t.Error(err)
	}
}

package input_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/codec"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/internal/leakcheck"
)

// readAll reads every batch until io.EOF and closes the input.
func readAll(t *testing.T, in logpipe.Input) (logpipe.Batch, error) {
	t.Helper()
	var all logpipe.Batch
	for {
		b, ack, err := in.Read(t.Context())
		if err != nil {
			if cerr := in.Close(t.Context()); cerr != nil {
				t.Errorf("Close: %v", cerr)
			}
			return all, err
		}
		if len(b) == 0 {
			t.Error("Read returned an empty batch without error")
		}
		all = append(all, b...)
		if err := ack(t.Context(), nil); err != nil {
			t.Errorf("ack: %v", err)
		}
	}
}

func TestReaderLines(t *testing.T) {
	long := strings.Repeat("x", 100)
	for _, tc := range []struct {
		name     string
		in       string
		cfg      input.ReaderConfig
		want     []string
		wantTrun []bool
	}{
		{name: "lf", in: "a\nb\nc\n", want: []string{"a", "b", "c"}},
		{name: "crlf", in: "a\r\nb\r\n", want: []string{"a", "b"}},
		{name: "last line without newline", in: "a\nlast", want: []string{"a", "last"}},
		{name: "empty lines kept", in: "a\n\nb\n", want: []string{"a", "", "b"}},
		{name: "empty input", in: "", want: nil},
		{name: "invalid utf8 replaced", in: "ok\xff\xfeend\n", want: []string{"ok\uFFFDend"}},
		{name: "long line truncated", in: long + "\nshort\n", cfg: input.ReaderConfig{MaxLineBytes: 10},
			want: []string{long[:10], "short"}, wantTrun: []bool{true, false}},
		{name: "line over the read buffer truncated", in: strings.Repeat("y", 200_000) + "\nz\n", cfg: input.ReaderConfig{MaxLineBytes: 70_000},
			want: []string{strings.Repeat("y", 70_000), "z"}, wantTrun: []bool{true, false}},
		{name: "line over the read buffer kept", in: strings.Repeat("y", 200_000) + "\n", want: []string{strings.Repeat("y", 200_000)}},
		{name: "small batches", in: "1\n2\n3\n4\n5\n", cfg: input.ReaderConfig{MaxBatch: 2}, want: []string{"1", "2", "3", "4", "5"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leakcheck.Check(t)
			in, err := input.NewReader(strings.NewReader(tc.in), tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			got, err := readAll(t, in)
			if !errors.Is(err, io.EOF) {
				t.Fatalf("final error %v, want io.EOF", err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d events, want %d", len(got), len(tc.want))
			}
			for i, e := range got {
				if e.Message() != tc.want[i] {
					t.Errorf("event %d: message %.40q, want %.40q", i, e.Message(), tc.want[i])
				}
				if !utf8.ValidString(e.Message()) {
					t.Errorf("event %d: invalid UTF-8", i)
				}
				wantTrunc := tc.wantTrun != nil && tc.wantTrun[i]
				if e.HasTag(input.TagLineTruncated) != wantTrunc || e.Failed() != wantTrunc {
					t.Errorf("event %d: truncated tag %v failed %v, want %v", i, e.HasTag(input.TagLineTruncated), e.Failed(), wantTrunc)
				}
				if e.Timestamp.IsZero() {
					t.Errorf("event %d has no timestamp", i)
				}
			}
		})
	}
}

func TestReaderBatchSize(t *testing.T) {
	in, err := input.NewReader(strings.NewReader(strings.Repeat("line\n", 1000)), input.ReaderConfig{MaxBatch: 64})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for {
		b, _, err := in.Read(t.Context())
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 0 || len(b) > 64 {
			t.Fatalf("batch of %d events, want 1..64", len(b))
		}
		total += len(b)
	}
	if total != 1000 {
		t.Errorf("read %d events, want 1000", total)
	}
	in.Close(t.Context())
}

type failingReader struct{ sent bool }

func (f *failingReader) Read(p []byte) (int, error) {
	if !f.sent {
		f.sent = true
		return copy(p, "one\ntwo\n"), nil
	}
	return 0, errors.New("disk on fire")
}

func TestReaderError(t *testing.T) {
	in, _ := input.NewReader(&failingReader{}, input.ReaderConfig{})
	got, err := readAll(t, in)
	if err == nil || !strings.Contains(err.Error(), "disk on fire") || errors.Is(err, io.EOF) || !logpipe.IsPermanent(err) {
		t.Fatalf("error %v, want the read error, marked permanent", err)
	}
	if len(got) != 2 {
		t.Errorf("got %d events before the error, want 2", len(got))
	}
}

// blockingReader blocks until closed, like standard input.
type blockingReader struct{ closed chan struct{} }

func (b *blockingReader) Read([]byte) (int, error) { <-b.closed; return 0, io.ErrClosedPipe }
func (b *blockingReader) Close() error             { close(b.closed); return nil }

func TestReaderCloseUnblocks(t *testing.T) {
	leakcheck.Check(t)
	in, _ := input.NewReader(&blockingReader{closed: make(chan struct{})}, input.ReaderConfig{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := in.Read(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Read with a cancelled ctx = %v", err)
	}
	if err := in.Close(t.Context()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := in.Close(t.Context()); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestNewReaderValidates(t *testing.T) {
	if _, err := input.NewReader(nil, input.ReaderConfig{}); err == nil {
		t.Error("nil reader accepted")
	}
	if _, err := input.NewReader(strings.NewReader(""), input.ReaderConfig{MaxBatch: -1}); err == nil {
		t.Error("negative MaxBatch accepted")
	}
}

func TestReaderCodecs(t *testing.T) {
	tests := []struct {
		name string
		cfg  input.ReaderConfig
		in   string
		want []string
		tag  string // a tag the last event must have
	}{
		{"latin1", input.ReaderConfig{Charset: "ISO-8859-1"}, "d\xe9j\xe0\nvu\n", []string{"déjà", "vu"}, ""},
		{"utf-16", input.ReaderConfig{Charset: "UTF-16LE"}, "h\x00\xe9\x00\n\x00x\x00", []string{"hé", "x"}, ""},
		{"delimiter", input.ReaderConfig{Delimiter: "\x00"}, "a\x00b\x00", []string{"a", "b"}, ""},
		{"multiline", input.ReaderConfig{Multiline: &input.MultilineConfig{Pattern: `^\s`}}, "a\n 1\n 2\nb\n c", []string{"a\n 1\n 2", "b\n c"}, input.TagMultiline},
		{"json_lines", input.ReaderConfig{Codec: codec.JSONLines{}}, "{\"message\":\"m\"}\n{", []string{"m", "{"}, codec.TagJSONParseFailure},
		// Blank lines are no event, as in Logstash's json_lines.
		{"json_lines blank lines", input.ReaderConfig{Codec: codec.JSONLines{}, MaxBatch: 1},
			"\n{\"message\":\"a\"}\n\n{\"message\":\"b\"}\n \r\n\t", []string{"a", "b"}, ""},
		{"json_lines only blank lines", input.ReaderConfig{Codec: codec.JSONLines{}}, "\n \n\n", nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, err := input.NewReader(strings.NewReader(tc.in), tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer in.Close(t.Context())
			b, err := readAll(t, in)
			if !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			var got []string
			for _, e := range b {
				got = append(got, e.Message())
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("read %q, want %q", got, tc.want)
			}
			if tc.tag != "" && !b[len(b)-1].HasTag(tc.tag) {
				t.Fatalf("last event lacks %s: %v", tc.tag, b[len(b)-1].Tags())
			}
		})
	}
	if _, err := input.NewReader(strings.NewReader(""), input.ReaderConfig{Charset: "nope"}); err == nil {
		t.Fatal("unknown charset accepted")
	}
}

package kafka

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/logpipe/logpipe"
)

// FuzzDecode feeds record values and keys to both codecs: decoding never
// panics, every event has an id, and a value that is not a JSON object
// becomes a tagged event carrying the value as its message.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"message":"hi","@timestamp":"2024-05-01T10:00:00Z"}`, `{"tags":"x","@metadata":1}`, `[1]`, `{"a":`, "\xff\xfe", ``, `"str"`, `{"@timestamp":"yesterday"}`} {
		f.Add([]byte(s), []byte("k"))
	}
	jsonIn, err := New(Config{BootstrapServers: []string{"x:1"}, Topics: []string{"t"}, Codec: "json", DecorateEvents: "extended"})
	if err != nil {
		f.Fatal(err)
	}
	plainIn, err := New(Config{BootstrapServers: []string{"x:1"}, Topics: []string{"t"}, IDFromKey: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, value, key []byte) {
		r := &kgo.Record{Topic: "t", Partition: 1, Offset: 7, Value: value, Key: key,
			Headers: []kgo.RecordHeader{{Key: string(key), Value: value}}}
		for _, in := range []*Input{jsonIn, plainIn} {
			e := in.decode(r)
			id, ok := e.Meta().Get("id")
			if !ok || id.Str() == "" {
				t.Fatalf("no id for key %q", key)
			}
			want := "t-1-7"
			if in.cfg.IDFromKey && len(key) > 0 {
				want = string(key)
			}
			if id.Str() != want {
				t.Fatalf("id %q for key %q, want %q", id.Str(), key, want)
			}
			var probe logpipe.Event
			isObject := probe.UnmarshalJSON(value) == nil
			switch {
			case in == plainIn || !isObject:
				if e.Message() != string(value) {
					t.Fatalf("message %q, want the value %q", e.Message(), value)
				}
				if in == jsonIn && !e.HasTag("_jsonparsefailure") {
					t.Fatalf("value %q not tagged", value)
				}
			default:
				if e.HasTag("_jsonparsefailure") {
					t.Fatalf("JSON object %q tagged as a failure", value)
				}
				if e.Timestamp.IsZero() {
					t.Fatal("no @timestamp")
				}
			}
			_ = e.AppendJSON(nil)
		}
	})
}

// TestDecodeID: a record's event id is its place, topic-partition-offset,
// which no other record shares; its key only with IDFromKey, for
// producers that key every record by a unique id.
func TestDecodeID(t *testing.T) {
	for _, c := range []struct {
		name      string
		idFromKey bool
		key       string
		want      string
	}{
		{"key", false, "host-1", "logs-2-40"},
		{"no key", false, "", "logs-2-40"},
		{"key as id", true, "evt-1", "evt-1"},
		{"key as id, no key", true, "", "logs-2-40"},
	} {
		t.Run(c.name, func(t *testing.T) {
			in, err := New(Config{BootstrapServers: []string{"x:1"}, Topics: []string{"logs"}, IDFromKey: c.idFromKey})
			if err != nil {
				t.Fatal(err)
			}
			r := &kgo.Record{Topic: "logs", Partition: 2, Offset: 40, Value: []byte("v")}
			if c.key != "" {
				r.Key = []byte(c.key)
			}
			if id, _ := in.decode(r).Meta().Get("id"); id.Str() != c.want {
				t.Errorf("id %q, want %q", id.Str(), c.want)
			}
		})
	}
}

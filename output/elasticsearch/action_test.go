package elasticsearch

import (
	"testing"
	"time"

	"github.com/logpipe/logpipe"
)

// TestActionLine compares the action lines appendAction writes, with its
// shortcuts (the day's index name kept, the id read from [@metadata]),
// with the lines rendered from the templates
// for every event: over timestamps that cross days (before 1970 too) and
// go back, a missing timestamp (also after one in its day), and ids that
// need escaping or not.
func TestActionLine(t *testing.T) {
	day := time.Date(2024, 12, 21, 0, 0, 0, 0, time.UTC)
	times := []time.Time{
		day, day.Add(time.Hour), day.Add(-time.Millisecond), day.Add(24*time.Hour - time.Nanosecond),
		day.Add(24 * time.Hour), day, {}, day.Add(36 * time.Hour), time.Unix(-1, 0), time.Unix(0, 0),
		time.Unix(-86401, 0), time.Unix(-86400, 0), day.In(time.FixedZone("x", -5*3600)).Add(23 * time.Hour),
		time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC), {}, // the zero time is in the day of year 1
	}
	ids := []string{"b241aa54d7b87a34-562015", "short", "", "seven77", "exactly8", "sixteen-bytes-16", `quote"inside-id`,
		"ünïcode-identifier", "line\u2028separator", "bad\xffutf8-identifier", "tab\there-and-more", "x"}
	var b logpipe.Batch
	for i, ts := range times {
		for j, id := range ids {
			e := logpipe.NewEvent("m")
			e.Timestamp = ts
			e.Set(logpipe.MustPath("[@metadata][id]"), logpipe.StringValue(id))
			e.Set(logpipe.MustPath("[doc][id]"), logpipe.StringValue(id))
			e.Set(logpipe.MustPath("service"), logpipe.StringValue([]string{"api", "web"}[(i+j)%2]))
			b = append(b, e)
		}
	}
	for _, index := range []string{"fastapi-logs-%{+YYYY.MM.dd}", "logs-%{+YYYY.MM.dd.HH}", "logs-%{[service]}-%{+xxxx.ww}"} {
		for _, docID := range []string{"%{[@metadata][id]}", "%{[doc][id]}", "%{[@metadata][id]}-%{service}"} {
			es, err := newOutput(Config{Addresses: []string{"http://127.0.0.1:1"}, Index: index,
				Action: ActionCreate, DocumentID: docID, DocumentIDOptional: true})
			if err != nil {
				t.Fatal(err)
			}
			idxTpl, idTpl := logpipe.MustTemplate(index), logpipe.MustTemplate(docID)
			var bb bulkBuffer
			for _, e := range b {
				bb.reset()
				err := es.appendAction(&bb, e)
				name, ok := idxTpl.Append(nil, e)
				if !ok {
					if err == nil {
						t.Errorf("%s at %v: no error for an unresolved index", index, e.Timestamp)
					}
					continue
				}
				want := logpipe.AppendJSONString([]byte(`{"create":{"_index":`), string(name))
				if id, ok := idTpl.Append(nil, e); ok && len(id) > 0 {
					want = logpipe.AppendJSONString(append(want, `,"_id":`...), string(id))
				}
				want = append(e.AppendJSON(append(want, "}}\n"...)), '\n')
				if err != nil || string(bb.body) != string(want) {
					t.Fatalf("%s, %s at %v:\n got %s (%v)\nwant %s", index, docID, e.Timestamp, bb.body, err, want)
				}
			}
		}
	}
}

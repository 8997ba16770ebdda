package filter

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/joda"
)

// sameTime reports whether a and b are the same instant written in the
// same zone (name, offset and location name). Results read in a zone that
// Date loads itself have a *time.Location of their own, so == is too
// strict across two loads.
func sameTime(a, b time.Time) bool {
	an, ao := a.Zone()
	bn, bo := b.Zone()
	return a.Equal(b) && an == bn && ao == bo && a.Location().String() == b.Location().String()
}

// TestDateCacheMatchesParse runs the tutorial's date filter, its zone
// taken from each event, on goroutines that share it as pipeline workers
// do, over runs of timestamps around daylight-saving changes, and checks
// every event against the uncached joda.Parser.Parse. Run with -race.
func TestDateCacheMatchesParse(t *testing.T) {
	const format = "yyyy-MM-dd HH:mm:ss,SSS"
	zoneNames := []string{"UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"}
	zones := map[string]*time.Location{}
	for _, name := range zoneNames {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Skip("no time zone database:", err)
		}
		zones[name] = loc
	}
	d, err := NewDate(DateConfig{Source: "log_timestamp", Formats: []string{format}, Timezone: "%{[host][tz]}"})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := joda.NewParser(format, nil)
	if err != nil {
		t.Fatal(err)
	}
	starts := []time.Time{ // UTC instants shortly before a change
		time.Date(2024, 3, 31, 0, 59, 50, 0, time.UTC),  // Berlin springs forward
		time.Date(2024, 10, 27, 0, 59, 50, 0, time.UTC), // Berlin falls back
		time.Date(2024, 3, 10, 6, 59, 50, 0, time.UTC),  // New York springs forward
		time.Date(2024, 11, 3, 5, 59, 50, 0, time.UTC),  // New York falls back
		time.Date(2024, 4, 6, 14, 59, 50, 0, time.UTC),  // Lord Howe goes back 30 minutes
		time.Date(2024, 2, 29, 23, 59, 50, 0, time.UTC), // a leap day ends
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := range 4 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 11))
			for _, start := range starts {
				var batch logpipe.Batch
				var stamps, tzs []string
				for i := range 2000 {
					tz := zoneNames[(g+i/500)%len(zoneNames)]
					// Text written in the zone and in offsets an hour either
					// side of it: wall times that fall in gaps and overlaps.
					shift := time.Duration(r.IntN(3)-1) * time.Hour
					w := start.Add(time.Duration(i/25)*time.Second + time.Duration(g)*3*time.Second).In(zones[tz])
					_, off := w.Zone()
					w = w.In(time.FixedZone("", off)).Add(shift)
					suffix := fmt.Sprintf("%03d", r.IntN(1000))
					switch r.IntN(20) {
					case 0:
						suffix = suffix[:1]
					case 1:
						suffix += "7" // too many digits
					case 2:
						suffix = "1x"
					}
					s := w.Format("2006-01-02 15:04:05,") + suffix
					if r.IntN(3) == 0 {
						// The same wall clock logged by a host in another zone.
						tz = zoneNames[r.IntN(len(zoneNames))]
					}
					e := logpipe.NewEvent("")
					e.Timestamp = time.Time{}
					e.Fields().Set("log_timestamp", logpipe.StringValue(s))
					host := logpipe.NewObject()
					host.Set("tz", logpipe.StringValue(tz))
					e.Fields().Set("host", logpipe.ObjectValue(host))
					batch = append(batch, e)
					stamps = append(stamps, s)
					tzs = append(tzs, tz)
				}
				out, err := d.Apply(t.Context(), batch)
				if err != nil {
					errs <- err.Error()
					return
				}
				for i, e := range out {
					want, werr := ref.Parse(stamps[i], &joda.ParseContext{Location: zones[tzs[i]]})
					if failed := e.HasTag("_dateparsefailure"); failed != (werr != nil) || (werr == nil && !sameTime(e.Timestamp, want)) {
						errs <- fmt.Sprintf("%q in %s: filter gives %v (failed %v), Parse gives %v, %v", stamps[i], tzs[i], e.Timestamp, failed, want, werr)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// FuzzDateCache checks, for any format and texts, that a Date which has
// just parsed other texts (its cache warm) gives each event what a new
// Date (its cache empty) gives it: the same timestamp, the same tags.
func FuzzDateCache(f *testing.F) {
	f.Add("yyyy-MM-dd HH:mm:ss,SSS", "2024-12-21 10:00:00,123", "2024-12-21 10:00:00,9", uint8(0))
	f.Add("yyyy-MM-dd HH:mm:ss,SSS", "2024-10-27 02:30:00,500", "2024-10-27 02:30:00,001", uint8(1))
	f.Add("yyyy-MM-dd HH:mm:ss,SSS", "2024-03-10 01:59:59,999", "2024-03-10 02:00:00,000", uint8(2))
	f.Add("yyyy-MM-dd HH:mm:ss.SSS", "2024-02-29 23:59:59.999", "2024-02-29 23:59:59.1234", uint8(3))
	f.Add("MMM dd HH:mm:ss.SSS", "Dec 31 23:59:59.999", "Dec 31 23:59:59.000", uint8(4))
	f.Add("ISO8601", "2024-12-21T10:00:00.123Z", "2024-12-21T10:00:00.456", uint8(1))
	f.Add("UNIX_MS", "1734775200123", "1734775200456", uint8(0))
	f.Fuzz(func(t *testing.T, format, first, second string, zone uint8) {
		zones := []string{"UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"}
		nows := []time.Time{time.Date(2024, 12, 31, 23, 30, 0, 0, time.UTC), time.Date(2025, 1, 1, 0, 30, 0, 0, time.UTC)}
		newDate := func() (*Date, error) {
			return NewDate(DateConfig{
				Source:   "ts",
				Target:   "parsed", // a field, since the zero time is a valid result
				Formats:  []string{format},
				Timezone: "%{tz}",
				Now:      func() time.Time { return nows[zone%2] },
			})
		}
		warm, err := newDate()
		if err != nil {
			return // an invalid pattern is a construction error
		}
		event := func(s string, tz int) *logpipe.Event {
			e := &logpipe.Event{}
			e.Fields().Set("ts", logpipe.StringValue(s))
			e.Fields().Set("tz", logpipe.StringValue(zones[tz%len(zones)]))
			return e
		}
		texts := []string{first, second, first, strings.TrimRight(first, "0123456789") + second}
		for i, s := range texts {
			tz := int(zone) / 2
			if i == 2 {
				tz++ // the same text in another zone
			}
			cold, err := newDate()
			if err != nil {
				t.Fatal(err)
			}
			got, want := event(s, tz), event(s, tz)
			for _, run := range []struct {
				d *Date
				e *logpipe.Event
			}{{warm, got}, {cold, want}} {
				if _, err := run.d.Apply(t.Context(), logpipe.Batch{run.e}); err != nil {
					t.Fatal(err)
				}
			}
			gv, gok := got.Get(logpipe.MustPath("parsed"))
			wv, wok := want.Get(logpipe.MustPath("parsed"))
			if gok != wok || strings.Join(got.Tags(), ",") != strings.Join(want.Tags(), ",") {
				t.Fatalf("format %q, text %q: warm filter gives %v %v, new filter %v %v", format, s, gv, got.Tags(), wv, want.Tags())
			}
			if gok {
				gt, _ := gv.Time()
				wt, _ := wv.Time()
				if !sameTime(gt, wt) {
					t.Fatalf("format %q, text %q: warm filter gives %v, new filter %v", format, s, gt, wt)
				}
			}
		}
	})
}

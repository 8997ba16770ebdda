package geoip

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter"
	"github.com/logpipe/logpipe/filter/filtertest"
	"github.com/logpipe/logpipe/filter/geoip/geoiptest"
)

func databases(t testing.TB) (city, asn string) {
	t.Helper()
	dir := t.TempDir()
	city, asn = filepath.Join(dir, "city.mmdb"), filepath.Join(dir, "asn.mmdb")
	if err := geoiptest.WriteCity(city); err != nil {
		t.Fatal(err)
	}
	if err := geoiptest.WriteASN(asn); err != nil {
		t.Fatal(err)
	}
	return city, asn
}

func event(t testing.TB, doc string) *logpipe.Event {
	t.Helper()
	e := &logpipe.Event{}
	if err := e.UnmarshalJSON([]byte(doc)); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestGeoIP follows the behaviours Logstash's geoip spec checks (ECS and
// legacy layouts, target defaults, fields, failures, arrays), on the
// small databases geoiptest writes.
func TestGeoIP(t *testing.T) {
	city, asn := databases(t)
	london := `"geo":{"city_name":"London","country_name":"United Kingdom","continent_code":"EU","continent_name":"Europe","country_iso_code":"GB","postal_code":"EC1A","region_name":"England","region_code":"ENG","region_iso_code":"GB-ENG","timezone":"Europe/London","location":{"lat":51.5142,"lon":-0.0931}}`
	tests := []struct {
		name       string
		cfg        Config
		in         string
		want       string
		wantFailed bool
	}{
		{
			name: "ECS, target from [source][ip]",
			cfg:  Config{Source: "[source][ip]", Database: city},
			in:   `{"source":{"ip":"203.0.113.7"}}`,
			want: `{"source":{"ip":"203.0.113.7",` + london + `}}`,
		},
		{
			name: "ECS with a target",
			cfg:  Config{Source: "client_ip", Target: "client", Database: city},
			in:   `{"client_ip":"198.51.100.20"}`,
			want: `{"client_ip":"198.51.100.20","client":{"ip":"198.51.100.20","geo":{"city_name":"Seattle","country_name":"United States","continent_code":"NA","continent_name":"North America","country_iso_code":"US","postal_code":"98106","region_name":"Washington","region_code":"WA","region_iso_code":"US-WA","timezone":"America/Los_Angeles","location":{"lat":47.6062,"lon":-122.3321}}}}`,
		},
		{
			name: "legacy layout",
			cfg:  Config{Source: "ip", Database: city, ECSCompatibility: "disabled"},
			in:   `{"ip":"203.0.113.7"}`,
			want: `{"ip":"203.0.113.7","geoip":{"ip":"203.0.113.7","city_name":"London","country_name":"United Kingdom","continent_code":"EU","continent_name":"Europe","country_code2":"GB","country_code3":"GB","postal_code":"EC1A","region_name":"England","region_code":"ENG","region_iso_code":"GB-ENG","timezone":"Europe/London","location":{"lat":51.5142,"lon":-0.0931},"latitude":51.5142,"longitude":-0.0931}}`,
		},
		{
			name: "fields",
			cfg:  Config{Source: "ip", Target: "g", Database: city, Fields: []string{"country_code2", "location"}},
			in:   `{"ip":"2001:db8::1"}`,
			want: `{"ip":"2001:db8::1","g":{"geo":{"country_iso_code":"AU","location":{"lat":-33.8688,"lon":151.2093}}}}`,
		},
		{
			name: "ASN, ECS",
			cfg:  Config{Source: "[source][ip]", Database: asn},
			in:   `{"source":{"ip":"203.0.113.7"}}`,
			want: `{"source":{"ip":"203.0.113.7","as":{"number":64496,"organization":{"name":"Example Transit Ltd"}}}}`,
		},
		{
			name: "ASN, legacy",
			cfg:  Config{Source: "ip", Database: asn, ECSCompatibility: "disabled"},
			in:   `{"ip":"198.51.100.1"}`,
			want: `{"ip":"198.51.100.1","geoip":{"ip":"198.51.100.1","asn":64511,"as_org":"Documentation Networks Inc"}}`,
		},
		{
			name: "first element of an array",
			cfg:  Config{Source: "ips", Target: "t", Database: asn, Fields: []string{"asn"}},
			in:   `{"ips":["198.51.100.1","203.0.113.7"]}`,
			want: `{"ips":["198.51.100.1","203.0.113.7"],"t":{"as":{"number":64511}}}`,
		},
		{
			name:       "private address is tagged",
			cfg:        Config{Source: "[source][ip]", Database: city},
			in:         `{"source":{"ip":"10.0.1.66"}}`,
			want:       `{"source":{"ip":"10.0.1.66"},"tags":["_geoip_lookup_failure"]}`,
			wantFailed: true,
		},
		{
			name:       "invalid address is tagged",
			cfg:        Config{Source: "[source][ip]", Database: city},
			in:         `{"source":{"ip":"not-an-ip"}}`,
			want:       `{"source":{"ip":"not-an-ip"},"tags":["_geoip_lookup_failure"]}`,
			wantFailed: true,
		},
		{
			name:       "city record without location is a failure",
			cfg:        Config{Source: "[source][ip]", Database: city},
			in:         `{"source":{"ip":"192.0.2.1"}}`,
			want:       `{"source":{"ip":"192.0.2.1"},"tags":["_geoip_lookup_failure"]}`,
			wantFailed: true,
		},
		{
			name:       "custom failure tag",
			cfg:        Config{Source: "ip", Target: "t", Database: city, TagOnFailure: []string{"nogeo"}},
			in:         `{"ip":"127.0.0.1"}`,
			want:       `{"ip":"127.0.0.1","t":{},"tags":["nogeo"]}`,
			wantFailed: true,
		},
		// geoip_offline_spec.rb: "invalid string IP" (a non-blank source
		// that does not parse or is not found) "should give empty hash in
		// target field", as GeoIPFilter.java's applyGeoData sets the
		// target to {} when it does not exist; "invalid empty IP" gives
		// none.
		{
			name:       "invalid string IP - gives an empty target",
			cfg:        Config{Source: "[client][ip]", Target: "server", Database: city, Fields: []string{"country_name", "continent_code"}},
			in:         `{"client":{"ip":"-"}}`,
			want:       `{"client":{"ip":"-"},"server":{},"tags":["_geoip_lookup_failure"]}`,
			wantFailed: true,
		},
		{
			name:       "invalid string IP N/A gives an empty target",
			cfg:        Config{Source: "[client][ip]", Target: "server", Database: city, Fields: []string{"country_name", "continent_code"}},
			in:         `{"client":{"ip":"N/A"}}`,
			want:       `{"client":{"ip":"N/A"},"server":{},"tags":["_geoip_lookup_failure"]}`,
			wantFailed: true,
		},
		{
			name:       "invalid string IP 123.45.67.89,61.160.232.222 gives an empty target",
			cfg:        Config{Source: "[client][ip]", Target: "server", Database: city, Fields: []string{"country_name", "continent_code"}},
			in:         `{"client":{"ip":"123.45.67.89,61.160.232.222"}}`,
			want:       `{"client":{"ip":"123.45.67.89,61.160.232.222"},"server":{},"tags":["_geoip_lookup_failure"]}`,
			wantFailed: true,
		},
		{
			name:       "invalid string IP 0.0.0.0 gives an empty target",
			cfg:        Config{Source: "[client][ip]", Target: "server", Database: city, Fields: []string{"country_name", "continent_code"}},
			in:         `{"client":{"ip":"0.0.0.0"}}`,
			want:       `{"client":{"ip":"0.0.0.0"},"server":{},"tags":["_geoip_lookup_failure"]}`,
			wantFailed: true,
		},
		{
			name:       "invalid string IP ::1 gives an empty target",
			cfg:        Config{Source: "[client][ip]", Target: "server", Database: city, Fields: []string{"country_name", "continent_code"}},
			in:         `{"client":{"ip":"::1"}}`,
			want:       `{"client":{"ip":"::1"},"server":{},"tags":["_geoip_lookup_failure"]}`,
			wantFailed: true,
		},
		{
			name:       "invalid string IP 127.0.0.1 gives an empty target",
			cfg:        Config{Source: "[client][ip]", Target: "server", Database: city, Fields: []string{"country_name", "continent_code"}},
			in:         `{"client":{"ip":"127.0.0.1"}}`,
			want:       `{"client":{"ip":"127.0.0.1"},"server":{},"tags":["_geoip_lookup_failure"]}`,
			wantFailed: true,
		},
		{
			name:       "invalid empty IP empty gives no target",
			cfg:        Config{Source: "[client][ip]", Target: "server", Database: city, Fields: []string{"country_name", "continent_code"}},
			in:         `{"client":{"ip":""}}`,
			want:       `{"client":{"ip":""},"tags":["_geoip_lookup_failure"]}`,
			wantFailed: true,
		},
		{
			name:       "invalid empty IP spaces gives no target",
			cfg:        Config{Source: "[client][ip]", Target: "server", Database: city, Fields: []string{"country_name", "continent_code"}},
			in:         `{"client":{"ip":"      "}}`,
			want:       `{"client":{"ip":"      "},"tags":["_geoip_lookup_failure"]}`,
			wantFailed: true,
		},
		{
			name:       "an existing target is kept on a failure",
			cfg:        Config{Source: "ip", Target: "server", Database: city},
			in:         `{"ip":"-","server":"x"}`,
			want:       `{"ip":"-","server":"x","tags":["_geoip_lookup_failure"]}`,
			wantFailed: true,
		},
		{
			name:       "found without the fields asked for gives an empty target",
			cfg:        Config{Source: "ip", Target: "server", Database: asn, Fields: []string{"country_name"}},
			in:         `{"ip":"198.51.100.1"}`,
			want:       `{"ip":"198.51.100.1","server":{},"tags":["_geoip_lookup_failure"]}`,
			wantFailed: true,
		},
		{
			name: "missing source does nothing",
			cfg:  Config{Source: "ip", Target: "t", Database: city},
			in:   `{"other":1}`,
			want: `{"other":1}`,
		},
		{
			name: "IPv4-mapped IPv6 and common options",
			cfg:  Config{Source: "ip", Target: "t", Database: asn, Fields: []string{"asn"}, Common: filter.Common{AddTag: []string{"geo"}}},
			in:   `{"ip":"::ffff:203.0.113.9"}`,
			want: `{"ip":"::ffff:203.0.113.9","t":{"as":{"number":64496}},"tags":["geo"]}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := New(tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close(t.Context())
			for range 2 { // the second round comes from the cache
				e := event(t, tc.in)
				if _, err := f.Apply(t.Context(), logpipe.Batch{e}); err != nil {
					t.Fatal(err)
				}
				w := event(t, tc.want)
				if !e.Equal(w) {
					t.Fatalf("event mismatch\n got: %s\nwant: %s", e, w)
				}
				if e.Failed() != tc.wantFailed {
					t.Errorf("Failed() = %v, want %v", e.Failed(), tc.wantFailed)
				}
			}
		})
	}
}

func TestGeoIPConfigErrors(t *testing.T) {
	city, _ := databases(t)
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no source", Config{Database: city}, "source is required"},
		{"ECS needs a target", Config{Source: "client_ip", Database: city}, "target is required"},
		{"no database", Config{Source: "[source][ip]"}, "database is required"},
		{"missing database", Config{Source: "[source][ip]", Database: filepath.Join(t.TempDir(), "none.mmdb")}, "open"},
		{"not a database", Config{Source: "[source][ip]", Database: "geoip.go"}, "open"},
		{"bad ecs", Config{Source: "[source][ip]", Database: city, ECSCompatibility: "v2"}, "ecs_compatibility"},
		{"bad type", Config{Source: "[source][ip]", Database: city, DefaultDatabaseType: "ISP"}, "default_database_type"},
		{"bad field", Config{Source: "[source][ip]", Database: city, Fields: []string{"planet"}}, "unknown field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := New(tc.cfg)
			if err == nil {
				f.Close(t.Context())
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// TestGeoIPConcurrent runs lookups from several goroutines with a cache
// smaller than the addresses (run with -race).
func TestGeoIPConcurrent(t *testing.T) {
	city, _ := databases(t)
	f, err := New(Config{Source: "[source][ip]", Database: city, CacheSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close(t.Context())
	ips := []string{"203.0.113.1", "198.51.100.2", "2001:db8::3", "10.0.0.1"}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 200 {
				e := logpipe.NewEvent("")
				e.Set(logpipe.MustPath("[source][ip]"), logpipe.StringValue(ips[(g+i)%len(ips)]))
				f.Apply(context.Background(), logpipe.Batch{e})
			}
		})
	}
	wg.Wait()
	if err := f.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkGeoIP(b *testing.B) {
	city, _ := databases(b)
	f, err := New(Config{Source: "[source][ip]", Database: city})
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close(b.Context())
	ips := []string{"203.0.113.1", "198.51.100.2", "2001:db8::3", "203.0.113.200"}
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		e := logpipe.NewEvent("")
		e.Set(logpipe.MustPath("[source][ip]"), logpipe.StringValue(ips[n%len(ips)]))
		f.Apply(b.Context(), logpipe.Batch{e})
		if e.Failed() {
			b.Fatal(e)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

// TestGeoIPConformance runs filtertest's conformance suite on the filter.
func TestGeoIPConformance(t *testing.T) {
	city, _ := databases(t)
	filtertest.TestFilter(t, func(t *testing.T) logpipe.Filter {
		f, err := New(Config{Source: "[source][ip]", Database: city})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}, `{"source":{"ip":"203.0.113.7"}}`, `{"source":{"ip":"10.0.0.1"}}`, `{"source":{"ip":["2001:db8::1"]}}`, `{"source":"x"}`, `{}`)
}

func TestChoicesText(t *testing.T) {
	var e ECS
	if err := e.UnmarshalText([]byte("disabled")); err != nil || e != ECSDisabled {
		t.Errorf("ECS: %q, %v", e, err)
	}
	if err := e.UnmarshalText([]byte("v2")); err == nil {
		t.Error("ECS v2 accepted")
	}
	var d DatabaseType
	if err := d.UnmarshalText([]byte("ASN")); err != nil || d != ASN {
		t.Errorf("DatabaseType: %q, %v", d, err)
	}
	if err := d.UnmarshalText([]byte("ISP")); err == nil {
		t.Error("DatabaseType ISP accepted")
	}
	if b, err := City.MarshalText(); err != nil || string(b) != "City" {
		t.Errorf("MarshalText = %q, %v", b, err)
	}
}

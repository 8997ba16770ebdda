package geoip_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/filter/geoip"
	"github.com/logpipe/logpipe/filter/geoip/geoiptest"
)

func ExampleNew() {
	dir, err := os.MkdirTemp("", "geoip")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	db := filepath.Join(dir, "GeoLite2-City.mmdb")
	if err := geoiptest.WriteCity(db); err != nil { // real programs use MaxMind's file
		panic(err)
	}
	f, err := geoip.New(geoip.Config{
		Source:   "[source][ip]", // ECS: the fields go to [source][geo]
		Database: db,
		Fields:   []string{"city_name", "country_code2", "location"},
	})
	if err != nil {
		panic(err)
	}
	defer f.Close(context.Background())

	e := &logpipe.Event{}
	e.Set(logpipe.MustPath("[source][ip]"), logpipe.StringValue("203.0.113.7"))
	private := &logpipe.Event{}
	private.Set(logpipe.MustPath("[source][ip]"), logpipe.StringValue("10.0.0.1"))
	f.Apply(context.Background(), logpipe.Batch{e, private})
	fmt.Println(e)
	fmt.Println(private)
	// Output:
	// {"@version":"1","source":{"ip":"203.0.113.7","geo":{"city_name":"London","country_iso_code":"GB","location":{"lat":51.5142,"lon":-0.0931}}}}
	// {"@version":"1","source":{"ip":"10.0.0.1"},"tags":["_geoip_lookup_failure"]}
}

// Package geoiptest writes small MaxMind databases for tests of programs
// that use the geoip filter, so that they need no real (licensed)
// database. The records are made up; the networks are documentation
// ranges (RFC 5737, RFC 3849). It builds only where int has 64 bits:
// github.com/maxmind/mmdbwriter, which writes the databases, does not
// build on 32-bit platforms (the geoip filter itself does).
package geoiptest

import (
	"fmt"
	"net"
	"os"

	"github.com/maxmind/mmdbwriter"
	"github.com/maxmind/mmdbwriter/mmdbtype"
)

// City records, by network.
var cityRecords = map[string]mmdbtype.Map{
	"203.0.113.0/24":  city("London", "GB", "United Kingdom", "EU", "Europe", "ENG", "England", "EC1A", "Europe/London", 51.5142, -0.0931),
	"198.51.100.0/24": city("Seattle", "US", "United States", "NA", "North America", "WA", "Washington", "98106", "America/Los_Angeles", 47.6062, -122.3321),
	"2001:db8::/32":   city("Sydney", "AU", "Australia", "OC", "Oceania", "NSW", "New South Wales", "2000", "Australia/Sydney", -33.8688, 151.2093),
	// A network known only to its country: no location.
	"192.0.2.0/24": {"country": mmdbtype.Map{"iso_code": mmdbtype.String("FR"), "names": mmdbtype.Map{"en": mmdbtype.String("France")}}},
}

func city(name, iso, country, cont, contName, sub, subName, postal, tz string, lat, lon float64) mmdbtype.Map {
	return mmdbtype.Map{
		"city":      mmdbtype.Map{"names": mmdbtype.Map{"en": mmdbtype.String(name)}},
		"continent": mmdbtype.Map{"code": mmdbtype.String(cont), "names": mmdbtype.Map{"en": mmdbtype.String(contName)}},
		"country":   mmdbtype.Map{"iso_code": mmdbtype.String(iso), "names": mmdbtype.Map{"en": mmdbtype.String(country)}},
		"location": mmdbtype.Map{
			"latitude": mmdbtype.Float64(lat), "longitude": mmdbtype.Float64(lon),
			"time_zone": mmdbtype.String(tz),
		},
		"postal":       mmdbtype.Map{"code": mmdbtype.String(postal)},
		"subdivisions": mmdbtype.Slice{mmdbtype.Map{"iso_code": mmdbtype.String(sub), "names": mmdbtype.Map{"en": mmdbtype.String(subName)}}},
	}
}

var asnRecords = map[string]mmdbtype.Map{
	"203.0.113.0/24":  {"autonomous_system_number": mmdbtype.Uint32(64496), "autonomous_system_organization": mmdbtype.String("Example Transit Ltd")},
	"198.51.100.0/24": {"autonomous_system_number": mmdbtype.Uint32(64511), "autonomous_system_organization": mmdbtype.String("Documentation Networks Inc")},
}

// WriteCity writes a GeoLite2-City shaped database to path. It holds
// 203.0.113.0/24 (London, GB), 198.51.100.0/24 (Seattle, US),
// 2001:db8::/32 (Sydney, AU) and 192.0.2.0/24 (France, no location).
func WriteCity(path string) error { return write(path, "GeoLite2-City", cityRecords) }

// WriteASN writes a GeoLite2-ASN shaped database to path: 203.0.113.0/24
// is AS64496 "Example Transit Ltd", 198.51.100.0/24 AS64511
// "Documentation Networks Inc".
func WriteASN(path string) error { return write(path, "GeoLite2-ASN", asnRecords) }

func write(path, typ string, records map[string]mmdbtype.Map) error {
	tree, err := mmdbwriter.New(mmdbwriter.Options{
		DatabaseType:            typ,
		RecordSize:              24,
		IncludeReservedNetworks: true, // the documentation ranges are reserved
		Languages:               []string{"en"},
		Description:             map[string]string{"en": "logpipe test database"},
	})
	if err != nil {
		return err
	}
	for cidr, rec := range records {
		_, network, err := net.ParseCIDR(cidr)
		if err != nil {
			return err
		}
		if err := tree.Insert(network, rec); err != nil {
			return fmt.Errorf("geoiptest: insert %s: %w", cidr, err)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := tree.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

package geoip

import (
	"fmt"
	"slices"
)

// ECS is Config.ECSCompatibility: Logstash's ecs_compatibility. It reads
// and writes as text with Logstash's names.
type ECS string

const (
	ECSv8       ECS = "v8"       // ECS field names (the default)
	ECSv1       ECS = "v1"       // the same field names as v8
	ECSDisabled ECS = "disabled" // Logstash's legacy field names
)

// DatabaseType is Config.DefaultDatabaseType. It reads and writes as text
// with Logstash's names.
type DatabaseType string

const (
	City DatabaseType = "City" // the default
	ASN  DatabaseType = "ASN"
)

var (
	ecsModes = []ECS{ECSv8, ECSv1, ECSDisabled}
	dbTypes  = []DatabaseType{City, ASN}
)

func checkChoice[T ~string](option string, v T, valid []T) error {
	if v == "" || slices.Contains(valid, v) {
		return nil
	}
	return fmt.Errorf("geoip: %s %q: want one of %q", option, string(v), valid)
}

// MarshalText returns the Logstash name; an unknown value is an error.
func (e ECS) MarshalText() ([]byte, error) {
	if err := checkChoice("ecs_compatibility", e, ecsModes); err != nil {
		return nil, err
	}
	return []byte(e), nil
}

// UnmarshalText accepts "v8", "v1", "disabled" or "" (the default).
func (e *ECS) UnmarshalText(b []byte) error {
	if err := checkChoice("ecs_compatibility", ECS(b), ecsModes); err != nil {
		return err
	}
	*e = ECS(b)
	return nil
}

// MarshalText returns the Logstash name; an unknown value is an error.
func (d DatabaseType) MarshalText() ([]byte, error) {
	if err := checkChoice("default_database_type", d, dbTypes); err != nil {
		return nil, err
	}
	return []byte(d), nil
}

// UnmarshalText accepts "City", "ASN" or "" (the default).
func (d *DatabaseType) UnmarshalText(b []byte) error {
	if err := checkChoice("default_database_type", DatabaseType(b), dbTypes); err != nil {
		return err
	}
	*d = DatabaseType(b)
	return nil
}

// Package filter holds logpipe's built-in filters: Logstash's parse and
// edit filters with Logstash's semantics, and the helpers that compose
// filters into a pipeline's filter section.
//
// Parse filters:
//
//   - Grok (NewGrok) matches text fields against grok patterns.
//   - JSON (NewJSON) decodes a field holding JSON text, keeping key order
//     and the literal text of numbers.
//   - Date (NewDate) parses a date field with Joda-Time patterns (or
//     ISO8601, UNIX, UNIX_MS, TAI64N) into @timestamp.
//   - Dissect (NewDissect) splits text on fixed delimiters, without
//     regular expressions: the fast choice for fixed layouts.
//   - KV (NewKV) parses key=value text (firewall and application logs).
//   - CSV (NewCSV) parses a line of comma-separated (or other) values.
//   - Split (NewSplit) makes one event per element of an array or per
//     line of a string.
//
// Enrichment filters:
//
//   - Fingerprint (NewFingerprint) hashes fields into a consistent id, the
//     same as Logstash's, for deduplicating document ids.
//   - Translate (NewTranslate) looks values up in a dictionary, inline or
//     from a YAML, JSON or CSV file reloaded in the background.
//   - GeoIP, in package filter/geoip (a package of its own because it
//     brings the MaxMind database reader), adds where an address is.
//   - The useragent filter lives in package filter/useragent, so that
//     programs without it do not compile ua-parser's rules.
//
// Edit filters:
//
//   - Mutate (NewMutate) renames, replaces, converts and edits fields in
//     Logstash's order of operations.
//
// Composition:
//
//   - Chain runs filters in order.
//   - When runs a filter only on the events a predicate selects (and an
//     optional other filter on the rest), keeping batch order: Logstash's
//     "if ... else".
//   - Drop removes the events a predicate selects, on purpose.
//
// # Common options
//
// Every built-in filter embeds Common, Logstash's common options AddField,
// RemoveField, AddTag and RemoveTag. They are applied to an event only
// when the filter succeeded on it, in that order (Logstash's). The tutorial's
//
//	json { source => "json_string" target => "log_data" remove_field => ["message", "json_string"] }
//
// is
//
//	filter.NewJSON(filter.JSONConfig{
//		Source: "json_string",
//		Target: "log_data",
//		Common: filter.Common{RemoveField: []string{"message", "json_string"}},
//	})
//
// # Failures
//
// A filter that cannot process an event leaves it otherwise untouched,
// adds its failure tags with Event.TagFailure (so the event counts as
// failed) and lets it continue down the pipeline, as Logstash does. Each
// parse filter has a TagOnFailure option with one convention: nil means
// the filter's default tag ("_grokparsefailure", "_jsonparsefailure",
// "_dateparsefailure", "_mutate_error", "_dissectfailure",
// "_kv_filter_error", "_csvparsefailure", "_splitparsefailure",
// "_fingerprintfailure", "_geoip_lookup_failure"), and an empty non-nil slice
// ([]string{}) means no tag. Filters never return an error for a bad
// event; a returned error means the whole batch failed.
//
// All filters are configured with plain structs whose zero values mean
// Logstash's defaults, validated and compiled once by their constructor,
// and are safe for concurrent use by several pipeline workers.
package filter

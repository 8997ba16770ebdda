// Package estest provides an in-process fake of the Elasticsearch _bulk API
// for testing code that writes to Elasticsearch, with fault injection:
// whole-request statuses, per-item statuses, 413 for large bodies,
// connections dropped before or after the documents were stored, and 200
// answers rewritten after storing (cut short, items missing).
//
// The fake answers the way Elasticsearch documents the bulk API: a JSON
// body {"took","errors","items"} with one item per action, in order, and
// the header "X-Elastic-Product: Elasticsearch" that the official Go
// client checks (left out with Config.NoProductHeader, as OpenSearch and
// some proxies do). It understands the index, create, update and delete
// actions, gzip request bodies, and path prefixes (any path ending in
// "/_bulk"). A create whose id already exists gets a 409
// version_conflict_engine_exception, as in Elasticsearch. A filter_path
// query parameter filters the answer as Elasticsearch does (names, "*"
// and "**", empty objects left out, order kept), but not error responses.
package estest

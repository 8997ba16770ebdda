// Package e2e holds logpipe's real-server tests. It is its own Go module so
// that VictoriaLogs, which the tests build and run as a stand-in for
// Elasticsearch, never becomes a dependency of the library.
//
// Run them with
//
//	cd e2e && go test ./...
//
// TestMain builds github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs
// (the version pinned by this module's tool directive) once, caches the
// binary under os.UserCacheDir()/logpipe-e2e, starts it on a free loopback
// port with a temporary -storageDataPath, and stops it at the end. When
// ELASTICSEARCH_URL is set the same tests run against that Elasticsearch
// instead. go test -short skips the real-server tests; the fault-injection
// tests, which use an in-process fake, always run.
package e2e

package grok

// The pattern families of logstash-patterns-core beyond core, httpd,
// linux-syslog and java each keep their legacy updates and their ECS
// definitions in a file of their own (families_*.go); Defaults and
// ECSDefaults apply them in this order, after the shared overrides.
var (
	familyLegacy = []map[string]string{firewallsLegacy, networkLegacy, appsLegacy}
	familyECS    = []map[string]string{firewallsECS, networkECS, appsECS}
)

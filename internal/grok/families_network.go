package grok

// Families: HAProxy, AWS (ELB, S3, CloudFront), Squid, BIND, Zeek/Bro.

// networkLegacy updates the legacy (ecs_compatibility => disabled) definitions
// of these families to today's logstash-patterns-core.
var networkLegacy = map[string]string{}

// networkECS holds these families' definitions for ECS mode.
var networkECS = map[string]string{}

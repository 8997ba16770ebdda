package grok

// Families: Exim, Bacula, Nagios, MCollective, MongoDB, PostgreSQL, Rails, Redis, Ruby, Maven.

// appsLegacy updates the legacy (ecs_compatibility => disabled) definitions
// of these families to today's logstash-patterns-core.
var appsLegacy = map[string]string{}

// appsECS holds these families' definitions for ECS mode.
var appsECS = map[string]string{}

package grok

// Families: firewalls, iptables, shorewall, SuSE firewall, Cisco ASA/PIX/FWSM, NetScreen, Junos.

// firewallsLegacy updates the legacy (ecs_compatibility => disabled) definitions
// of these families to today's logstash-patterns-core.
var firewallsLegacy = map[string]string{}

// firewallsECS holds these families' definitions for ECS mode.
var firewallsECS = map[string]string{}

package main

import _ "embed"

// indexTemplate is the composable index template installed as
// "fastapi-logs" for the fastapi-logs-* indices (with -es, unless
// -manage-template=false): client_ip as ip, path, method, log_level and
// event_type as keyword, status_code as integer, process_time_ms as float,
// user_agent as keyword plus the ECS user_agent.* fields the useragent
// filter writes, so that the tutorial's Kibana questions (slowest
// endpoints, share of 500s, top client address, browser share) are exact
// aggregations instead of text+keyword guesses.
//
//go:embed template.json
var indexTemplate []byte

// templateName is the name the shipper installs indexTemplate under.
const templateName = "fastapi-logs"

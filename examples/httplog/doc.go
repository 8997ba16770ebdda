// Package httplog is the tutorial's FastAPI logging middleware written for
// net/http: it writes one line per request in the layout of Python's
// logging module,
//
//	2024-12-21 10:00:00,123 - INFO - Request processed: {"timestamp":"2024-12-21 10:00:00","client_ip":...}
//
// with the request described by a compact JSON document (timestamp,
// client_ip, method, path, status_code, process_time_ms, user_agent, and
// request_info with headers and query_params). Responses with a 5xx status
// are logged at ERROR as "Error occurred" with an error_type.
//
// With it a Go service writes exactly the log that the
// examples/fastapi-shipper command ships: the app writes logs/app.log, the
// shipper reads it.
package httplog

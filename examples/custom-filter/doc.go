// Command custom-filter shows how to write your own logpipe filter and test
// it with filtertest: the pattern to copy.
//
// A filter is any type with the method
//
//	Apply(ctx context.Context, b logpipe.Batch) (logpipe.Batch, error)
//
// that is safe for concurrent use (the pipeline's workers share it). This
// command defines two:
//
//   - MaskIP (maskip.go), a configurable filter with a constructor that
//     validates its config, which masks the client address in
//     [log_data][client_ip] (10.0.7.150 becomes 10.0.7.0) and tags events
//     whose address is not an IP address.
//   - TagSlow, a per-event function adapted with logpipe.EventFilter, which
//     tags requests slower than a threshold.
//
// filter_test.go tests both with filtertest.Run (a table of JSON in, JSON
// out) and filtertest.TestFilter (the Filter contract). main.go runs them
// after the tutorial's grok and json filters on standard input:
//
//	go run ./examples/custom-filter < examples/fastapi-shipper/testdata/app.log
package main

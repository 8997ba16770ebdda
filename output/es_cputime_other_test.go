//go:build !unix

package output_test

import "time"

// esCPUTime is not available on this platform; benchmarks then report 0.
func esCPUTime() time.Duration { return 0 }

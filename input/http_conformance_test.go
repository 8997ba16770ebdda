package input_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/input/inputtest"
)

func TestHTTPConformance(t *testing.T) {
	inputtest.TestSource(t, inputtest.SourceHarness{
		New: func(t *testing.T) (logpipe.Source, func(t *testing.T) []string) {
			h, url := newHTTP(t, input.HTTPConfig{})
			return h, func(t *testing.T) []string {
				var want []string
				for r := range 3 {
					var body []string
					for i := range 5 {
						body = append(body, fmt.Sprintf("request %d line %d", r, i))
					}
					// 503 until the harness's goroutine has called Run:
					// nothing was taken, so sending again is safe.
					status, _ := post(t, url, "text/plain", strings.Join(body, "\n"))
					for deadline := time.Now().Add(5 * time.Second); status == http.StatusServiceUnavailable && time.Now().Before(deadline); {
						time.Sleep(10 * time.Millisecond)
						status, _ = post(t, url, "text/plain", strings.Join(body, "\n"))
					}
					if status != http.StatusOK {
						t.Fatalf("status %d", status)
					}
					want = append(want, body...)
				}
				http.DefaultClient.CloseIdleConnections()
				return want
			}
		},
	})
}

package input_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

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
					if status, _ := post(t, url, "text/plain", strings.Join(body, "\n")); status != http.StatusOK {
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

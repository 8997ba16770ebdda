package httplog_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/logpipe/logpipe/examples/httplog"
)

// ExampleNew logs one request in the tutorial's format. A real service
// appends to logs/app.log instead of standard output and leaves Now and
// Location unset.
func ExampleNew() {
	clock := time.Date(2024, 12, 21, 10, 0, 0, 5e6, time.UTC)
	l, err := httplog.New(httplog.Config{
		Writer:   os.Stdout,
		Location: time.UTC,
		Now:      func() time.Time { clock = clock.Add(1500 * time.Microsecond); return clock },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello")) })

	req := httptest.NewRequest("GET", "/?q=shoes", nil)
	req.Header.Set("User-Agent", "curl/8.7.1")
	l.Handler(hello).ServeHTTP(httptest.NewRecorder(), req)
	// Output:
	// 2024-12-21 10:00:00,006 - INFO - Request processed: {"timestamp":"2024-12-21 10:00:00","client_ip":"192.0.2.1","method":"GET","path":"/","status_code":200,"process_time_ms":1.5,"user_agent":"curl/8.7.1","request_info":{"headers":{"host":"example.com","user-agent":"curl/8.7.1"},"query_params":{"q":"shoes"}}}
}

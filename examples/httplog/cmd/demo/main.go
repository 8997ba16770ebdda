package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/logpipe/logpipe/examples/httplog"
)

func main() {
	addr := flag.String("addr", "localhost:8080", "listen `address`")
	logPath := flag.String("log", "logs/app.log", "log `FILE` (appended to)")
	flag.Parse()
	if err := run(*addr, *logPath); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(addr, logPath string) error {
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	logger, err := httplog.New(httplog.Config{Writer: f})
	if err != nil {
		return err
	}
	srv := &http.Server{Addr: addr, Handler: logger.Handler(routes()), ReadHeaderTimeout: 10 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	fmt.Fprintf(os.Stderr, "demo: listening on http://%s, logging to %s\n", addr, logPath)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// routes returns the demo's endpoints.
func routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, `{"message":"Hello World"}`)
	})
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "{\"item_id\":%q}\n", r.PathValue("id"))
	})
	mux.HandleFunc("GET /search", func(w http.ResponseWriter, r *http.Request) {
		select { // the slow endpoint
		case <-time.After(time.Duration(20+rand.IntN(180)) * time.Millisecond):
		case <-r.Context().Done():
			return
		}
		fmt.Fprintf(w, "{\"query\":%q,\"results\":[]}\n", r.URL.Query().Get("q"))
	})
	mux.HandleFunc("GET /error", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"detail":"Internal Server Error"}`, http.StatusInternalServerError)
	})
	return mux
}

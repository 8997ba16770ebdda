package inputtest_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input/inputtest"
)

// chanSource is a minimal push Source: each value received on conns is a
// "connection" whose messages are sent on a stream of their own.
type chanSource struct {
	conns chan []string
	wg    sync.WaitGroup
}

func (s *chanSource) Run(ctx context.Context, sink logpipe.Sink) error {
	defer s.wg.Wait()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return nil
		case msgs := <-s.conns:
			st := sink.NewStream(fmt.Sprintf("conn-%d", n))
			s.wg.Go(func() {
				for _, m := range msgs {
					if st.Send(ctx, logpipe.Batch{logpipe.NewEvent(m)}, nil) != nil {
						return
					}
				}
			})
		}
	}
}

func (s *chanSource) Close(context.Context) error { return nil }

func TestSourceConformanceOfChanSource(t *testing.T) {
	inputtest.TestSource(t, inputtest.SourceHarness{
		New: func(t *testing.T) (logpipe.Source, func(t *testing.T) []string) {
			src := &chanSource{conns: make(chan []string)}
			return src, func(t *testing.T) []string {
				var all []string
				for c := range 3 {
					var msgs []string
					for i := range 50 {
						msgs = append(msgs, fmt.Sprintf("c%d m%d", c, i))
					}
					src.conns <- msgs
					all = append(all, msgs...)
				}
				return all
			}
		},
	})
}

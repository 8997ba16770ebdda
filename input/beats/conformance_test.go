package beats_test

import (
	"fmt"
	"testing"

	lumber "github.com/elastic/go-lumber/client/v2"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input/beats"
	"github.com/logpipe/logpipe/input/inputtest"
)

func TestConformance(t *testing.T) {
	inputtest.TestSource(t, inputtest.SourceHarness{
		New: func(t *testing.T) (logpipe.Source, func(t *testing.T) []string) {
			in := newBeats(t, beats.Config{BatchSize: 3})
			return in, func(t *testing.T) []string {
				var want []string
				for agent := range 2 {
					cl, err := lumber.SyncDial(in.Addr().String())
					if err != nil {
						t.Fatal(err)
					}
					evs := window(10, agent*10)
					if n, err := cl.Send(evs); err != nil || n != len(evs) {
						t.Fatalf("acked %d, %v", n, err)
					}
					cl.Close()
					for i := range evs {
						want = append(want, fmt.Sprintf("line %d", agent*10+i))
					}
				}
				return want
			}
		},
	})
}

package input_test

import (
	"fmt"
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/input"
	"github.com/logpipe/logpipe/input/inputtest"
)

func TestTCPConformance(t *testing.T) {
	inputtest.TestSource(t, inputtest.SourceHarness{
		New: func(t *testing.T) (logpipe.Source, func(t *testing.T) []string) {
			tc := newTCP(t, input.TCPConfig{Logger: quietLog})
			return tc, func(t *testing.T) []string {
				var all []string
				for c := range 3 {
					conn := dial(t, "tcp", tc.Addr())
					for i := range 50 {
						m := fmt.Sprintf("c%d m%d", c, i)
						if c == 1 {
							m = "<13>" + m // syslog-shaped: "auto" counts octets
							send(t, conn, fmt.Sprintf("%d %s", len(m), m))
						} else {
							send(t, conn, m+"\n")
						}
						all = append(all, m)
					}
					conn.Close()
				}
				return all
			}
		},
	})
}

func TestUDPConformance(t *testing.T) {
	inputtest.TestSource(t, inputtest.SourceHarness{
		New: func(t *testing.T) (logpipe.Source, func(t *testing.T) []string) {
			u := newUDP(t, input.UDPConfig{Logger: quietLog})
			return u, func(t *testing.T) []string {
				var all []string
				conn := dial(t, "udp", u.Addr())
				for i := range 100 {
					m := fmt.Sprintf("d%d", i)
					send(t, conn, m)
					all = append(all, m)
				}
				return all
			}
		},
	})
}

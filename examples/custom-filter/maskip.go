package main

import (
	"cmp"
	"context"
	"fmt"
	"net/netip"

	"github.com/logpipe/logpipe"
)

// MaskIPConfig configures a MaskIP filter. The zero value masks
// [log_data][client_ip] to /24 (IPv4) and /48 (IPv6).
type MaskIPConfig struct {
	// Field holds the address. Default: "[log_data][client_ip]".
	Field string
	// IPv4Bits is how many leading bits of an IPv4 address are kept.
	// Default: 24. Valid: 1 to 32.
	IPv4Bits int
	// IPv6Bits is how many leading bits of an IPv6 address are kept.
	// Default: 48. Valid: 1 to 128.
	IPv6Bits int
}

// TagMaskIPFailure is added to events whose field is not an IP address.
const TagMaskIPFailure = "_maskipfailure"

// MaskIP replaces an IP address with the network it belongs to, so that
// stored logs do not identify clients. Events without the field are left
// alone; events whose field is not an IP address are tagged
// TagMaskIPFailure and otherwise untouched. A MaskIP is safe for concurrent
// use: Apply only reads its configuration.
type MaskIP struct {
	field        logpipe.Path
	bits4, bits6 int
}

var _ logpipe.Filter = (*MaskIP)(nil)

// NewMaskIP validates cfg and returns the filter.
func NewMaskIP(cfg MaskIPConfig) (*MaskIP, error) {
	if cfg.Field == "" {
		cfg.Field = "[log_data][client_ip]"
	}
	field, err := logpipe.ParsePath(cfg.Field)
	if err != nil {
		return nil, fmt.Errorf("maskip: field %q: %w", cfg.Field, err)
	}
	m := &MaskIP{field: field, bits4: cmp.Or(cfg.IPv4Bits, 24), bits6: cmp.Or(cfg.IPv6Bits, 48)}
	if m.bits4 < 1 || m.bits4 > 32 || m.bits6 < 1 || m.bits6 > 128 {
		return nil, fmt.Errorf("maskip: IPv4Bits %d / IPv6Bits %d out of range", cfg.IPv4Bits, cfg.IPv6Bits)
	}
	return m, nil
}

// Apply masks the address of every event of b, in place. It never returns
// an error: a bad address is a property of its event, not of the batch.
func (m *MaskIP) Apply(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
	for _, e := range b {
		v, ok := e.Get(m.field)
		if !ok {
			continue
		}
		addr, err := netip.ParseAddr(v.String())
		if err != nil {
			e.TagFailure(TagMaskIPFailure)
			continue
		}
		bits := m.bits6
		if addr.Is4() || addr.Is4In6() {
			addr, bits = addr.Unmap(), m.bits4
		}
		prefix, _ := addr.Prefix(bits) // cannot fail: bits is in range
		if err := e.Set(m.field, logpipe.StringValue(prefix.Addr().String())); err != nil {
			e.Fail(fmt.Errorf("maskip: %w", err))
		}
	}
	return b, nil
}

// TagSlow returns a filter that adds the tag "slow" to requests whose
// [log_data][process_time_ms] is at least thresholdMS. It is the shortest
// way to write a filter: a function of one event, adapted with
// logpipe.EventFilter.
func TagSlow(thresholdMS float64) logpipe.Filter {
	latency := logpipe.MustPath("[log_data][process_time_ms]") // a constant: cannot fail
	return logpipe.EventFilter(func(_ context.Context, e *logpipe.Event) error {
		if v, ok := e.Get(latency); ok {
			if ms, ok := v.Float(); ok && ms >= thresholdMS {
				e.AddTag("slow")
			}
		}
		return nil
	})
}

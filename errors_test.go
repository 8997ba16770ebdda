package logpipe_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
)

func TestPermanent(t *testing.T) {
	base := errors.New("auth failed")
	tests := []struct {
		name      string
		err       error
		permanent bool
		is        error // errors.Is target that must hold
	}{
		{"nil", nil, false, nil},
		{"plain", base, false, base},
		{"permanent", logpipe.Permanent(base), true, base},
		{"wrapped permanent", fmt.Errorf("es: %w", logpipe.Permanent(base)), true, base},
		{"permanent of wrapped", logpipe.Permanent(fmt.Errorf("es: %w", io.EOF)), true, io.EOF},
		{"joined", errors.Join(io.ErrUnexpectedEOF, logpipe.Permanent(base)), true, base},
		{"joined plain", errors.Join(io.ErrUnexpectedEOF, base), false, io.ErrUnexpectedEOF},
		{"double permanent", logpipe.Permanent(logpipe.Permanent(base)), true, base},
		// A BatchError is judged event by event, never as a whole.
		{"in batch error", logpipe.NewBatchError(2).Fail(1, logpipe.Permanent(base)), false, base},
		{"batch error wrapped", fmt.Errorf("es: %w", logpipe.NewBatchError(2).Fail(0, logpipe.Permanent(base))), false, base},
		{"permanent batch error", logpipe.Permanent(logpipe.NewBatchError(1).Fail(0, base)), true, base},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := logpipe.IsPermanent(tt.err); got != tt.permanent {
				t.Errorf("IsPermanent = %v, want %v", got, tt.permanent)
			}
			if tt.is != nil && !errors.Is(tt.err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", tt.err, tt.is)
			}
		})
	}
	if logpipe.Permanent(nil) != nil {
		t.Error("Permanent(nil) != nil")
	}
	if got := logpipe.Permanent(base).Error(); got != base.Error() {
		t.Errorf("Permanent changes the message: %q", got)
	}
	p := logpipe.Permanent(base)
	if logpipe.Permanent(p) != p {
		t.Error("Permanent wraps an already permanent error again")
	}
}

func TestBatchError(t *testing.T) {
	errA, errB := errors.New("a"), errors.New("b")
	be := logpipe.NewBatchError(10)
	be.Fail(7, errB).Fail(2, errA).Fail(4, nil).Fail(9, errA)
	be.Fail(9, logpipe.Permanent(errB)) // replaces
	if be.Len() != 4 || be.Size() != 10 {
		t.Errorf("Len, Size = %d, %d; want 4, 10", be.Len(), be.Size())
	}
	var idx []int
	be.Each(func(i int, err error) {
		idx = append(idx, i)
		if err == nil {
			t.Errorf("Each gave a nil error for %d", i)
		}
	})
	if !slices.Equal(idx, []int{2, 4, 7, 9}) {
		t.Errorf("Each order = %v", idx)
	}
	if be.Err(2) != errA || be.Err(0) != nil || be.Err(4) == nil {
		t.Errorf("Err(2), Err(0), Err(4) = %v, %v, %v", be.Err(2), be.Err(0), be.Err(4))
	}
	if !logpipe.IsPermanent(be.Err(9)) || logpipe.IsPermanent(be.Err(7)) {
		t.Error("per-event permanence lost")
	}
	var err error = be
	if !errors.Is(err, errA) || !errors.Is(err, errB) || errors.Is(err, io.EOF) {
		t.Error("errors.Is does not see the per-event errors")
	}
	var got *logpipe.BatchError
	if !errors.As(fmt.Errorf("output: %w", err), &got) || got != be {
		t.Error("errors.As does not find the BatchError through a wrap")
	}
	if !errors.As(errors.Join(io.EOF, err), &got) {
		t.Error("errors.As does not find the BatchError through Join")
	}
	msg := be.Error()
	for _, w := range []string{"4 of 10 events failed", "[2]: a", "[4]:", "[7]: b", "and 1 more"} {
		if !strings.Contains(msg, w) {
			t.Errorf("Error() = %q, lacks %q", msg, w)
		}
	}
	if strings.Contains(msg, "[9]") {
		t.Errorf("Error() = %q lists more than three failures", msg)
	}
	if len(be.Unwrap()) != 4 {
		t.Errorf("Unwrap() has %d errors", len(be.Unwrap()))
	}
	empty := logpipe.NewBatchError(3)
	if empty.Len() != 0 || !strings.Contains(empty.Error(), "0 of 3") {
		t.Errorf("empty BatchError: %d, %q", empty.Len(), empty.Error())
	}
}

func TestEventFilter(t *testing.T) {
	errBad := errors.New("bad event")
	f := logpipe.EventFilter(func(_ context.Context, e *logpipe.Event) error {
		switch e.Message() {
		case "drop":
			return logpipe.ErrDrop
		case "bad":
			return errBad
		case "wrapped drop":
			return fmt.Errorf("x: %w", logpipe.ErrDrop)
		}
		e.Fields().Set("seen", logpipe.BoolValue(true))
		return nil
	})
	tests := []struct {
		name   string
		in     []string
		want   []string // messages kept, in order
		failed []bool
	}{
		{"nil", nil, nil, nil},
		{"all kept", []string{"a", "b"}, []string{"a", "b"}, []bool{false, false}},
		{"drops", []string{"drop", "a", "drop", "b", "drop"}, []string{"a", "b"}, []bool{false, false}},
		{"error fails the event", []string{"a", "bad", "b"}, []string{"a", "bad", "b"}, []bool{false, true, false}},
		{"wrapped ErrDrop drops too", []string{"wrapped drop", "a"}, []string{"a"}, []bool{false}},
		{"all dropped", []string{"drop", "drop"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b logpipe.Batch
			for _, m := range tt.in {
				b = append(b, logpipe.NewEvent(m))
			}
			out, err := f.Apply(t.Context(), b)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			var got []string
			for i, e := range out {
				got = append(got, e.Message())
				if e.Failed() != tt.failed[i] {
					t.Errorf("event %q Failed() = %v", e.Message(), e.Failed())
				}
				if tt.failed[i] && !errors.Is(e.Err(), errBad) && e.Message() == "bad" {
					t.Errorf("event %q Err() = %v", e.Message(), e.Err())
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("kept %q, want %q", got, tt.want)
			}
			// The tail of the reused backing array is cleared so dropped
			// events can be collected.
			for i := len(out); i < len(b); i++ {
				if b[i] != nil {
					t.Errorf("backing array slot %d still holds %q", i, b[i].Message())
				}
			}
		})
	}
}

func TestFilterFuncAndOutputFunc(t *testing.T) {
	var f logpipe.Filter = logpipe.FilterFunc(func(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
		return append(b, logpipe.NewEvent("added")), nil
	})
	out, err := f.Apply(t.Context(), logpipe.Batch{logpipe.NewEvent("a")})
	if err != nil || len(out) != 2 || out[1].Message() != "added" {
		t.Errorf("FilterFunc.Apply = %v, %v", out, err)
	}
	var n int
	var o logpipe.Output = logpipe.OutputFunc(func(_ context.Context, b logpipe.Batch) error {
		n += len(b)
		return nil
	})
	if err := o.Write(t.Context(), out); err != nil || n != 2 {
		t.Errorf("OutputFunc.Write = %v, n = %d", err, n)
	}
	if err := o.Close(t.Context()); err != nil {
		t.Errorf("OutputFunc.Close = %v", err)
	}
}

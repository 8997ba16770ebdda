// Package safecall runs code the library does not own (user filters and
// outputs) and turns a panic into an error that keeps the stack.
package safecall

import (
	"fmt"
	"runtime/debug"
)

// PanicError is a panic recovered by Call, with the stack of the goroutine
// that panicked.
type PanicError struct {
	Value any    // what was passed to panic
	Stack []byte // the panicking goroutine's stack, from runtime/debug.Stack
}

func (e *PanicError) Error() string { return fmt.Sprintf("panic: %v\n%s", e.Value, e.Stack) }

// Call runs f and returns its error, or a *PanicError when f panics.
func Call(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	return f()
}

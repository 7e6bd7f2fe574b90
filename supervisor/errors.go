package supervisor

import (
	"context"
	"errors"
	"fmt"

	"github.com/actorfutures/actorfutures/internal/ctxerr"
)

var (
	// ErrInjected is matched by every error the fault injector makes a task
	// or a message fail with.
	ErrInjected = errors.New("supervisor: injected fault")

	// ErrClosed is returned by [Subscription.Next] once the subscription is
	// closed.
	ErrClosed = errors.New("supervisor: subscription closed")
)

// InjectedError is the error of an injected [Error] fault. It matches
// [ErrInjected].
type InjectedError struct {
	Msg string
	Seq uint64 // the message or task it was injected into, from 1
}

func (e *InjectedError) Error() string {
	if e.Msg != "" {
		return e.Msg
	}
	return fmt.Sprintf("supervisor: injected error (message %d)", e.Seq)
}

// Is makes the error match ErrInjected.
func (e *InjectedError) Is(target error) bool { return target == ErrInjected }

// InjectedPanic is the value an injected [Panic] fault panics with. As an
// error it matches [ErrInjected], so a decider or a test can tell injected
// crashes from real ones.
type InjectedPanic struct {
	Seq uint64 // the message or task it was injected into, from 1
}

func (p *InjectedPanic) Error() string {
	return fmt.Sprintf("supervisor: injected panic (message %d)", p.Seq)
}

// Is makes the value match ErrInjected.
func (p *InjectedPanic) Is(target error) bool { return target == ErrInjected }

// ctxError is what a wait returns when its context ends first: a timeout
// error (matching futures.ErrTimeout and context.DeadlineExceeded) for a
// deadline, the context's cause otherwise.
func ctxError(ctx context.Context, what string) error { return ctxerr.Of(ctx, "supervisor: "+what) }

package pools

import (
	"context"
	"errors"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/ctxerr"
)

func errorsIsDeadline(err error) bool { return errors.Is(err, context.DeadlineExceeded) }

// queuedTimeout is the outcome of a task whose deadline passed before it
// started: it never runs.
func queuedTimeout(ctx context.Context) error {
	return futures.NewTimeoutError("pools: deadline exceeded while queued", context.Cause(ctx))
}

// runningTimeout is the outcome of a task that failed after its deadline
// passed while it ran; it wraps the task's own error.
func runningTimeout(err error) error {
	return futures.NewTimeoutError("pools: deadline exceeded while running: "+err.Error(), err)
}

// ctxError is what a wait of the executor returns when its context ends
// first: a timeout error (matching futures.ErrTimeout and
// context.DeadlineExceeded) for a deadline, the context's cause otherwise.
func ctxError(ctx context.Context, what string) error { return ctxerr.Of(ctx, "pools: "+what) }

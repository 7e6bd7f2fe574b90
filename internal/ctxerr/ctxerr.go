// Package ctxerr makes the error of a wait whose context ended, the same
// way in every package of the module: a deadline gives a timeout error
// that matches both futures.ErrTimeout and context.DeadlineExceeded, a
// cancellation wraps the context's cause.
package ctxerr

import (
	"context"
	"errors"
	"fmt"

	"github.com/actorfutures/actorfutures/futures"
)

// Of returns the error of a wait for what (prefixed with its package,
// "pools: shutdown") that ctx ended.
func Of(ctx context.Context, what string) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return futures.NewTimeoutError(what+": deadline exceeded", context.Cause(ctx))
	}
	return fmt.Errorf("%s: %w", what, context.Cause(ctx))
}

package main

import (
	"context"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/examples/internal/transcript"
	"github.com/stretchr/testify/require"
)

// On synctest's fake clock: each kind of error, with what it matches.
func TestExceptions(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, errorKinds(context.Background(), out, time.Second))
		transcript.Equal(t, `
			  0s | Result of a cancelled future:
			  0s |     futures: cancelled
			  0s |     matches: ErrCancelled
			  1s | Result with a one-second timeout, for a two-second task:
			  1s |     futures: timeout: waiting for result
			  1s |     matches: ErrTimeout, DeadlineExceeded
			  1s | TrySubmit to a full queue:
			  1s |     pools: queue is full
			  1s |     matches: ErrQueueFull
			4.5s | a task whose deadline passes in the queue:
			4.5s |     pools: deadline exceeded while queued
			4.5s |     matches: ErrTimeout, DeadlineExceeded
			  7s | a task whose deadline passes while it runs:
			  7s |     pools: deadline exceeded while running: context deadline exceeded
			  7s |     matches: ErrTimeout, DeadlineExceeded
			  7s | SetResult on a finished future:
			  7s |     futures: invalid state: SetResult on a finished future
			  7s |     matches: ErrInvalidState
			  7s | a task that panics:
			  7s |     futures: task panicked: something broke
			  7s |     matches: *futures.PanicError, with the task's stack
			  7s | Submit after Shutdown:
			  7s |     pools: cannot schedule new futures after shutdown
			  7s |     matches: ErrShutdown
			  7s | a task on a pool whose initializer failed:
			  7s |     pools: executor is broken: initializer failed: cannot reach the license server
			  7s |     matches: ErrBrokenExecutor
			  7s |     cause: initializer failed: cannot reach the license server
			  7s | NewActorPool with no workers:
			  7s |     pools: invalid option: max workers must be > 0, got 0
			  7s |     matches: ErrInvalidOption
		`, out)
	})
}

package main

import (
	"context"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/examples/internal/transcript"
	"github.com/stretchr/testify/require"
)

// On synctest's fake clock: the detected deadlock fails at once, the
// undetected one when the first task's deadline passes.
func TestDeadlock(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, deadlocks(context.Background(), out, time.Second))
		transcript.Equal(t, `
			0s | == one worker: a task waits for a task it submitted
			0s | outer: pools: deadlock: a task waits for a future of its own pool that can never complete (1 of 1 workers run tasks that wait for each other or for tasks queued behind them) (ErrDeadlock: true)
			0s | inner: 25, error <nil>
			0s | == the fix: chain the next step instead of waiting in a task
			0s | 5**2 = 25
			0s | == or enough workers: two for one task waiting for another
			0s | outer: 25, error <nil>
			0s | == two running tasks waiting for each other
			3s | a after 3s: pools: deadline exceeded while running: futures: timeout: waiting for result
			3s | b after 3s: pools: deadline exceeded while running: futures: timeout: waiting for result (a's timeout: true)
		`, out)
	})
}

package main

import (
	"context"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/examples/internal/transcript"
	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

// The tutorial's own timings, on synctest's fake clock.
func TestLifecycle(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, run(context.Background(), out, time.Second))
		transcript.Equal(t, `
			   0s | == states, and a wait with a timeout
			   0s | Task 1 starting (will take 2s)
			   0s | Task 2 starting (will take 1s)
			   0s | Task 3 starting (will take 3s)
			 0.5s | Future 1 - Running: true, Done: false
			 0.5s | Future 2 - Running: true, Done: false
			 0.5s | Future 3 - Running: true, Done: false
			   1s | Task 2 completed after 1s
			   1s | Got result with timeout: Task 2 completed after 1s
			1.25s | Task 3 with a short timeout: futures: timeout: waiting for result (timeout: true); it is still running
			1.25s | Waiting for all tasks to complete...
			   2s | Task 1 completed after 2s
			   2s | Final result 1: Task 1 completed after 2s
			   2s | Final result 2: Task 2 completed after 1s
			   3s | Task 3 completed after 3s
			   3s | Final result 3: Task 3 completed after 3s
			   3s | == callbacks
			 3.5s | Processing result: 21
			 3.5s | second callback, added before completion
			 3.5s | Then derived: 42
			 3.5s | callback added after completion runs at once
			 3.5s | == a timeout, then cancel
			 4.5s | Operation too slow, cancelling... true
			 6.5s | the worker sees the cancellation and sets no result
			 6.5s | SetResult after Cancel: futures: invalid state: SetResult on a cancelled future (invalid state: true)
			 6.5s | == cancelling queued and running tasks
			 6.5s | Task 1 starting (will take 1s)
			 6.6s | Cancel task 3 (queued): true; cancelled: true, running: false
			 6.6s | Cancel task 1 (running): false; running: true
			 6.6s | Interrupt task 1: true
			 6.6s | Task 1 stopped: context canceled
			 6.6s | Task 1 was interrupted: futures: cancelled while running: context canceled
			 6.6s | Task 2 starting (will take 1s)
			 7.6s | Task 2 completed after 1s
			 7.6s | Task 2 result: Task 2 completed after 1s
			 7.6s | Task 3 was cancelled
			 7.6s | == SetException and Exception
			 7.6s | Has exception? true: Database connection failed
			 7.6s | Result returns it too; errors.As finds the *main.ConnectionError: true
			 7.6s | A success has no exception: <nil>, <nil>
			 8.6s | Exception on a pending future gives up: futures: timeout: waiting for exception
		`, out)
		require.Equal(t, []string{
			"Processing result: 21",
			"second callback, added before completion",
			"Then derived: 42",
			"callback added after completion runs at once",
		}, out.Texts()[17:21], "callbacks in the order they were added")
	})
}

func TestNegativeScale(t *testing.T) {
	require.Error(t, run(context.Background(), transcript.New(), -time.Second))
}

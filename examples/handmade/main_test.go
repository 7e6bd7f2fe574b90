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
func TestHandmade(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, run(context.Background(), out, time.Second))
		transcript.Equal(t, `
			  0s | == a future completed from a goroutine
			  0s | Done yet? false
			  1s | Result: 499999500000 (done: true)
			  1s | == a future completed by an actor, awaited by another
			  1s | the consumer answers "pong" while it waits (answer done: false)
			  2s | ASYNC RESULT READY!
			  2s | == an actor subscribed to a future
			  3s | monitor: a future is finished with 42, error <nil>
			  3s | == a start signal shared by three workers
			3.1s | workers waiting: 3
			3.1s | Worker 0 processed shared data
			3.1s | Worker 1 processed shared data
			3.1s | Worker 2 processed shared data
			3.1s | == an executor written by hand
			3.1s | cancel the second while it waits: true
			3.1s | first ran
			3.1s | cancelled: the executor never ran it
			3.1s | failed: the task panicked: the third task panics
		`, out)
		require.Equal(t, []string{"first ran", "cancelled: the executor never ran it", "failed: the task panicked: the third task panics"},
			out.Texts()[len(out.Texts())-3:], "futures read in submission order")
	})
}

// Outside the bubble, in real time, at the default scale.
func TestHandmadeRealTime(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out := transcript.New()
	require.NoError(t, run(ctx, out, 10*time.Millisecond))
	require.Contains(t, out.Texts(), "ASYNC RESULT READY!")
}

func TestNegativeScale(t *testing.T) {
	require.Error(t, run(context.Background(), transcript.New(), -time.Second))
}

package main

import (
	"context"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/examples/internal/transcript"
	"github.com/stretchr/testify/require"
)

// The tutorial's own timings, on synctest's fake clock: four one-second
// tasks on two workers.
func TestShutdown(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, shuttingDown(context.Background(), out, time.Second))
		transcript.Equal(t, `
			  0s | == Shutdown waits for every task
			  2s | returned after 2s (error <nil>): finished, finished, finished, finished
			  2s | == Shutdown(CancelPending()): cancel_futures=True
			  3s | returned after 1s (error <nil>): finished, finished, cancelled, cancelled
			  3s | == Shutdown(NoWait()): wait=False
			  3s | returned after 0s (error <nil>)
			  5s | 4 tasks done after 2s: finished, finished, finished, finished
			  5s | Shutdown again: error <nil>
			  5s | == Shutdown(CancelPending(), InterruptRunning()): beyond Python
			5.1s | returned after 100ms (error <nil>): cancelled, cancelled, cancelled, cancelled
			5.1s | a running task's outcome: futures: cancelled while running: context canceled
			5.1s | == after Shutdown, and a Shutdown with a deadline
			5.6s | Shutdown with half a second: pools: shutdown: deadline exceeded (deadline exceeded: true)
			5.6s | a submit after Shutdown: pools: cannot schedule new futures after shutdown (ErrShutdown: true)
			5.6s | TrySubmit too: pools: cannot schedule new futures after shutdown
			7.1s | Shutdown again waits for the rest: after 2s (error <nil>): finished, finished, finished, finished
		`, out)
	})
}

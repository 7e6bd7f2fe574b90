package main

import (
	"context"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/examples/internal/transcript"
	"github.com/stretchr/testify/require"
)

// The tutorial's own timings, on synctest's fake clock.
func TestRetry(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, retrying(context.Background(), out, time.Second, 10))
		transcript.Equal(t, `
			     0s | == fetch and process ten items, retrying what is worth it
			 1.404s | Attempt 1 for id 4 failed (failed to fetch data for id 4), retrying in 500ms
			 2.103s | Successfully processed id 3: Processed Data for id 3
			 2.123s | Successfully processed id 2: Processed Data for id 2
			 2.668s | Successfully processed id 1: Processed Data for id 1
			 3.126s | Attempt 1 for id 6 failed (failed to fetch data for id 6), retrying in 500ms
			 3.658s | Failed to process id 5, not retried: failed to process "Data for id 5"
			 4.192s | Attempt 1 for id 7 failed (failed to fetch data for id 7), retrying in 500ms
			 4.755s | Successfully processed id 4: Processed Data for id 4
			   5.5s | Successfully processed id 6: Processed Data for id 6
			 6.096s | Attempt 1 for id 9 failed (failed to fetch data for id 9), retrying in 500ms
			 6.313s | Successfully processed id 8: Processed Data for id 8
			 6.681s | Attempt 1 for id 10 failed (failed to fetch data for id 10), retrying in 500ms
			 7.439s | Failed to process id 7, not retried: failed to process "Data for id 7"
			 7.936s | Attempt 2 for id 9 failed (failed to fetch data for id 9), retrying in 1s
			 8.363s | Attempt 2 for id 10 failed (failed to fetch data for id 10), retrying in 1s
			10.545s | Failed to fetch id 10: gave up after 3 attempts: failed to fetch data for id 10
			10.943s | Successfully processed id 9: Processed Data for id 9
			10.943s | == a deadline for the retries
			10.943s | Attempt 1 failed, retrying in 300ms
			11.243s | Attempt 2 failed, retrying in 600ms
			11.843s | stopped: no time left for attempt 4: failed to fetch data for id 99
		`, out)
	})
}

// Whatever the seed, every item ends one way or another, once.
func TestEveryItemEnds(t *testing.T) {
	for seed := range uint64(6) {
		transcript.Bubble(t, func(t *testing.T) {
			out := transcript.New()
			require.NoError(t, retrying(context.Background(), out, time.Second, seed))
			ends := 0
			for _, prefix := range []string{"Successfully processed id", "Failed to process id", "Failed to fetch id"} {
				ends += len(out.Prefixed(prefix))
			}
			require.Equal(t, 10, ends, "seed %d", seed)
			require.Empty(t, out.Prefixed("Unexpected"), "seed %d", seed)
		})
	}
}

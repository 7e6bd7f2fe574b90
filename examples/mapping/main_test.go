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

// The tutorial's own timings, on synctest's fake clock: the users answer
// in reverse order and are still printed in input order.
func TestMapping(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, run(context.Background(), out, time.Second))
		transcript.Equal(t, `
			  0s | == results in input order
			0.1s |   (user 105 answered)
			0.2s |   (user 104 answered)
			0.3s |   (user 103 answered)
			0.4s |   (user 102 answered)
			0.5s |   (user 101 answered)
			0.5s | Fetched: {ID:101 Name:User-101}
			0.5s | Fetched: {ID:102 Name:User-102}
			0.5s | Fetched: {ID:103 Name:User-103}
			0.5s | Failed: user 104: no such user
			0.5s | Fetched: {ID:105 Name:User-105}
			0.5s | == CPU-bound work
			0.5s | sums of squares: [333332833333500000 333332833333500000 333332833333500000]
			0.5s | == chunks
			0.5s | chunk size   1: sum 332833500 in 1000 tasks
			0.5s | chunk size 100: sum 332833500 in 10 tasks
			0.5s | == a deadline for the whole map
			  1s | took 0.5s
			1.5s | took 1s
			2.5s | stopped: pools: map deadline exceeded (timeout: true)
		`, out)
		require.Equal(t, []string{
			"Fetched: {ID:101 Name:User-101}",
			"Fetched: {ID:102 Name:User-102}",
			"Fetched: {ID:103 Name:User-103}",
			"Failed: user 104: no such user",
			"Fetched: {ID:105 Name:User-105}",
		}, out.Texts()[6:11], "input order")
	})
}

func TestNegativeScale(t *testing.T) {
	require.Error(t, run(context.Background(), transcript.New(), -time.Second))
}

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

// The tutorial's own timings, on synctest's fake clock: waiting between
// stages takes 7 s for two chains, chaining by callbacks 4 s.
func TestChaining(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, run(context.Background(), out, time.Second))
		transcript.Equal(t, `
			 0s | == waiting between stages
			 0s | Fetching data: Data1
			 2s | Processing data: Fetched: Data1
			 3s | Saving data: Processed: Fetched: Data1
			 3s | Fetching data: Data2
			 6s | Final result: Saved: Processed: Fetched: Data1
			 5s | Processing data: Fetched: Data2
			 6s | Saving data: Processed: Fetched: Data2
			 7s | Final result: Saved: Processed: Fetched: Data2
			 7s | Total time: 7s
			 7s | == chained by callbacks
			 7s | Fetching data: Data1
			 7s | Fetching data: Data2
			 9s | Processing data: Fetched: Data1
			 9s | Processing data: Fetched: Data2
			10s | Saving data: Processed: Fetched: Data1
			10s | Saving data: Processed: Fetched: Data2
			11s | Final result: Saved: Processed: Fetched: Data1
			11s | Final result: Saved: Processed: Fetched: Data2
			11s | Total time: 4s
			11s | == chained with andThen and Then
			11s | Fetching data: Data1
			11s | Fetching data: Data2
			11s | Fetching data: BadData
			13s | Processing data: Fetched: Data1
			13s | Processing data: Fetched: Data2
			13s | Processing data: Fetched: BadData
			13s | Chain failed: cannot process "Fetched: BadData"
			14s | Saving data: Processed: Fetched: Data1
			14s | Saving data: Processed: Fetched: Data2
			15s | Final result: SAVED: PROCESSED: FETCHED: DATA1
			15s | Final result: SAVED: PROCESSED: FETCHED: DATA2
			15s | Total time: 4s
			15s | == the first replica that answers
			15s | Fetching data: Data3 from replica B
			17s | Final result: Fetched: Data3 from replica B
		`, out)
	})
}

func TestNegativeScale(t *testing.T) {
	require.Error(t, run(context.Background(), transcript.New(), -time.Second))
}

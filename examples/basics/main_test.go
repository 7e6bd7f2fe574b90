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
func TestBasics(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, run(context.Background(), out, time.Second))
		transcript.Equal(t, `
			0s | == a future is an IOU
			0s | Future created. Doing other work...
			1s | done yet? false
			3s | Operation completed in 3 seconds
			3s | == one after another
			3s | Starting download of file1.txt
			5s | Finished downloading file1.txt
			5s | Starting download of file2.txt
			7s | Finished downloading file2.txt
			7s | Starting download of file3.txt
			9s | Finished downloading file3.txt
			9s | Total time: 6s
			9s | == bare goroutines
			9s | Starting download of file1.txt
			9s | Starting download of file2.txt
			9s | Starting download of file3.txt
		   11s | Finished downloading file1.txt
		   11s | Finished downloading file2.txt
		   11s | Finished downloading file3.txt
		   11s | Total time: 2s
		   11s | Results: ["Content of file1.txt" "Content of file2.txt" "Content of file3.txt"]
		   11s | == an actor pool
		   11s | Starting download of file1.txt
		   11s | Starting download of file2.txt
		   11s | Starting download of file3.txt
		   13s | Finished downloading file1.txt
		   13s | Finished downloading file2.txt
		   13s | Finished downloading file3.txt
		   13s | Total time: 2s
		   13s | Results: ["Content of file1.txt" "Content of file2.txt" "Content of file3.txt"]
		   13s | == results in submission order
		   13s | Task 0 starting
		   13s | Task 1 starting
		   13s | Task 2 starting
		   14s | Task 3 starting
		   14s | Task 4 starting
		   14s | Result: 0
		   14s | Result: 2
		   14s | Result: 4
		   15s | Result: 6
		   15s | Result: 8
		   15s | == many small tasks
		   15s | squared 1000 numbers: [0 1 4 9 16] ... 998001
		   15s | 323**1235 has 3099 digits
		`, out)
		require.Equal(t, []string{"Result: 0", "Result: 2", "Result: 4", "Result: 6", "Result: 8"},
			out.Prefixed("Result:"), "results in submission order")
	})
}

func TestNegativeScale(t *testing.T) {
	require.Error(t, run(context.Background(), transcript.New(), -time.Second))
}

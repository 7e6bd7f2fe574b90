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
func TestDatasets(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, run(context.Background(), out, time.Second, 1))
		transcript.Equal(t, `
			   0s | == analysing 10 datasets on 4 workers
			0.5s | ✓ Dataset 3: 4243 records in 0.5s
			1.2s | ✓ Dataset 1: 3862 records in 1.2s
			1.3s | ✓ Dataset 0: 3393 records in 1.3s
			1.4s | ✓ Dataset 2: 3806 records in 1.4s
			1.4s | ✓ Dataset 4: 2224 records in 0.9s
			  2s | ✓ Dataset 6: 4878 records in 0.7s
			2.1s | ✗ Dataset 7 failed: dataset 7 corrupted
			2.4s | ✓ Dataset 5: 2996 records in 1.2s
			2.4s | ✓ Dataset 8: 4162 records in 1.0s
			2.8s | ✓ Dataset 9: 4368 records in 0.8s
			2.8s | 9 of 10 datasets analysed, 33932 records
			2.8s | == one error must not hide the other results
			2.8s | bad: the whole batch failed: task 2 failed
			2.8s | good: task 0: success from task 0
			2.8s | good: task 1: success from task 1
			2.8s | good: task 2 failed: task 2 failed
			2.8s | good: task 3: success from task 3
			2.8s | == submit everything first, then wait
			6.8s | bad: wait after each submit: 4s
			7.8s | good: submit all, then wait: 1s
		`, out)
		require.Equal(t, []string{
			"good: task 0: success from task 0",
			"good: task 1: success from task 1",
			"good: task 2 failed: task 2 failed",
			"good: task 3: success from task 3",
		}, out.Prefixed("good: task"))
	})
}

func TestNegativeScale(t *testing.T) {
	require.Error(t, run(context.Background(), transcript.New(), -time.Second, 1))
}

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

// The tutorial's own timings, on synctest's fake clock. Interrupted tasks
// stop at once: nothing waits for the tutorial's ten seconds.
func TestWaiting(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, run(context.Background(), out, time.Second))
		transcript.Equal(t, `
			 0s | == FirstCompleted, with a timeout that passes first
			 0s | Starting task 0
			 0s | Starting task 1
			 0s | Starting task 2
			 0s | Starting task 3
			 3s | after 3s: 0 done, 5 not done
			 3s | cancelled before they started: [4]; interrupted while running: [0 1 2 3]
			 3s | Task 0 was cancelled: context canceled
			 3s | Task 1 was cancelled: context canceled
			 3s | Task 2 was cancelled: context canceled
			 3s | Task 3 was cancelled: context canceled
			 3s | all 5 stopped
			 3s | == FirstCompleted: the first answer wins
			 3s | Starting task 0
			 3s | Starting task 1
			 3s | Starting task 2
			 3s | Starting task 3
			 5s | first: Task 1 completed
			 5s | cancelled before they started: []; interrupted while running: [0 2 3]
			 5s | Task 0 was cancelled: context canceled
			 5s | Task 2 was cancelled: context canceled
			 5s | Task 3 was cancelled: context canceled
			 5s | all 3 stopped
			 5s | == FirstException: stop at the first failure
			 5s | Starting task 0
			 5s | Starting task 1
			 5s | Starting task 2
			 5s | Starting task 3
			 7s | done: Task 0 completed, task 1: task 1 failed; 2 not done
			 7s | cancelled before they started: []; interrupted while running: [2 3]
			 7s | Task 2 was cancelled: context canceled
			 7s | Task 3 was cancelled: context canceled
			 7s | all 2 stopped
			 7s | == AllCompleted
			 7s | Starting task 0
			 7s | Starting task 1
			 7s | Starting task 2
			 9s | Task 0 completed
			 9s | Task 1 completed
			 9s | Task 2 completed
			 9s | 3 done, 0 not done
		`, out)
		// Wait lists the done futures in the order they were given.
		texts := out.Texts()
		require.Equal(t, []string{"Task 0 completed", "Task 1 completed", "Task 2 completed"},
			texts[len(texts)-4:len(texts)-1])
	})
}

func TestNegativeScale(t *testing.T) {
	require.Error(t, run(context.Background(), transcript.New(), -time.Second))
}

package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/examples/internal/transcript"
	"github.com/stretchr/testify/require"
)

// The tutorial's own timings, on synctest's fake clock.
func TestDynamic(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, generateTasks(context.Background(), out, time.Second, 9))
		transcript.Equal(t, `
			    0s | == a coordinating loop submits the subtasks
			0.349s | Completed task root_1, added 0 new tasks
			0.388s | Completed task root_2, added 1 new tasks
			0.417s | Completed task root_0, added 1 new tasks
			0.782s | Completed task root_2_sub_0, added 2 new tasks
			0.879s | Completed task root_0_sub_0, added 0 new tasks
			1.223s | Completed task root_2_sub_0_sub_0, added 2 new tasks
			1.272s | Completed task root_2_sub_0_sub_1, added 2 new tasks
			1.496s | Completed task root_2_sub_0_sub_0_sub_0, added 0 new tasks
			1.521s | Completed task root_2_sub_0_sub_1_sub_0, added 0 new tasks
			 1.56s | Completed task root_2_sub_0_sub_1_sub_1, added 0 new tasks
			1.598s | Completed task root_2_sub_0_sub_0_sub_1, added 0 new tasks
			1.598s | All tasks completed. Total results: 11 in 1.598s
			1.598s | == the tasks submit their own subtasks
			1.947s | Task root_1 generated 0 subtasks
			1.987s | Task root_2 generated 1 subtasks
			2.015s | Task root_0 generated 1 subtasks
			2.381s |   Task root_2_sub_0 generated 2 subtasks
			2.477s |   Task root_0_sub_0 generated 0 subtasks
			2.821s |     Task root_2_sub_0_sub_0 generated 2 subtasks
			 2.87s |     Task root_2_sub_0_sub_1 generated 2 subtasks
			3.095s |       Task root_2_sub_0_sub_0_sub_0 generated 0 subtasks
			3.119s |       Task root_2_sub_0_sub_1_sub_0 generated 0 subtasks
			3.158s |       Task root_2_sub_0_sub_1_sub_1 generated 0 subtasks
			3.196s |       Task root_2_sub_0_sub_0_sub_1 generated 0 subtasks
			3.196s | All tasks completed. Total results: 11 in 1.598s
		`, out)
	})
}

// Both ways find the same tasks, whatever the seed.
func TestSameWork(t *testing.T) {
	for seed := range uint64(6) {
		transcript.Bubble(t, func(t *testing.T) {
			out := transcript.New()
			require.NoError(t, generateTasks(context.Background(), out, time.Second, seed))
			totals := out.Prefixed("All tasks completed.")
			require.Len(t, totals, 2)
			count := func(s string) string { return strings.Fields(s)[5] }
			require.Equal(t, count(totals[0]), count(totals[1]), "seed %d", seed)
		})
	}
}

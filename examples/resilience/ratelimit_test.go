package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/examples/internal/transcript"
	"github.com/stretchr/testify/require"
)

// On synctest's fake clock: twenty starts exactly 0.2 s apart, though ten
// workers are free. Which task takes which slot depends on which worker
// asks first, so the starts are checked as a set.
func TestRateLimit(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, rateLimit(context.Background(), out, time.Second))
		lines := out.Lines()

		var starts []time.Duration
		var tasks []string
		for _, l := range lines[1:21] {
			task, at, ok := strings.Cut(l.Text, " starting at ")
			require.True(t, ok, l.Text)
			require.Equal(t, fmt.Sprint(l.At), at, "the task's own clock agrees")
			starts = append(starts, l.At)
			tasks = append(tasks, task)
		}
		slices.Sort(starts)
		for k, at := range starts {
			require.Equal(t, time.Duration(k)*200*time.Millisecond, at, "start %d", k)
		}
		slices.Sort(tasks)
		require.Equal(t, 20, len(slices.Compact(tasks)), "every task started once")

		transcript.Equal(t, `
			   0s | == at most two at once: a pool of two workers
			   0s | Task  0 starting at 0s
			   0s | Task  1 starting at 0s
			   1s | Task  2 starting at 1s
			   1s | Task  3 starting at 1s
			   2s | Task  4 starting at 2s
			   3s | 5 pages done at 3s
		`, shifted(lines[23:], lines[23].At))
		require.Equal(t, "== ten workers, at most five starts per second", lines[0].Text)
		require.Equal(t, "results: [0 2 4 6 8 10 12 14 16 18 20 22 24 26 28 30 32 34 36 38]", lines[21].Text)
		require.Equal(t, transcript.Line{At: 4800 * time.Millisecond, Text: "done at 4.8s"}, lines[22])
	})
}

// shifted returns a recorder holding lines, their times made relative to
// zero.
func shifted(lines []transcript.Line, zero time.Duration) *transcript.Recorder {
	r := transcript.New()
	for _, l := range lines {
		r.Add(transcript.Line{At: l.At - zero, Text: l.Text})
	}
	return r
}

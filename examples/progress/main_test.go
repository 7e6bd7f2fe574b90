package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/examples/internal/transcript"
	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

// Plain lines, on synctest's fake clock: four workers, tasks of 0.3, 0.6
// and 0.9 s.
func TestPlainLines(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, run(context.Background(), out, time.Second, false))
		transcript.Equal(t, `
			   0s | Progress: 0.0% (0/10)
			 0.3s | Progress: 10.0% (1/10)
			 0.3s | Progress: 20.0% (2/10)
			 0.6s | Progress: 30.0% (3/10)
			 0.9s | Progress: 40.0% (4/10)
			 0.9s | Progress: 50.0% (5/10)
			 0.9s | Progress: 60.0% (6/10)
			 1.2s | Progress: 70.0% (7/10)
			 1.2s | Progress: 80.0% (8/10)
			 1.5s | Progress: 90.0% (9/10)
			 1.8s | Progress: 100.0% (10/10)
			 1.8s | all 10 tasks done, results add up to 90
		`, out)
		require.Equal(t, []string{
			"Progress: 0.0% (0/10)", "Progress: 10.0% (1/10)", "Progress: 20.0% (2/10)", "Progress: 30.0% (3/10)",
			"Progress: 40.0% (4/10)", "Progress: 50.0% (5/10)", "Progress: 60.0% (6/10)", "Progress: 70.0% (7/10)",
			"Progress: 80.0% (8/10)", "Progress: 90.0% (9/10)", "Progress: 100.0% (10/10)",
		}, out.Prefixed("Progress:"), "counting up")
	})
}

// On a terminal: one line, redrawn after each completed task.
func TestBar(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		var out strings.Builder
		require.NoError(t, run(context.Background(), &out, time.Second, true))
		frames := strings.Split(out.String(), "\r")
		require.Len(t, frames, 12) // "" before the first \r, then 11 frames
		assert.Equal(t, "", frames[0])
		assert.Equal(t, "[..............................]   0.0% (0/10)", frames[1])
		assert.Equal(t, "[###############...............]  50.0% (5/10)", frames[6])
		assert.Equal(t, "[##############################] 100.0% (10/10)\nall 10 tasks done, results add up to 90\n", frames[11])
	})
}

// A pipe and a file are not terminals.
func TestIsTerminal(t *testing.T) {
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	assert.False(t, isTerminal(w))
	f, err := os.Create(filepath.Join(t.TempDir(), "out.txt"))
	require.NoError(t, err)
	defer f.Close()
	assert.False(t, isTerminal(f))
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil { // only where there is one
		defer tty.Close()
		assert.True(t, isTerminal(tty))
	}
}

func TestNegativeScale(t *testing.T) {
	require.Error(t, run(context.Background(), transcript.New(), -time.Second, false))
}

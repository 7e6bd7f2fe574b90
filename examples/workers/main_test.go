package main

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/examples/internal/transcript"
	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

// On synctest's fake clock the I/O-bound table is exact: ceil(tasks /
// workers) waits of 0.1 s. CPU work takes no fake time, so only the shape
// of that table is checked.
func TestWorkers(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, run(context.Background(), out, time.Second, 1000))
		texts := out.Texts()
		require.Len(t, texts, 15)
		cores := runtime.NumCPU()
		assert.Equal(t, fmt.Sprintf("This machine has %d CPU cores; an actor pool's default is min(32, cores+4) = %d workers.",
			cores, min(32, cores+4)), texts[0])
		assert.Equal(t, []string{
			"",
			"I/O-bound tasks of 0.1 s, in tutorial seconds:",
			"  tasks   1 worker  2 workers  4 workers  8 workers",
			"     10       1.00       0.50       0.30       0.20",
			"     20       2.00       1.00       0.50       0.30",
			"     30       3.00       1.50       0.80       0.40",
			"",
			"CPU-bound tasks of 1000 multiplications, in milliseconds:",
			"  tasks   1 worker  2 workers  4 workers",
		}, texts[1:10])
		for _, row := range texts[10:12] {
			var tasks, a, b, c int
			_, err := fmt.Sscanf(row, "%d %d %d %d", &tasks, &a, &b, &c)
			require.NoError(t, err, row)
		}
		assert.True(t, strings.HasPrefix(texts[10], "      4"), texts[10])
		assert.True(t, strings.HasPrefix(texts[11], "      8"), texts[11])
		assert.Equal(t, fmt.Sprintf("CPU-bound: more than %d workers, one per core, gains nothing.", cores), texts[14])
	})
}

func TestBadInput(t *testing.T) {
	require.Error(t, run(context.Background(), transcript.New(), -time.Second, 1))
	require.Error(t, run(context.Background(), transcript.New(), time.Second, -1))
}

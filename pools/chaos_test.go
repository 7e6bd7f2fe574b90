package pools_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// outcome is what a chaos task was told to do.
type outcome int

const (
	succeed outcome = iota
	fail
	crash
)

// TestChaos runs 10 000 tasks of which a seeded random share panic or
// fail: every future must end exactly once with the outcome its task was
// given, and the pool must keep serving.
func TestChaos(t *testing.T) {
	const n = 10_000
	rng := rand.New(rand.NewPCG(42, 2024))
	p := newPool(t, pools.WithMaxWorkers(4))
	plan := make([]outcome, n)
	fs := make([]*futures.Future[int], n)
	var calls [n]int32 // written by tasks, read after all are done
	for i := range plan {
		switch r := rng.IntN(100); {
		case r < 5:
			plan[i] = crash
		case r < 15:
			plan[i] = fail
		}
		fs[i] = pools.Submit(context.Background(), p, func(context.Context) (int, error) {
			calls[i]++
			switch plan[i] {
			case crash:
				panic(fmt.Sprintf("chaos %d", i))
			case fail:
				return 0, errBoom
			}
			return i, nil
		})
	}
	counts := map[outcome]int{}
	for i, f := range fs {
		v, err := f.Result(timeout(t))
		var pe *futures.PanicError
		switch {
		case errors.As(err, &pe):
			counts[crash]++
			require.Equal(t, crash, plan[i], "task %d", i)
			assert.Equal(t, fmt.Sprintf("chaos %d", i), pe.Value)
		case errors.Is(err, errBoom):
			counts[fail]++
			require.Equal(t, fail, plan[i], "task %d", i)
		default:
			require.NoError(t, err)
			counts[succeed]++
			require.Equal(t, succeed, plan[i], "task %d", i)
			require.Equal(t, i, v)
		}
	}
	require.NoError(t, p.WaitIdle(timeout(t)))
	for i, c := range calls {
		require.Equal(t, int32(1), c, "task %d ran once", i)
	}
	st := p.Stats()
	assert.Equal(t, uint64(n), st.Completed)
	assert.Equal(t, uint64(counts[crash]), st.Failures, "the supervisor saw every crash")
	assert.LessOrEqual(t, st.Restarts, st.Failures, "a worker that crashes too often is stopped and replaced instead")
	assert.Positive(t, counts[crash])
	assert.Positive(t, counts[fail])
	// Still serving.
	assert.Equal(t, 99, value(t, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 99, nil })))
}

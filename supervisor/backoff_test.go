package supervisor_test

import (
	"math/rand/v2"
	"testing"
	"testing/synctest"
	"time"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBackoffCeilingIsExponentialAndCapped(t *testing.T) {
	b := supervisor.Backoff{Initial: 10 * time.Millisecond, Max: time.Second}
	var got []time.Duration
	for attempt := 1; attempt <= 9; attempt++ {
		got = append(got, b.Ceiling(attempt))
	}
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{10 * ms, 20 * ms, 40 * ms, 80 * ms, 160 * ms, 320 * ms, 640 * ms, time.Second, time.Second}, got)
	assert.Equal(t, 10*ms, b.Ceiling(0), "attempts start at 1")
}

func TestBackoffMultiplier(t *testing.T) {
	b := supervisor.Backoff{Initial: time.Second, Multiplier: 3}
	assert.Equal(t, 9*time.Second, b.Ceiling(3))
	assert.Equal(t, time.Duration(1<<63-1), b.Ceiling(200), "no overflow without a cap")
}

func TestZeroBackoffMeansNoDelay(t *testing.T) {
	var b supervisor.Backoff
	assert.True(t, b.IsZero())
	assert.Zero(t, b.Delay(5, nil))
}

func TestFullJitterDrawsFromZeroToTheCeiling(t *testing.T) {
	b := supervisor.ExponentialBackoff(100*time.Millisecond, 10*time.Second)
	r := rand.New(rand.NewPCG(1, 2))
	const n = 20_000
	for _, attempt := range []int{1, 4, 10} {
		ceiling := b.Ceiling(attempt)
		var sum, lowest, highest time.Duration
		lowest = ceiling
		for range n {
			d := b.Delay(attempt, r)
			require.GreaterOrEqual(t, d, time.Duration(0))
			require.LessOrEqual(t, d, ceiling)
			sum += d
			lowest, highest = min(lowest, d), max(highest, d)
		}
		mean := sum / n
		// Uniform on [0, c]: the mean is c/2, and the draws reach both ends.
		assert.InDelta(t, float64(ceiling/2), float64(mean), float64(ceiling)/50, "attempt %d", attempt)
		assert.Less(t, lowest, ceiling/50)
		assert.Greater(t, highest, ceiling-ceiling/50)
	}
}

func TestJitterIsDeterministicWithASeed(t *testing.T) {
	delays := func() []time.Duration {
		p := supervisor.OneForOne(supervisor.WithSeed(7), supervisor.WithIntensity(100, time.Hour),
			supervisor.WithBackoff(supervisor.ExponentialBackoff(time.Millisecond, time.Second)))
		var out []time.Duration
		for range 10 {
			out = append(out, p.Decide("w", errBoom).Delay)
		}
		return out
	}
	first := delays()
	assert.Equal(t, first, delays())
	assert.NotEqual(t, first[0], first[1])
}

// TestBackoffDelaysTheRestartWithoutBlockingTheSupervisor checks the shape
// of the curve on a real actor, in fake time: each restart waits its delay,
// and meanwhile the supervisor goes on handling messages.
func TestBackoffDelaysTheRestartWithoutBlockingTheSupervisor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sys := actors.NewSystem()
		defer settle()
		defer shutdown(t, sys)
		policy := supervisor.OneForOne(supervisor.WithIntensity(10, time.Hour),
			supervisor.WithBackoff(supervisor.Backoff{Initial: 100 * time.Millisecond, Max: 300 * time.Millisecond}))
		parentPID, kids := group(t, sys, policy, 1)
		kid := kids[0].Id
		ev := policy.Events()
		for i, want := range []time.Duration{100, 200, 300, 300} {
			want *= time.Millisecond
			start := time.Now()
			sys.Root.Send(kids[0], &crash{reason: i})
			synctest.Wait()
			require.Equal(t, i+1, ev.Counts(kid).Restarts)
			require.Equal(t, i+1, ev.Counts(kid).Starts, "not restarted before the delay")

			f := futures.New[int]()
			sys.Root.Send(parentPID, &ping{reply: f})
			n, err := f.Result(t.Context())
			require.NoError(t, err, "the supervisor answers during the delay")
			require.Equal(t, 1, n)

			require.NoError(t, ev.WaitStarted(t.Context(), kid, i+2))
			assert.Equal(t, want, time.Since(start), "restart %d", i+1)
		}
	})
}

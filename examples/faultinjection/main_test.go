package main

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

// chaosPool is an actor pool whose tasks panic, fail and stall at random,
// seeded: the kind of pool a fault-injection test runs a service on.
func chaosPool(t *testing.T, seed uint64) (*pools.ActorPool, *supervisor.Injector) {
	t.Helper()
	inj := supervisor.NewInjector(seed,
		supervisor.PanicWithProbability(0.05),
		supervisor.ErrorWithProbability(0.10, nil),
		supervisor.LatencyWithProbability(0.01, time.Millisecond))
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(4), pools.WithFaults(inj),
		pools.WithSupervisor(supervisor.OneForOne(supervisor.WithIntensity(10_000, time.Minute))))
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, pool.Shutdown(ctx))
	})
	return pool, inj
}

func TestEveryOrderIsChargedOnceOrReportedDespiteFaults(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pool, inj := chaosPool(t, 99)
	svc := NewService(pool, 3)
	all := orders(2000)
	r, err := svc.ChargeAll(ctx, all)
	require.NoError(t, err)

	// Every order ends one way or the other, never both, never twice.
	assert.Equal(t, len(all), len(r.Charged)+len(r.Failed))
	for _, id := range r.Charged {
		assert.NotContains(t, r.Failed, id)
	}
	for id, err := range r.Failed {
		// Given up only on injected faults, after every attempt.
		require.ErrorIs(t, err, supervisor.ErrInjected, "order %d", id)
		assert.NotErrorIs(t, err, errDoubleCharge)
	}
	assert.Equal(t, len(r.Charged), svc.ledger.count(), "charged exactly once each")
	assert.Positive(t, len(r.Failed), "with 15%% faults and 3 attempts, a few orders give up")

	// The supervisor saw every injected crash and restarted the worker.
	c := inj.Counts()
	require.NoError(t, pool.Events().WaitRestarts(ctx, c[supervisor.Panic]))
	require.NoError(t, pool.WaitIdle(ctx))
	assert.Equal(t, c[supervisor.Panic], pool.Events().Totals().Failures)
	assert.Equal(t, r.Attempts, int(inj.Seen()), "one fault decision per attempt")
}

func TestTheSameSeedGivesTheSameReport(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	report := func() (charged, failed, attempts int) {
		pool, _ := chaosPool(t, 5)
		r, err := NewService(pool, 3).ChargeAll(ctx, orders(1000))
		require.NoError(t, err)
		return len(r.Charged), len(r.Failed), r.Attempts
	}
	c1, f1, a1 := report()
	c2, f2, a2 := report()
	assert.Equal(t, []int{c1, f1, a1}, []int{c2, f2, a2})
}

func TestACrashFailsItsFutureAtOnceWithThePanic(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	inj := supervisor.NewInjector(1, supervisor.PanicOnNth(1))
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(1), pools.WithFaults(inj))
	require.NoError(t, err)
	defer pool.Shutdown(ctx)
	_, err = pools.Submit(ctx, pool, func(context.Context) (int, error) { return 1, nil }).Result(ctx)
	var pe *futures.PanicError
	require.ErrorAs(t, err, &pe)
	var ip *supervisor.InjectedPanic
	require.True(t, errors.As(err, &ip))
	assert.Equal(t, uint64(1), ip.Seq)
	assert.Contains(t, string(pe.Stack), "supervisor.Action.Apply", "the stack of the crash")
}

func TestFaultsCanBeSwitchedOff(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pool, inj := chaosPool(t, 3)
	inj.Disable()
	r, err := NewService(pool, 1).ChargeAll(ctx, orders(500))
	require.NoError(t, err)
	assert.Len(t, r.Charged, 500)
	assert.Empty(t, r.Failed)
	assert.Zero(t, pool.Events().Totals().Failures)
}

func TestTheProgramsReport(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out strings.Builder
	inj := supervisor.NewInjector(7, supervisor.PanicWithProbability(0.05), supervisor.ErrorWithProbability(0.1, nil))
	require.NoError(t, run(ctx, &out, inj, 300))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 4)
	assert.True(t, strings.HasPrefix(lines[0], "300 orders: "))
	c := inj.Counts()
	assert.Equal(t, lines[2], "supervisor: "+strconv.Itoa(c[supervisor.Panic])+" worker crashes, "+strconv.Itoa(c[supervisor.Panic])+" restarts")
}

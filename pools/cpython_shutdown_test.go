package pools_test

// The spirit of CPython's Lib/test/test_concurrent_futures/test_shutdown.py
// (ExecutorShutdownTest and ThreadPoolShutdownTest). Already ported
// elsewhere: test_hang_issue12364 (TestShutdownWaitsForQueuedAndRunningTasks).

import (
	"context"
	"regexp"
	"slices"
	"testing"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// terminated returns a channel closed when the actor pid has stopped, by
// watching it from an actor of its own.
func terminated(t *testing.T, sys *actors.System, pid *actor.PID) <-chan struct{} {
	t.Helper()
	done := make(chan struct{})
	watching := make(chan struct{})
	sys.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		switch m := c.Message().(type) {
		case *actor.Started:
			c.Watch(pid)
			close(watching)
		case *actor.Terminated:
			if m.Who.Id == pid.Id {
				close(done)
				c.Stop(c.Self())
			}
		}
	}))
	<-watching
	return done
}

// alive reports whether the actor id is registered in sys: protoactor-go
// unregisters an actor before it tells its watchers it stopped.
func alive(sys *actors.System, id string) bool {
	_, ok := sys.ProcessRegistry.GetLocal(id)
	return ok
}

// userSystem returns an actor system shut down at the end of the test.
func userSystem(t *testing.T) *actors.System {
	t.Helper()
	sys := actors.NewSystem()
	t.Cleanup(func() { require.NoError(t, sys.Shutdown(timeout(t))) })
	return sys
}

// waitStarts waits until the pool's workers have started n times.
func waitStarts(t *testing.T, p *pools.ActorPool, n int) error {
	t.Helper()
	return p.Events().WaitFor(timeout(t), func(c supervisor.Counters) bool { return c.Starts >= n })
}

func abs(_ context.Context, x int) (int, error) { return max(x, -x), nil }

func minus5to4() []int { return []int{-5, -4, -3, -2, -1, 0, 1, 2, 3, 4} }

// test_run_after_shutdown, with Python's message.
func TestCPythonRunAfterShutdown(t *testing.T) {
	p, err := pools.NewActorPool()
	require.NoError(t, err)
	require.NoError(t, p.Shutdown(timeout(t)))
	_, err = pools.TrySubmit(context.Background(), p, func(context.Context) (int, error) { return 2 * 2 * 2 * 2 * 2, nil })
	assert.ErrorIs(t, err, pools.ErrShutdown)
	assert.EqualError(t, err, "pools: cannot schedule new futures after shutdown")
}

// test_cancel_futures: Shutdown(CancelPending) cancels every task that has
// not started, and the running ones finish. CPython can only bound the
// counts (its workers race the shutdown); with the workers held, they are
// exact here.
func TestCPythonCancelFutures(t *testing.T) {
	const workers, n = 5, 50
	p, err := pools.NewActorPool(pools.WithMaxWorkers(workers))
	require.NoError(t, err)
	release := make(chan struct{})
	started := make(chan struct{}, n)
	fs := make([]*futures.Future[int], n)
	for i := range fs {
		fs[i] = pools.Submit(context.Background(), p, func(context.Context) (int, error) {
			started <- struct{}{}
			<-release
			return i, nil
		})
	}
	for range workers {
		<-started
	}
	shut := make(chan error)
	go func() { shut <- p.Shutdown(timeout(t), pools.CancelPending()) }()
	cancelled := 0
	for _, f := range fs {
		if f.State() == futures.Running {
			continue
		}
		<-f.Done()
		require.True(t, f.Cancelled())
		cancelled++
	}
	assert.Equal(t, n-workers, cancelled)
	close(release)
	require.NoError(t, <-shut)
	for i, f := range fs {
		if !f.Cancelled() {
			assert.Equal(t, i, value(t, f), "a running task finishes")
		}
	}
}

// test_hang_gh94440: Shutdown does not hang on a task cancelled just
// before it.
func TestCPythonHangGH94440(t *testing.T) {
	p, err := pools.NewActorPool(pools.WithMaxWorkers(1))
	require.NoError(t, err)
	value(t, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 0, nil }))
	pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 0, nil }).Cancel()
	require.NoError(t, p.Shutdown(timeout(t)))
}

// test_threads_terminate: the workers a pool started are gone after
// Shutdown.
func TestCPythonThreadsTerminate(t *testing.T) {
	sys := userSystem(t)
	p, err := pools.NewActorPool(pools.WithSystem(sys))
	require.NoError(t, err)
	sem := make(chan struct{})
	var fs []*futures.Future[int]
	for range 3 {
		fs = append(fs, pools.Submit(context.Background(), p, func(context.Context) (int, error) { <-sem; return 0, nil }))
	}
	assert.Equal(t, 3, p.Stats().Workers)
	require.NoError(t, waitStarts(t, p, 3))
	workers := p.Events().Children()
	require.Len(t, workers, 3)
	for range 3 {
		sem <- struct{}{}
	}
	require.NoError(t, p.Shutdown(timeout(t)))
	for _, id := range workers {
		assert.False(t, alive(sys, id), "worker %s outlived Shutdown", id)
	}
	for _, f := range fs {
		value(t, f)
	}
}

// test_context_manager_shutdown: the Go idiom is defer Shutdown; the map's
// results are right and the workers are gone after it.
func TestCPythonContextManagerShutdown(t *testing.T) {
	sys := userSystem(t)
	var router string
	func() {
		p, err := pools.NewActorPool(pools.WithSystem(sys), pools.WithMaxWorkers(5))
		require.NoError(t, err)
		defer func() { require.NoError(t, p.Shutdown(timeout(t))) }()
		router = p.Router().Id
		vs, _ := collect(t, pools.Map(timeout(t), p, abs, slices.Values(minus5to4())))
		assert.Equal(t, []int{5, 4, 3, 2, 1, 0, 1, 2, 3, 4}, vs)
	}()
	assert.False(t, alive(sys, router), "the pool's actors outlived Shutdown")
}

// test_shutdown_no_wait: after Shutdown(NoWait) the results are still all
// computed, and the pool's actors stop by themselves once they are.
func TestCPythonShutdownNoWait(t *testing.T) {
	sys := userSystem(t)
	p, err := pools.NewActorPool(pools.WithSystem(sys), pools.WithMaxWorkers(5))
	require.NoError(t, err)
	router := terminated(t, sys, p.Router())
	res := pools.Map(context.Background(), p, abs, slices.Values(minus5to4()))
	require.NoError(t, p.Shutdown(timeout(t), pools.NoWait()))
	vs, errs := collect(t, res)
	assert.Equal(t, []int{5, 4, 3, 2, 1, 0, 1, 2, 3, 4}, vs)
	for _, err := range errs {
		assert.NoError(t, err)
	}
	select { // no second Shutdown to wait for it: this is the pool on its own
	case <-router:
	case <-timeout(t).Done():
		t.Fatal("the pool did not stop after Shutdown(NoWait)")
	}
}

// test_thread_names_assigned and test_thread_names_default: the workers
// are NAME$N/worker-M, children of the router NAME$N.
func TestCPythonThreadNames(t *testing.T) {
	tests := []struct {
		name string
		give []pools.Option
		want *regexp.Regexp
	}{
		{"assigned", []pools.Option{pools.WithName("SpecialPool")}, regexp.MustCompile(`^SpecialPool\$\w+/worker-[1-5]$`)},
		{"default", nil, regexp.MustCompile(`^pool\$\w+/worker-[1-5]$`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newPool(t, append(tt.give, pools.WithMaxWorkers(5))...)
			sem := make(chan struct{})
			var fs []*futures.Future[int]
			for range 5 { // five at once: five workers
				fs = append(fs, pools.Submit(context.Background(), p, func(context.Context) (int, error) { <-sem; return 0, nil }))
			}
			require.NoError(t, waitStarts(t, p, 5))
			close(sem)
			names := p.Events().Children()
			require.Len(t, names, 5)
			for _, n := range names {
				assert.Regexp(t, tt.want, n)
				assert.Regexp(t, "^"+regexp.QuoteMeta(p.Router().Id)+"/", n, "a child of the router")
			}
			for _, f := range fs {
				value(t, f)
			}
		})
	}
}

// test_cancel_futures_wait_false: Shutdown(NoWait, CancelPending) right
// after a submit: the task either ran or was cancelled; nothing hangs.
func TestCPythonCancelFuturesWaitFalse(t *testing.T) {
	p, err := pools.NewActorPool()
	require.NoError(t, err)
	ran := make(chan struct{}, 1)
	f := pools.Submit(context.Background(), p, func(context.Context) (string, error) { ran <- struct{}{}; return "apple", nil })
	require.NoError(t, p.Shutdown(timeout(t), pools.NoWait(), pools.CancelPending()))
	<-f.Done()
	if f.Cancelled() {
		assert.Empty(t, ran, "a cancelled task never ran")
	} else {
		assert.Equal(t, "apple", value(t, f))
	}
	require.NoError(t, p.Shutdown(timeout(t)))
}

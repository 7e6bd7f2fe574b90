package supervisor_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// work is a request to a chaos worker: double n. It counts its answers,
// which must be exactly one, whatever happens to the worker.
type work struct {
	n       int
	reply   *futures.Future[int]
	answers atomic.Int32
}

func (w *work) answer(v int, err error) {
	w.answers.Add(1)
	_ = w.reply.Set(v, err)
}

func (w *work) Fail(err error) { w.answer(0, err) }

type doubler struct{}

func (doubler) Receive(ctx actor.Context) {
	if w, ok := ctx.Message().(*work); ok {
		w.answer(2*w.n, nil)
	}
}

// router hands work to its children in turn.
type router struct {
	n     int
	child *actor.Props
	kids  []*actor.PID
	next  int
}

func (r *router) Receive(ctx actor.Context) {
	switch ctx.Message().(type) {
	case *actor.Started:
		for range r.n {
			r.kids = append(r.kids, ctx.Spawn(r.child))
		}
	case *work:
		ctx.Forward(r.kids[r.next%len(r.kids)])
		r.next++
	}
}

type chaosOutcome struct {
	ok, failed, crashed int
	restarts, starts    int
	injected            map[supervisor.Fault]int
}

// runChaos sends n requests through a router to 4 supervised workers
// whose messages get seeded random panics, errors and latency.
func runChaos(t *testing.T, seed uint64, n int) chaosOutcome {
	t.Helper()
	sys := newSystem(t)
	inj := supervisor.NewInjector(seed, chaosRules()...)
	// Enough intensity that no worker is stopped: a stopped worker's
	// mailbox would go to dead letters, and this test is about restarts.
	policy := supervisor.OneForOne(supervisor.WithIntensity(n, time.Hour))
	child := actor.PropsFromProducer(func() actor.Actor { return doubler{} },
		actor.WithReceiverMiddleware(append(policy.Middleware(), inj.Middleware())...))
	r := sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return &router{n: 4, child: child} },
		actor.WithSupervisor(policy)))

	ws := make([]*work, n)
	for i := range ws {
		ws[i] = &work{n: i, reply: futures.New[int]()}
		sys.Root.Send(r, ws[i])
	}
	var out chaosOutcome
	for i, w := range ws {
		v, err := w.reply.Result(timeout(t))
		var pe *futures.PanicError
		switch {
		case err == nil:
			require.Equal(t, 2*i, v)
			out.ok++
		case errors.As(err, &pe):
			require.ErrorIs(t, err, supervisor.ErrInjected, "only injected panics")
			out.crashed++
		default:
			require.ErrorIs(t, err, supervisor.ErrInjected)
			out.failed++
		}
	}
	// Every restart is seen once its worker is back.
	ev := policy.Events()
	require.NoError(t, ev.WaitFor(timeout(t), func(c supervisor.Counters) bool { return c.Starts == 4+c.Restarts }))
	for i, w := range ws {
		require.Equal(t, int32(1), w.answers.Load(), "request %d answered exactly once", i)
	}
	tot := ev.Totals()
	out.restarts, out.starts = tot.Restarts, tot.Starts
	out.injected = inj.Counts()
	assert.Equal(t, out.crashed, tot.Failures, "one failure event per crash")
	assert.Equal(t, tot.Failures, tot.Restarts, "every crash restarted its worker")
	assert.Zero(t, tot.Stops+tot.Exceeded+tot.Escalations)
	assert.Equal(t, out.crashed, out.injected[supervisor.Panic])
	assert.Equal(t, out.failed, out.injected[supervisor.Error])
	shutdown(t, sys)
	return out
}

func TestChaosEveryMessageIsAnsweredExactlyOnce(t *testing.T) {
	const n = 10_000
	first := runChaos(t, 2024, n)
	assert.Equal(t, n, first.ok+first.failed+first.crashed)
	assert.Positive(t, first.crashed)
	assert.Positive(t, first.failed)
	assert.Positive(t, first.injected[supervisor.Latency])
	t.Logf("ok %d, failed %d, crashed %d, restarts %d", first.ok, first.failed, first.crashed, first.restarts)

	again := runChaos(t, 2024, n)
	assert.Equal(t, first, again, "the same seed gives the same outcome counts")
	leaktest.VerifyNone(t)
}

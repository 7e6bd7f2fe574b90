package supervisor_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/require"
)

var errBoom = errors.New("boom")

// newSystem returns an actor system shut down at the end of the test.
func newSystem(t *testing.T) *actors.System {
	t.Helper()
	sys := actors.NewSystem()
	t.Cleanup(func() { shutdown(t, sys) })
	return sys
}

func shutdown(t *testing.T, sys *actors.System) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, sys.Shutdown(ctx))
}

// timeout returns a context that fails a stuck test instead of hanging it.
func timeout(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// Messages of the test actors.
type (
	// incr adds one to a counter's state.
	incr struct{}
	// get answers with a counter's state.
	get struct{ reply *futures.Future[int] }
	// crash makes the receiving actor panic with reason.
	crash struct{ reason any }
	// crashReq is a request whose handling panics: it must not vanish.
	crashReq struct {
		reason any
		reply  *futures.Future[int]
	}
	// children asks a parent for its children's PIDs.
	children struct{ reply *futures.Future[[]*actor.PID] }
	// ping asks a parent to answer at once.
	ping struct{ reply *futures.Future[int] }
)

func (m *get) Fail(err error)      { _ = m.reply.SetException(err) }
func (m *crashReq) Fail(err error) { _ = m.reply.SetException(err) }

// counter is a child actor with state that a restart resets.
type counter struct{ n int }

func (c *counter) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *incr:
		c.n++
	case *get:
		_ = m.reply.SetResult(c.n)
	case *crash:
		panic(m.reason)
	case *crashReq:
		panic(m.reason)
	}
}

// parent spawns n counters, supervised by its props' strategy.
type parent struct {
	n     int
	child *actor.Props
	kids  []*actor.PID
}

func (p *parent) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		p.kids = nil
		for range p.n {
			p.kids = append(p.kids, ctx.Spawn(p.child))
		}
	case *children:
		_ = m.reply.SetResult(p.kids)
	case *ping:
		_ = m.reply.SetResult(len(p.kids))
	case *crash:
		panic(m.reason)
	}
}

// group starts a parent supervising n counters with policy; the counters
// carry the policy's middleware (stack capture, Started events) plus extra.
func group(t *testing.T, sys *actors.System, policy *supervisor.Policy, n int, extra ...actor.ReceiverMiddleware) (*actor.PID, []*actor.PID) {
	t.Helper()
	child := actor.PropsFromProducer(func() actor.Actor { return &counter{} },
		actor.WithReceiverMiddleware(append(policy.Middleware(), extra...)...))
	pid := sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return &parent{n: n, child: child} },
		actor.WithSupervisor(policy)))
	return pid, kidsOf(t, sys, pid)
}

func kidsOf(t *testing.T, sys *actors.System, parent *actor.PID) []*actor.PID {
	t.Helper()
	f := futures.New[[]*actor.PID]()
	sys.Root.Send(parent, &children{reply: f})
	kids, err := f.Result(timeout(t))
	require.NoError(t, err)
	return kids
}

// state asks a counter for its state.
func state(t *testing.T, sys *actors.System, pid *actor.PID) int {
	t.Helper()
	f := futures.New[int]()
	sys.Root.Send(pid, &get{reply: f})
	n, err := f.Result(timeout(t))
	require.NoError(t, err)
	return n
}

// kinds lists the kinds of the events of one child, in order.
func kinds(evs []supervisor.Event, child string) []supervisor.EventKind {
	var out []supervisor.EventKind
	for _, e := range evs {
		if e.Child == child {
			out = append(out, e.Kind)
		}
	}
	return out
}

// drain reads n events from s.
func drain(t *testing.T, s *supervisor.Subscription, n int) []supervisor.Event {
	t.Helper()
	var out []supervisor.Event
	for range n {
		ev, err := s.Next(timeout(t))
		require.NoError(t, err)
		out = append(out, ev)
	}
	return out
}

// watch returns a channel closed when pid terminates.
func watch(t *testing.T, sys *actors.System, pid *actor.PID) <-chan struct{} {
	t.Helper()
	done := make(chan struct{})
	watching := make(chan struct{})
	sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		switch m := ctx.Message().(type) {
		case *actor.Started:
			ctx.Watch(pid)
			close(watching)
		case *actor.Terminated:
			if m.Who.Id == pid.Id {
				close(done)
				ctx.Stop(ctx.Self())
			}
		}
	}))
	<-watching
	return done
}

func waitClosed(t *testing.T, ch <-chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-timeout(t).Done():
		t.Fatal("not closed in time")
	}
}

// settle ends a synctest bubble that ran an actor system: protoactor-go's
// dead-letter throttle keeps a goroutine on a one-second ticker after a
// message went to dead letters, and a bubble's clock only moves while its
// main goroutine runs. Fake time: this costs nothing.
func settle() { time.Sleep(time.Minute) }

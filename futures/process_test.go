package futures_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/futures"
	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// registrySize counts the processes registered in sys.
func registrySize(sys *actors.System) int {
	n := 0
	for _, bucket := range sys.ProcessRegistry.LocalPIDs.LocalPIDs {
		n += bucket.Count()
	}
	return n
}

// registered reports whether pid is in sys's registry, looking it up
// afresh (a *PID caches the process it was last resolved to).
func registered(sys *actors.System, pid *actor.PID) bool {
	_, ok := sys.ProcessRegistry.Get(actor.NewPID(pid.Address, pid.Id))
	return ok
}

// probe is an actor that forwards every user message it receives to a
// channel, for tests to read in order.
func probe(t *testing.T, sys *actors.System) (*actor.PID, <-chan any) {
	t.Helper()
	ch := make(chan any, 64)
	pid := sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		switch ctx.Message().(type) {
		case *actor.Started, *actor.Stopping, *actor.Stopped, *actor.Restarting:
			return
		}
		ch <- ctx.Message()
	}))
	return pid, ch
}

func receive(t *testing.T, ch <-chan any) any {
	t.Helper()
	select {
	case m := <-ch:
		return m
	case <-timeout(t).Done():
		t.Fatal("no message")
		return nil
	}
}

func TestPIDIsRegisteredLazilyAndReleasedOnCompletion(t *testing.T) {
	sys := newSystem(t)
	base := registrySize(sys)
	f := futures.NewIn[int](sys.ActorSystem)
	assert.Equal(t, base, registrySize(sys), "no registration before PID is asked for")
	pid := f.PID()
	require.NotNil(t, pid)
	assert.Same(t, pid, f.PID(), "one address per future")
	assert.Equal(t, base+1, registrySize(sys))
	require.NoError(t, f.SetResult(1))
	assert.Equal(t, base, registrySize(sys), "a completed future leaves the registry")
}

func TestPIDOfACompletedFutureIsNotRegistered(t *testing.T) {
	sys := newSystem(t)
	base := registrySize(sys)
	f := futures.NewIn[int](sys.ActorSystem)
	require.NoError(t, f.SetResult(1))
	require.NotNil(t, f.PID())
	assert.Equal(t, base, registrySize(sys))
}

func TestPIDWithoutSystemIsNil(t *testing.T) {
	assert.Nil(t, futures.New[int]().PID())
}

func TestMessagesCompleteTheFuture(t *testing.T) {
	tests := []struct {
		name      string
		give      any
		wantState futures.State
		wantValue int
		wantErr   error
	}{
		{"SetResult pointer", &futures.SetResult{Value: 3}, futures.Finished, 3, nil},
		{"SetResult value", futures.SetResult{Value: 4}, futures.Finished, 4, nil},
		{"SetResult nil is the zero value", &futures.SetResult{}, futures.Finished, 0, nil},
		{"SetException pointer", &futures.SetException{Err: errBoom}, futures.Finished, 0, errBoom},
		{"SetException value", futures.SetException{Err: errBoom}, futures.Finished, 0, errBoom},
		{"Cancel pointer", &futures.Cancel{}, futures.Cancelled, 0, futures.ErrCancelled},
		{"Cancel value", futures.Cancel{}, futures.Cancelled, 0, futures.ErrCancelled},
		{"wrong type", &futures.SetResult{Value: "three"}, futures.Finished, 0, futures.ErrWrongType},
	}
	sys := newSystem(t) // one per test: a protoactor system is costly to make
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := futures.NewIn[int](sys.ActorSystem)
			var seen []futures.State
			f.AddDoneCallback(func(f *futures.Future[int]) { seen = append(seen, f.State()) })
			sys.Root.Send(f.PID(), tt.give)
			// A future's process handles a message in the sender's
			// goroutine, so its callbacks have run when Send returns, as
			// after the Go call.
			assert.Equal(t, []futures.State{tt.wantState}, seen)
			v, err := f.Result(timeout(t))
			assert.Equal(t, tt.wantState, f.State())
			assert.Equal(t, tt.wantValue, v)
			if tt.wantErr == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tt.wantErr)
			}
		})
	}
}

func TestAnActorCompletesAFuture(t *testing.T) {
	sys := newSystem(t)
	worker := sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		if reply, ok := ctx.Message().(*actor.PID); ok {
			ctx.Send(reply, &futures.SetResult{Value: "done by an actor"})
		}
	}))
	f := futures.NewIn[string](sys.ActorSystem)
	sys.Root.Send(worker, f.PID())
	v, err := f.Result(timeout(t))
	require.NoError(t, err)
	assert.Equal(t, "done by an actor", v)
}

func TestRequestIsAcknowledged(t *testing.T) {
	sys := newSystem(t)
	f := futures.NewIn[int](sys.ActorSystem)
	pid := f.PID()
	replies, ch := probe(t, sys)

	sys.Root.RequestWithCustomSender(pid, &futures.SetResult{Value: 1}, replies)
	ack := receive(t, ch).(*futures.Ack)
	assert.NoError(t, ack.Err)

	// The same *PID still points at the process (protoactor caches it), so
	// a second set is answered, with the reason it had no effect.
	sys.Root.RequestWithCustomSender(pid, &futures.SetResult{Value: 2}, replies)
	ack = receive(t, ch).(*futures.Ack)
	assert.ErrorIs(t, ack.Err, futures.ErrInvalidState)

	v, _ := f.Value()
	assert.Equal(t, 1, v)
}

func TestUnknownMessageIsRefused(t *testing.T) {
	sys := newSystem(t)
	f := futures.NewIn[int](sys.ActorSystem)
	replies, ch := probe(t, sys)
	sys.Root.RequestWithCustomSender(f.PID(), "hello", replies)
	ack := receive(t, ch).(*futures.Ack)
	assert.ErrorIs(t, ack.Err, futures.ErrUnknownMessage)
	assert.Equal(t, futures.Pending, f.State())
}

func TestMessagesAfterCompletionAreHarmless(t *testing.T) {
	sys := newSystem(t)
	f := futures.NewIn[int](sys.ActorSystem)
	pid := f.PID()
	sys.Root.Send(pid, &futures.SetResult{Value: 1})
	sys.Root.Send(pid, &futures.SetResult{Value: 2})                               // cached process: refused
	sys.Root.Send(actor.NewPID(pid.Address, pid.Id), &futures.Cancel{})            // fresh PID: dead letter
	sys.Root.Send(actor.NewPID(pid.Address, pid.Id), &futures.SetResult{Value: 3}) // fresh PID: dead letter
	v, err := f.Result(timeout(t))
	require.NoError(t, err)
	assert.Equal(t, 1, v)
}

func TestStoppingAFutureCancelsIt(t *testing.T) {
	tests := []struct {
		name string
		stop func(t *testing.T, sys *actors.System, pid *actor.PID)
	}{
		{"Stop", func(t *testing.T, sys *actors.System, pid *actor.PID) { sys.Root.Stop(pid) }},
		{"Poison", func(t *testing.T, sys *actors.System, pid *actor.PID) { sys.Root.Poison(pid) }},
		{"StopFuture", func(t *testing.T, sys *actors.System, pid *actor.PID) {
			require.NoError(t, sys.Root.StopFuture(pid).Wait(), "the stopper learns the future is gone")
		}},
		{"PoisonFuture", func(t *testing.T, sys *actors.System, pid *actor.PID) {
			require.NoError(t, sys.Root.PoisonFuture(pid).Wait(), "the poisoner learns the future is gone")
		}},
		{"Stop system message, as from a remote node", func(t *testing.T, sys *actors.System, pid *actor.PID) {
			p, ok := sys.ProcessRegistry.Get(pid)
			require.True(t, ok)
			p.SendSystemMessage(pid, &actor.Stop{})
		}},
	}
	sys := newSystem(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := futures.NewIn[int](sys.ActorSystem)
			pid := f.PID()
			tt.stop(t, sys, pid)
			assert.True(t, f.Cancelled())
			assert.False(t, registered(sys, pid), "the cancelled future left the registry")
		})
	}
}

func TestStoppingARunningFutureWaitsForItsTask(t *testing.T) {
	// Like Cancel, Stop cannot end a running task: the future leaves the
	// registry, and its watchers hear of it, when the task completes.
	sys := newSystem(t)
	f := futures.NewIn[int](sys.ActorSystem)
	require.True(t, f.SetRunningOrNotifyCancel())
	stopped := sys.Root.StopFuture(f.PID())
	assert.Equal(t, futures.Running, f.State())
	assert.True(t, registered(sys, f.PID()), "still addressable while running")
	require.NoError(t, f.SetResult(3))
	require.NoError(t, stopped.Wait())
	assert.False(t, registered(sys, f.PID()))
	v, err := f.Result(timeout(t))
	require.NoError(t, err)
	assert.Equal(t, 3, v)
}

func TestSubscribeMessage(t *testing.T) {
	sys := newSystem(t)
	f := futures.NewIn[int](sys.ActorSystem)
	sub, ch := probe(t, sys)
	sys.Root.Send(f.PID(), &futures.Subscribe{Subscriber: sub})
	require.NoError(t, f.SetResult(11))
	c := receive(t, ch).(*futures.Completed)
	assert.Equal(t, futures.Finished, c.State)
	assert.Equal(t, 11, c.Value)
	assert.NoError(t, c.Err)
	assert.Same(t, f, c.Future.(*futures.Future[int]))
	assert.True(t, c.PID.Equal(f.PID()))
}

func TestUnsubscribeMessage(t *testing.T) {
	sys := newSystem(t)
	f := futures.NewIn[int](sys.ActorSystem)
	sub, ch := probe(t, sys)
	sys.Root.Send(f.PID(), &futures.Subscribe{Subscriber: sub})
	// A different *PID value for the same actor must match.
	sys.Root.Send(f.PID(), &futures.Unsubscribe{Subscriber: actor.NewPID(sub.Address, sub.Id)})
	require.NoError(t, f.SetResult(1))
	sys.Root.Send(sub, "marker")
	assert.Equal(t, "marker", receive(t, ch), "no Completed came before the marker")
}

func TestWatchingAFutureReportsTermination(t *testing.T) {
	sys := newSystem(t)
	f := futures.NewIn[int](sys.ActorSystem)
	terminated := make(chan *actor.Terminated, 1)
	sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		switch m := ctx.Message().(type) {
		case *actor.Started:
			ctx.Watch(f.PID())
			ctx.Send(ctx.Self(), "watching")
		case string:
			_ = f.SetResult(1)
		case *actor.Terminated:
			terminated <- m
		}
	}))
	select {
	case m := <-terminated:
		assert.True(t, m.Who.Equal(f.PID()))
	case <-timeout(t).Done():
		t.Fatal("no Terminated")
	}
}

func TestUnwatchingAFuture(t *testing.T) {
	sys := newSystem(t)
	f := futures.NewIn[int](sys.ActorSystem)
	got := make(chan any, 4)
	sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		switch m := ctx.Message().(type) {
		case *actor.Started:
			ctx.Watch(f.PID())
			ctx.Unwatch(f.PID())
			_ = f.SetResult(1)
			ctx.Send(ctx.Self(), "marker")
		case string, *actor.Terminated:
			got <- m
		}
	}))
	assert.Equal(t, "marker", receive(t, got), "no Terminated came before the marker")
}

func TestRegistryIsUnchangedAfter100000AddressedFutures(t *testing.T) {
	sys := newSystem(t)
	base := registrySize(sys)
	ctx := context.Background()
	const n = 100_000
	for i := range n {
		f := futures.NewIn[int](sys.ActorSystem)
		sys.Root.Send(f.PID(), &futures.SetResult{Value: i})
		v, err := f.Result(ctx)
		if err != nil || v != i {
			t.Fatalf("future %d: %v, %v", i, v, err)
		}
	}
	assert.Equal(t, base, registrySize(sys))
}

// wireResult stands for a transport's own completion message: a result
// encoded as text, decoded into the future's type.
type wireResult struct{ text string }

func (w *wireResult) CompleteFuture(t futures.Target) error {
	return t.SetDecoded(func(ptr any) error {
		p, ok := ptr.(*int)
		if !ok {
			return errors.New("wire: not an int future")
		}
		n, err := strconv.Atoi(w.text)
		*p = n
		return err
	})
}

// wireSubscribe stands for a transport's own subscription message.
type wireSubscribe struct{ pid *actor.PID }

type wireCompleted struct{ summary string }

func (w *wireSubscribe) SubscriberPID() *actor.PID { return w.pid }
func (w *wireSubscribe) CompletionMessage(c *futures.Completed) any {
	return &wireCompleted{summary: fmt.Sprintf("%s %v %v", c.State, c.Value, c.Err)}
}

func TestTransportMessagesCompleteAndSubscribe(t *testing.T) {
	sys := newSystem(t)
	sub, ch := probe(t, sys)
	f := futures.NewIn[int](sys.ActorSystem)
	sys.Root.Send(f.PID(), &wireSubscribe{pid: sub})
	sys.Root.Send(f.PID(), &wireResult{text: "12"})
	v, err := f.Result(timeout(t))
	require.NoError(t, err)
	assert.Equal(t, 12, v)
	assert.Equal(t, &wireCompleted{summary: "finished 12 <nil>"}, receive(t, ch))

	g := futures.NewIn[int](sys.ActorSystem)
	sys.Root.Send(g.PID(), &wireResult{text: "twelve"})
	_, err = g.Result(timeout(t))
	var numErr *strconv.NumError
	assert.ErrorAs(t, err, &numErr, "an undecodable payload fails the future with the decode error")
}

// A sender on another node gets no Ack: it is a Go struct, which
// protoactor-go's remote cannot carry (it would log an error and drop it).
func TestRequestFromAnotherNodeIsNotAcknowledged(t *testing.T) {
	sys := newSystem(t)
	var dropped []any
	sub := sys.EventStream.Subscribe(func(evt any) {
		if d, ok := evt.(*actor.DeadLetterEvent); ok {
			dropped = append(dropped, d.Message)
		}
	})
	defer sys.EventStream.Unsubscribe(sub)
	f := futures.NewIn[int](sys.ActorSystem)
	remoteSender := actor.NewPID("10.0.0.9:7000", "subscriber")
	// The future handles the message in this goroutine: an Ack would have
	// gone (to dead letters, in a system without remoting) by the time
	// this returns.
	sys.Root.RequestWithCustomSender(f.PID(), &futures.SetResult{Value: 1}, remoteSender)
	assert.Empty(t, dropped)
	v, _ := f.Value()
	assert.Equal(t, 1, v)
}

// SetSystem gives a future made without a system an address, as executors
// do for the futures they embed in their tasks; a future keeps the system
// it has.
func TestSetSystemGivesAFutureAnAddress(t *testing.T) {
	sys, other := newSystem(t), newSystem(t)
	f := futures.New[int]()
	require.Nil(t, f.PID())
	f = futures.New[int]()
	f.SetSystem(sys.ActorSystem)
	pid := f.PID()
	require.NotNil(t, pid)
	sys.Root.Send(pid, &futures.SetResult{Value: 7})
	v, _ := f.Value()
	assert.Equal(t, 7, v)

	g := futures.NewIn[int](sys.ActorSystem)
	g.SetSystem(other.ActorSystem)
	assert.Same(t, sys.ActorSystem, g.System())
}

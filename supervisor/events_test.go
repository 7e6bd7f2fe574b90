package supervisor_test

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSubscriptionSeesEventsInOrder(t *testing.T) {
	e := supervisor.NewEvents()
	e.Publish(supervisor.Event{Kind: supervisor.Failed, Child: "before"})
	s := e.Subscribe()
	defer s.Close()
	for _, k := range []supervisor.EventKind{supervisor.Failed, supervisor.Restarted, supervisor.Started} {
		e.Publish(supervisor.Event{Kind: k, Child: "w"})
	}
	evs := drain(t, s, 3)
	assert.Equal(t, []supervisor.EventKind{supervisor.Failed, supervisor.Restarted, supervisor.Started}, kinds(evs, "w"),
		"only events published after Subscribe")
	assert.Equal(t, []uint64{2, 3, 4}, []uint64{evs[0].Seq, evs[1].Seq, evs[2].Seq})
	assert.False(t, evs[0].Time.IsZero())
}

func TestConcurrentPublishersKeepOneOrderForEverySubscriber(t *testing.T) {
	e := supervisor.NewEvents()
	a, b := e.Subscribe(), e.Subscribe()
	defer a.Close()
	defer b.Close()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for range 250 {
				e.Publish(supervisor.Event{Kind: supervisor.Failed, Child: string(rune('a' + g))})
			}
		})
	}
	wg.Wait()
	ea, eb := drain(t, a, 1000), drain(t, b, 1000)
	assert.Equal(t, ea, eb)
	for i, ev := range ea {
		require.Equal(t, uint64(i+1), ev.Seq)
	}
	assert.Equal(t, 1000, e.Totals().Failures)
	assert.Equal(t, 250, e.Counts("c").Failures)
	assert.Len(t, e.Children(), 4)
}

func TestNextWaitsForAnEventOrTheContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := supervisor.NewEvents()
		s := e.Subscribe()
		defer s.Close()
		go func() {
			time.Sleep(time.Second)
			e.Publish(supervisor.Event{Kind: supervisor.Stopped, Child: "w"})
		}()
		ev, err := s.Next(context.Background())
		require.NoError(t, err)
		assert.Equal(t, supervisor.Stopped, ev.Kind)

		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err = s.Next(ctx)
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})
}

func TestClosedSubscriptionDrainsThenEnds(t *testing.T) {
	e := supervisor.NewEvents()
	s := e.Subscribe()
	e.Publish(supervisor.Event{Kind: supervisor.Failed, Child: "w"})
	s.Close()
	s.Close() // idempotent
	e.Publish(supervisor.Event{Kind: supervisor.Restarted, Child: "w"})
	ev, err := s.Next(timeout(t))
	require.NoError(t, err)
	assert.Equal(t, supervisor.Failed, ev.Kind)
	_, err = s.Next(timeout(t))
	assert.ErrorIs(t, err, supervisor.ErrClosed)
}

func TestAllYieldsUntilClosed(t *testing.T) {
	e := supervisor.NewEvents()
	s := e.Subscribe()
	go func() {
		for range 3 {
			e.Publish(supervisor.Event{Kind: supervisor.Failed, Child: "w"})
		}
		s.Close()
	}()
	n := 0
	for ev := range s.All(timeout(t)) {
		n++
		assert.Equal(t, uint64(n), ev.Seq)
	}
	assert.Equal(t, 3, n)
}

func TestAllStopsWhenTheLoopBreaks(t *testing.T) {
	e := supervisor.NewEvents()
	s := e.Subscribe()
	defer s.Close()
	for range 5 {
		e.Publish(supervisor.Event{Kind: supervisor.Failed, Child: "w"})
	}
	for ev := range s.All(timeout(t)) {
		if ev.Seq == 2 {
			break
		}
	}
	ev, err := s.Next(timeout(t))
	require.NoError(t, err)
	assert.Equal(t, uint64(3), ev.Seq, "the rest stays buffered")
}

func TestAnActorReceivesEventsInItsMailbox(t *testing.T) {
	sys := newSystem(t)
	got := make(chan *supervisor.Event, 10)
	pid := sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		if ev, ok := ctx.Message().(*supervisor.Event); ok {
			got <- ev
		}
	}))
	e := supervisor.NewEvents()
	unsubscribe := e.SubscribeActor(sys.ActorSystem, pid)
	e.Publish(supervisor.Event{Kind: supervisor.Failed, Child: "w"})
	e.Publish(supervisor.Event{Kind: supervisor.Restarted, Child: "w"})
	for _, want := range []supervisor.EventKind{supervisor.Failed, supervisor.Restarted} {
		select {
		case ev := <-got:
			assert.Equal(t, want, ev.Kind)
		case <-timeout(t).Done():
			t.Fatal("no event")
		}
	}
	unsubscribe()
	e.Publish(supervisor.Event{Kind: supervisor.Stopped, Child: "w"})
	// A marker sent after the unsubscribed event arrives first if that
	// event was not sent.
	sys.Root.Send(pid, &supervisor.Event{Kind: supervisor.Started})
	assert.Equal(t, supervisor.Started, (<-got).Kind)
}

func TestWaitHelpersAreWokenByEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := supervisor.NewEvents()
		e.Publish(supervisor.Event{Kind: supervisor.Started, Child: "w"}) // the first start
		go func() {
			for i := range 3 {
				time.Sleep(time.Second)
				e.Publish(supervisor.Event{Kind: supervisor.Restarted, Child: "w", Attempt: i + 1})
				time.Sleep(time.Second)
				e.Publish(supervisor.Event{Kind: supervisor.Started, Child: "w"})
			}
		}()
		start := time.Now()
		require.NoError(t, e.WaitRestarts(context.Background(), 2))
		assert.Equal(t, 3*time.Second, time.Since(start))
		require.NoError(t, e.WaitBack(context.Background(), "w"))
		assert.Equal(t, 4*time.Second, time.Since(start))
		require.NoError(t, e.WaitStarted(context.Background(), "w", 4))
		assert.Equal(t, 6*time.Second, time.Since(start))

		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		err := e.WaitFor(ctx, func(c supervisor.Counters) bool { return c.Stops > 0 })
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Contains(t, err.Error(), "supervisor: waiting for supervision events")
	})
}

type idler struct{ called bool }

func (i *idler) WaitIdle(context.Context) error { i.called = true; return nil }

func TestWaitIdleAsksTheExecutor(t *testing.T) {
	var x idler
	require.NoError(t, supervisor.WaitIdle(timeout(t), &x))
	assert.True(t, x.called)
}

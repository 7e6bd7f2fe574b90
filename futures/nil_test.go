package futures_test

import (
	"testing"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A nil future is bad input: it gets an error or is skipped as documented,
// never a nil-pointer panic.

func TestWaitIgnoresNilFutures(t *testing.T) {
	var nilFuture *futures.Future[int]
	a := futures.Resolved(1)
	tests := []struct {
		name string
		give []futures.Awaitable
	}{
		{"typed nil pointer", []futures.Awaitable{nilFuture, a}},
		{"nil interface", []futures.Awaitable{nil, a, nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done, notDone := futures.Wait(timeout(t), tt.give, futures.AllCompleted)
			assert.Equal(t, []futures.Awaitable{a}, done)
			assert.Empty(t, notDone)
		})
	}
	done, notDone := futures.Wait(timeout(t), []*futures.Future[int]{nil, nil}, futures.AllCompleted)
	assert.Empty(t, done, "only nil futures: nothing to wait for")
	assert.Empty(t, notDone)
}

func TestAsCompletedIgnoresNilFutures(t *testing.T) {
	a := futures.Resolved(1)
	var got []*futures.Future[int]
	for f, err := range futures.AsCompleted(timeout(t), []*futures.Future[int]{nil, a, nil}) {
		require.NoError(t, err)
		got = append(got, f)
	}
	assert.Equal(t, []*futures.Future[int]{a}, got)
}

func TestNotifyNilFuture(t *testing.T) {
	sys := newSystem(t)
	sub, _ := probe(t, sys)
	var nilFuture *futures.Future[int]
	tests := []struct {
		name string
		give futures.Awaitable
	}{
		{"typed nil pointer", nilFuture},
		{"nil interface", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := futures.Notify(sys.ActorSystem, tt.give, sub)
			assert.ErrorIs(t, err, futures.ErrNilFuture)
		})
	}
}

func TestThenNilFuture(t *testing.T) {
	next := futures.Then(nil, func(int) (int, error) { return 1, nil })
	assert.ErrorIs(t, next.Err(), futures.ErrNilFuture)
}

func TestNotifySelfNilFuture(t *testing.T) {
	sys := newSystem(t)
	got := make(chan *futures.Completed, 1)
	sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		switch m := ctx.Message().(type) {
		case *actor.Started:
			futures.NotifySelf(ctx, nil)()
		case *futures.Completed:
			got <- m
		}
	}))
	select {
	case c := <-got:
		assert.Equal(t, futures.Finished, c.State)
		assert.ErrorIs(t, c.Err, futures.ErrNilFuture)
	case <-timeout(t).Done():
		t.Fatal("the actor was not told")
	}
}

func TestAwaitNilFuture(t *testing.T) {
	sys := newSystem(t)
	got := make(chan error, 1)
	sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		if _, ok := ctx.Message().(*actor.Started); ok {
			futures.Await(ctx, (*futures.Future[int])(nil), func(_ int, err error) { got <- err })
		}
	}))
	select {
	case err := <-got:
		assert.ErrorIs(t, err, futures.ErrNilFuture)
	case <-timeout(t).Done():
		t.Fatal("the continuation did not run")
	}
}

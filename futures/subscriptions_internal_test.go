package futures

import (
	"context"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func subscribers(c *core) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.subs)
}

func TestWaitReleasesItsSubscriptions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pending, trigger := New[int](), New[int]()
		returned := make(chan struct{})
		go func() {
			defer close(returned)
			Wait(context.Background(), []*Future[int]{pending, trigger}, FirstCompleted)
		}()
		synctest.Wait() // Wait is blocked, subscribed to both
		require.Equal(t, 1, subscribers(&pending.core))
		require.NoError(t, trigger.SetResult(1))
		<-returned
		assert.Equal(t, 0, subscribers(&pending.core), "the subscription to the future still pending was withdrawn")
	})
}

func TestWaitReleasesItsSubscriptionsOnTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pending := New[int]()
		ctx, cancel := context.WithCancel(context.Background())
		returned := make(chan struct{})
		go func() {
			defer close(returned)
			Wait(ctx, []*Future[int]{pending}, AllCompleted)
		}()
		synctest.Wait()
		require.Equal(t, 1, subscribers(&pending.core))
		cancel()
		<-returned
		assert.Equal(t, 0, subscribers(&pending.core))
	})
}

func TestAsCompletedBreakReleasesSubscriptions(t *testing.T) {
	done, pending := Resolved(1), New[int]()
	for range AsCompleted(context.Background(), []*Future[int]{done, pending}) {
		require.Equal(t, 1, subscribers(&pending.core), "subscribed while iterating")
		break
	}
	assert.Equal(t, 0, subscribers(&pending.core))
}

func TestCompletionClearsSubscribers(t *testing.T) {
	f := New[int]()
	f.AddDoneCallback(func(*Future[int]) {})
	require.NoError(t, f.SetResult(1))
	assert.Equal(t, 0, subscribers(&f.core))
}

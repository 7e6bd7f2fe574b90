//go:build unix

package pools_test

import (
	"context"
	"testing"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/testproc"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gateInitTask is an initializer that waits at a gate.
var gateInitTask = pools.Register("proc.init.gate", func(ctx context.Context, dir string) (struct{}, error) {
	return struct{}{}, testproc.Wait(ctx, dir)
})

// A task sent to a child that is still running its initializer has not
// started: cancelled then, it never runs, even as the child's first task.
func TestProcessPoolTaskCancelledWhileItsChildInitializes(t *testing.T) {
	g := testproc.NewGate(t)
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithTaskInitializer(gateInitTask, g.Dir))
	events := taskEvents(p)
	dir := t.TempDir()
	first := markTask.Submit(bg, p, ranFile(dir, 0))
	second := markTask.Submit(bg, p, ranFile(dir, 1))
	g.WaitStarted(t, 1) // the child is in its initializer
	waitEvents(t, events["sent"], first, second)
	require.True(t, first.Cancel(), "pending: the child has not started it")
	require.True(t, second.Cancel())
	// The worker hears of the cancellations through its mailbox: the child
	// must have them in its pipe before it starts reading, or it would
	// start the tasks (and have their contexts cancelled as they run).
	waitEvents(t, events["cancel sent"], first, second)
	g.Open(t, 1)
	waitEvents(t, events["dropped"], first, second)
	assert.Equal(t, futures.Cancelled, first.State())
	third := markTask.Submit(bg, p, ranFile(dir, 2))
	value(t, third)
	assert.NoFileExists(t, ranFile(dir, 0), "the cancelled tasks never ran")
	assert.NoFileExists(t, ranFile(dir, 1))
	assert.FileExists(t, ranFile(dir, 2))
}

//go:build unix

package remote_test

import (
	"context"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/testproc"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Tasks go to every node, results come back in their own futures, and a
// chunked Map crosses as chunks.
func TestRemoteTasksSpreadOverNodes(t *testing.T) {
	a, b := startNode(t, nodeSpec{}), startNode(t, nodeSpec{})
	p := newRemotePool(t, pools.WithNodes(a.addr, b.addr))
	waitNodeUp(t, p, a.addr, 1)
	waitNodeUp(t, p, b.addr, 1)
	require.Equal(t, []string{a.addr, b.addr}, sortedCopy(a.addr, b.addr, p.Nodes()))

	ctx := timeout(t)
	var fs []*futures.Future[int]
	for i := range 200 {
		fs = append(fs, remoteSquare.Submit(ctx, p, i))
	}
	for i, f := range fs {
		require.Equal(t, i*i, value(t, f))
	}
	i := 0
	for v, err := range remoteSquare.Map(ctx, p, count(300), pools.ChunkSize(7)) {
		require.NoError(t, err)
		require.Equal(t, i*i, v)
		i++
	}
	require.Equal(t, 300, i)

	// Tasks spread: a node whose slots are taken gets no more while the
	// other has free ones. (Once settled: a node's slot counts as free
	// from the moment the callbacks of its task's future have run, just
	// after the future's waiters wake.)
	require.NoError(t, p.WaitIdle(ctx))
	g := testproc.NewGate(t)
	var gs []*futures.Future[int]
	for range 4 { // two slots on each node
		gs = append(gs, remoteGate.Submit(ctx, p, g.Dir))
	}
	g.WaitStarted(t, 4)
	g.Open(t, 4)
	ran := map[int]int{}
	for _, f := range gs {
		ran[value(t, f)]++
	}
	assert.Equal(t, map[int]int{a.pid: 2, b.pid: 2}, ran)

	// A future completes before its link hears of it: the pool
	// settles just after.
	require.NoError(t, p.WaitIdle(ctx))
	st := p.Stats()
	assert.Equal(t, 2, st.Workers)
	assert.Equal(t, 4, p.MaxWorkers(), "two nodes of two slots")
	assert.Zero(t, st.Running)
	assert.Zero(t, st.Queued)
}

func count(n int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

func sortedCopy(a, b string, got []string) []string {
	want := []string{a, b}
	slices.Sort(want)
	if slices.Equal(want, got) {
		return []string{a, b}
	}
	return got
}

// A task's error, panic or bad payload fails its own future, typed as in
// the process pool; the node serves on, and is never counted lost.
func TestRemoteFailuresAreTheTasksOwn(t *testing.T) {
	n := startNode(t, nodeSpec{maxPayload: 64 << 10})
	p := newRemotePool(t, pools.WithNodes(n.addr))
	waitNodeUp(t, p, n.addr, 1)
	ctx := timeout(t)

	_, err := remotePanic.Submit(ctx, p, "boom").Result(ctx)
	var pe *futures.PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "boom", pe.Value)
	assert.Contains(t, string(pe.Stack), "remote/tasks_test.go", "the node's stack")

	_, err = remoteFail.Submit(ctx, p, 0).Result(ctx)
	require.ErrorIs(t, err, errBoom)
	var re *pools.RemoteError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, n.addr, re.Worker)
	assert.Contains(t, re.Message, "and more")

	_, err = remoteParentOnly.Submit(ctx, p, 1).Result(ctx)
	require.ErrorIs(t, err, pools.ErrNotRegistered, "a task the node does not know")
	_, err = pools.Submit(ctx, p, func(context.Context) (int, error) { return 1, nil }).Result(ctx)
	require.ErrorIs(t, err, pools.ErrNotRegistered, "a closure")

	_, err = remoteChildBadInput.Submit(ctx, p, childUndecodable{N: 3}).Result(ctx)
	var de *pools.DecodeError
	require.ErrorAs(t, err, &de, "an input the node cannot decode")
	assert.Equal(t, "input", de.What)

	_, err = remoteAny.Submit(ctx, p, func() {}).Result(ctx)
	var ee *pools.EncodeError
	require.ErrorAs(t, err, &ee, "an input that cannot be encoded")
	assert.Equal(t, "input", ee.What)

	_, err = remoteLen.Submit(ctx, p, make([]byte, 100<<10)).Result(ctx)
	require.ErrorIs(t, err, pools.ErrFrameTooLarge, "an input over the node's payload limit, refused before it is sent")
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "input", ee.What)
	_, err = remoteBytes.Submit(ctx, p, 100<<10).Result(ctx)
	require.ErrorIs(t, err, pools.ErrFrameTooLarge, "an output over the limit, refused on the node")
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "output", ee.What)
	assert.Equal(t, 60<<10, value(t, remoteLen.Submit(ctx, p, make([]byte, 60<<10))), "a payload under the limit")
	assert.Len(t, value(t, remoteBytes.Submit(ctx, p, 60<<10)), 60<<10)

	// In a chunk of Map, each element fails alone.
	var got []error
	for _, err := range remoteChildBadInput.Map(ctx, p, func(yield func(childUndecodable) bool) {
		for i := range 3 {
			if !yield(childUndecodable{N: i}) {
				return
			}
		}
	}, pools.ChunkSize(3)) {
		got = append(got, err)
	}
	require.Len(t, got, 3)
	for _, err := range got {
		require.ErrorAs(t, err, &de)
	}

	assert.Equal(t, 49, value(t, remoteSquare.Submit(ctx, p, 7)), "the node serves on")
	assert.Zero(t, p.Events().Counts(n.addr).Failures, "no failure was the node's")
	assert.Equal(t, 1, p.Events().Counts(n.addr).Starts)
}

// Deadlines and cancellation reach the task's context on its node.
func TestRemoteDeadlinesAndCancellationReachTheNode(t *testing.T) {
	n := startNode(t, nodeSpec{slots: 4})
	p := newRemotePool(t, pools.WithNodes(n.addr))
	waitNodeUp(t, p, n.addr, 1)
	ctx := timeout(t)

	dctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	_, err := remoteWait.Submit(dctx, p, 0).Result(ctx)
	require.ErrorIs(t, err, futures.ErrTimeout)
	require.ErrorIs(t, err, context.DeadlineExceeded)

	g := testproc.NewGate(t)
	f := remoteGate.Submit(ctx, p, g.Dir)
	g.WaitStarted(t, 1)
	require.True(t, f.Interrupt())
	_, err = f.Result(ctx)
	require.ErrorIs(t, err, futures.ErrCancelledWhileRunning)
	assert.Equal(t, futures.Cancelled, f.State())
	g.WaitStopped(t, 1) // the task saw its context end on the node

	cctx, cancelTask := context.WithCancel(ctx)
	f = remoteGate.Submit(cctx, p, g.Dir)
	g.WaitStarted(t, 1)
	cancelTask()
	_, err = f.Result(ctx)
	require.ErrorIs(t, err, futures.ErrCancelledWhileRunning, "the submitter's context, cancelled")
	g.WaitStopped(t, 1)

	// A task that ignores its context fails here a second past its
	// deadline; its node goes on with it.
	dctx, cancel = context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, err = remoteIgnore.Submit(dctx, p, 1500*time.Millisecond).Result(ctx)
	require.ErrorIs(t, err, futures.ErrTimeout)
	assert.Contains(t, err.Error(), "past its deadline on node "+n.addr)
	assert.Equal(t, 49, value(t, remoteSquare.Submit(ctx, p, 7)))
}

// A node killed mid-run: what it held fails at once with ErrNodeLost, or,
// if idempotent, runs on the other node; the queue goes on there; nothing
// is lost and nothing hangs. The node is used again when it comes back,
// and an idempotent task running on a node that dies runs again
// elsewhere. (A window of 3 on nodes of 2 slots: each node holds one task
// beyond those it runs.)
func TestRemoteNodeKilledMidRun(t *testing.T) {
	a, b := startNode(t, nodeSpec{}), startNode(t, nodeSpec{})
	p := newRemotePool(t, pools.WithNodes(a.addr, b.addr), pools.WithWindow(3))
	waitNodeUp(t, p, a.addr, 1)
	waitNodeUp(t, p, b.addr, 1)
	ctx := timeout(t)

	g := testproc.NewGate(t)
	var running []*futures.Future[int]
	for range 4 {
		running = append(running, remoteGate.Submit(ctx, p, g.Dir))
	}
	g.WaitStarted(t, 4) // two on each node: each has two slots
	var held []*futures.Future[int]
	for range 2 {
		held = append(held, remoteGateIdem.Submit(ctx, p, g.Dir))
	}
	var queued []*futures.Future[int]
	for i := range 20 {
		queued = append(queued, remoteSquare.Submit(ctx, p, i))
	}

	a.kill(t)
	// a's two running tasks fail; then b is released.
	waitNodeLost(t, p, a.addr, 1)
	lost := 0
	g.Open(t, 4)
	for _, f := range running {
		v, err := f.Result(ctx)
		if err != nil {
			var nl *pools.NodeLostError
			require.ErrorAs(t, err, &nl)
			require.ErrorIs(t, err, pools.ErrNodeLost)
			assert.Equal(t, a.addr, nl.Node)
			assert.Equal(t, "remote-gate", nl.Task)
			lost++
			continue
		}
		assert.Equal(t, b.pid, v)
	}
	assert.Equal(t, 2, lost, "the tasks a ran")
	for _, f := range held {
		assert.Equal(t, b.pid, value(t, f), "idempotent, held by a or b: run on b")
	}
	for i, f := range queued {
		assert.Equal(t, i*i, value(t, f))
	}

	// a comes back on its address and is used again.
	a2 := startNode(t, nodeSpec{addr: a.addr})
	waitNodeUp(t, p, a.addr, 2)
	require.NoError(t, p.WaitIdle(ctx))
	// Two idempotent tasks on each node; b dies under two of them, which
	// run again on a.
	var idem []*futures.Future[int]
	for range 4 {
		idem = append(idem, remoteGateIdem.Submit(ctx, p, g.Dir))
	}
	g.WaitStarted(t, 4)
	b.kill(t)
	waitNodeLost(t, p, b.addr, 1)
	g.Open(t, 4) // a's first two, then the two retried
	for _, f := range idem {
		assert.Equal(t, a2.pid, value(t, f))
	}
	require.NoError(t, p.WaitIdle(ctx))
	assert.Equal(t, []string{a.addr}, p.Nodes())
}

// A node added to a running pool is used: with the first node busy, the
// next tasks go to it.
func TestRemoteNodeJoinsLate(t *testing.T) {
	a := startNode(t, nodeSpec{})
	p := newRemotePool(t, pools.WithNodes(a.addr))
	waitNodeUp(t, p, a.addr, 1)
	ctx := timeout(t)
	g := testproc.NewGate(t)
	var fs []*futures.Future[int]
	for range 2 {
		fs = append(fs, remoteGate.Submit(ctx, p, g.Dir))
	}
	g.WaitStarted(t, 2)

	b := startNode(t, nodeSpec{})
	require.NoError(t, p.AddNode(b.addr))
	waitNodeUp(t, p, b.addr, 1)
	for range 2 {
		fs = append(fs, remoteGate.Submit(ctx, p, g.Dir))
	}
	g.WaitStarted(t, 2) // a has two slots: these run on b
	g.Open(t, 4)
	ran := map[int]int{}
	for _, f := range fs {
		ran[value(t, f)]++
	}
	assert.Equal(t, map[int]int{a.pid: 2, b.pid: 2}, ran)
	require.Error(t, p.AddNode("nowhere"))
}

// A node that freezes keeps its connection open: only its unanswered
// heartbeats tell. Its tasks fail; once it thaws it is used again.
func TestRemoteFrozenNodeIsLostByHeartbeat(t *testing.T) {
	n := startNode(t, nodeSpec{})
	p := newRemotePool(t, pools.WithNodes(n.addr), pools.WithHeartbeat(50*time.Millisecond, 400*time.Millisecond))
	waitNodeUp(t, p, n.addr, 1)
	ctx := timeout(t)
	g := testproc.NewGate(t)
	f := remoteGate.Submit(ctx, p, g.Dir)
	g.WaitStarted(t, 1)

	n.signal(t, syscall.SIGSTOP)
	_, err := f.Result(ctx)
	var nl *pools.NodeLostError
	require.ErrorAs(t, err, &nl)
	assert.Contains(t, nl.Reason, "heartbeats unanswered")
	n.signal(t, syscall.SIGCONT)

	waitNodeUp(t, p, n.addr, 2)
	g.Open(t, 1) // the frozen task ends; its outcome is not wanted any more
	g.WaitStopped(t, 1)
	assert.Equal(t, 49, value(t, remoteSquare.Submit(ctx, p, 7)))
}

// Tasks sent ahead to a busy node, before another node was up, are given
// back for the idle one as soon as it is: none waits on a busy node while
// another could run it, and none that started is taken back.
func TestRemoteIdleNodeReclaimsTasksSentAhead(t *testing.T) {
	a := startNode(t, nodeSpec{})
	p := newRemotePool(t, pools.WithNodes(a.addr))
	waitNodeUp(t, p, a.addr, 1)
	ctx := timeout(t)
	g := testproc.NewGate(t)
	var fs []*futures.Future[int]
	for range 6 {
		fs = append(fs, remoteGate.Submit(ctx, p, g.Dir))
	}
	g.WaitStarted(t, 2) // a runs two, and holds four

	b := startNode(t, nodeSpec{})
	require.NoError(t, p.AddNode(b.addr))
	g.WaitStarted(t, 2) // b took two back from a, and runs them
	g.Open(t, 6)
	ran := map[int]int{}
	for _, f := range fs {
		ran[value(t, f)]++
	}
	assert.Len(t, ran, 2)
	assert.GreaterOrEqual(t, ran[a.pid], 2)
	assert.GreaterOrEqual(t, ran[b.pid], 2)
}

// A node that shuts down says so: what it held fails at once, and the node
// process exits cleanly. (Its Goodbye and the end of its connection race:
// protoactor-go hands the second to the link first, as a system message.)
func TestRemoteNodeThatStopsSaysGoodbye(t *testing.T) {
	n := startNode(t, nodeSpec{})
	p := newRemotePool(t, pools.WithNodes(n.addr))
	waitNodeUp(t, p, n.addr, 1)
	ctx := timeout(t)
	g := testproc.NewGate(t)
	f := remoteGate.Submit(ctx, p, g.Dir)
	g.WaitStarted(t, 1)
	require.NoError(t, n.stop()) // its shutdown interrupts the task
	_, err := f.Result(ctx)
	var nl *pools.NodeLostError
	require.ErrorAs(t, err, &nl)
	assert.Contains(t, []string{"node stopped", "connection lost"}, nl.Reason)
	assert.Equal(t, n.addr, nl.Node)
	g.WaitStopped(t, 1)
}

package pools

import (
	"context"
	"fmt"

	"github.com/actorfutures/actorfutures/futures"
)

// Deadlock detection. A task's context carries a futures.BlockHook, so the
// pool hears of every wait (Future.Result, Future.Exception, futures.Wait,
// futures.AsCompleted) a running task makes on futures not done, and of
// its end. It records them and, at each new wait, works out which running
// tasks can never go on: a task is stuck when every wait it has open is
// held, and a wait is held when the futures it waits for can only be
// completed by stuck tasks (every one of them, for a wait for the first;
// one, for a wait for all). Only stuck tasks complete the future of a
// stuck task (a cycle: CPython's docs' two tasks waiting for each other),
// or of a task queued behind stuck tasks that hold every worker (a task
// waiting for one it submitted to a one-worker pool). A new wait that
// would leave its own task stuck is refused with ErrDeadlock, instead of
// hanging forever as in Python.
//
// What keeps it from refusing a wait that could end:
//   - A wait counts as its task's, whichever goroutine makes it, and a task
//     with one wait that is not stuck is not stuck, because the
//     goroutine running the task may be the one that will go on: a task
//     fanning out to several goroutines that each wait for a subtask
//     holds one worker, not several.
//   - A wait with a deadline ends by itself, so its task is never stuck for
//     the others. The wait itself is refused when it would be stuck, since
//     it could then only time out.
//   - Stuckness is worked out from the futures' states at the time of the
//     new wait, not from counts kept as waits begin and end, so a waiter
//     whose future has just completed, but who has not woken yet, does not
//     count as waiting.
//
// The cost is paid only by waits that block, under the pool's lock: a pass
// over the queue to find which awaited futures are queued, and a few
// passes over the waiting tasks.

// taskWaits holds the open waits of each running task that waits.
type taskWaits map[*taskContext][]*blockedWait

// blockedWait is one goroutine of a task waiting for futures (see
// futures.BlockHook): for one of them (Result, Exception, a step of
// AsCompleted, Wait with FirstCompleted), for one to fail or all
// (FirstException), or for all (AllCompleted).
type blockedWait struct {
	on      []futures.Awaitable
	when    futures.ReturnWhen
	bounded bool // the wait has a deadline, so it ends by itself
}

// failed reports whether f finished with an error.
func failed(f futures.Awaitable) bool { return f.State() == futures.Finished && f.Err() != nil }

// ended reports whether the wait's futures let it end.
func (w *blockedWait) ended() bool {
	all := true
	for _, f := range w.on {
		switch {
		case !f.IsDone():
			all = false
		case w.when == futures.FirstCompleted, w.when == futures.FirstException && failed(f):
			return true
		}
	}
	return all
}

// held reports whether a wait that had not ended can only go on when
// stuck tasks do (held says which futures only they can complete): for a
// wait for all, one of its futures not done is held; otherwise every one
// not done is, and none has ended the wait meanwhile.
func (w *blockedWait) held(held func(futures.Awaitable) bool) bool {
	if w.ended() {
		return false // it ends: its futures completed since it was looked at
	}
	for _, f := range w.on {
		if f.IsDone() {
			continue
		}
		if held(f) == (w.when == futures.AllCompleted) {
			return w.when == futures.AllCompleted
		}
	}
	return w.when != futures.AllCompleted
}

// dispatcher returns the dispatch of an executor, for the contexts of its
// tasks to report their waits to.
func (p *dispatch) dispatcher() *dispatch { return p }

// blocking is told by the context c of a running task that one of the
// task's goroutines is about to wait, within ctx, for fs (see
// futures.BlockHook). It refuses a wait that can never end with
// [ErrDeadlock]; otherwise it records the wait until the returned func is
// called.
func (p *dispatch) blocking(c *taskContext, ctx context.Context, fs []futures.Awaitable, when futures.ReturnWhen) (func(), error) {
	_, bounded := ctx.Deadline()
	w := &blockedWait{on: fs, when: when, bounded: bounded}
	if w.ended() {
		return nil, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.waits == nil {
		p.waits = taskWaits{}
	}
	p.waits[c] = append(p.waits[c], w)
	if stuck := p.stuckLocked(c); stuck[c] {
		p.removeWaitLocked(c, w)
		return nil, fmt.Errorf("%w (%d of %d workers run tasks that wait for each other or for tasks queued behind them)",
			ErrDeadlock, len(stuck), p.maxWorkers)
	}
	return func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.removeWaitLocked(c, w)
	}, nil
}

func (p *dispatch) removeWaitLocked(c *taskContext, w *blockedWait) {
	ws := p.waits[c]
	for i, x := range ws {
		if x == w {
			ws = append(ws[:i], ws[i+1:]...)
			break
		}
	}
	if len(ws) == 0 {
		delete(p.waits, c)
		return
	}
	p.waits[c] = ws
}

// stuckLocked returns the running tasks that can never go on, treating
// the waits of asking (the task making a new wait) as if they had no
// deadline. It is the greatest set in which every task has an open wait
// and each of its open waits is held: its futures are those of tasks in
// the set, or of queued tasks while the set holds every worker (all of
// them not done, for a wait for any; one, for a wait for all).
func (p *dispatch) stuckLocked(asking *taskContext) map[*taskContext]bool {
	stuck := make(map[*taskContext]bool, len(p.waits))
	// The tasks running on the workers, by their futures. A task that
	// waits but is not among them has ended (a goroutine outlived it): it
	// holds no worker.
	byFuture := make(map[futures.Awaitable]*taskContext, len(p.slots))
	for _, w := range p.slots {
		if j := w.current; j != nil && j.future().State() == futures.Running {
			byFuture[j.future()] = j.taskCtx()
		}
	}
	pending := map[futures.Awaitable]bool{} // awaited futures not started
	// The waits of each candidate that had not ended as it was looked at:
	// the futures go on completing meanwhile, so a wait that ends later in
	// this pass counts as one that can go on, never as one that cannot.
	open := make(map[*taskContext][]*blockedWait, len(p.waits))
	for _, t := range byFuture {
		var ws []*blockedWait
		for _, w := range p.waits[t] {
			if w.ended() {
				continue
			}
			if w.bounded && t != asking {
				ws = nil
				break
			}
			ws = append(ws, w)
			for _, f := range w.on {
				if f.State() == futures.Pending {
					pending[f] = false
				}
			}
		}
		if len(ws) > 0 {
			stuck[t] = true
			open[t] = ws
		}
	}
	if len(stuck) == 0 {
		return stuck
	}
	if len(pending) > 0 {
		left := len(pending)
		p.queue.Each(func(j job) bool {
			if q, ok := pending[j.future()]; ok && !q {
				pending[j.future()] = true
				left--
			}
			return left > 0
		})
	}
	// held reports whether f can only be completed by stuck tasks: it is
	// the future of one, or queued while stuck tasks hold every worker.
	held := func(f futures.Awaitable) bool {
		if u, ok := byFuture[f]; ok && stuck[u] {
			return true
		}
		return pending[f] && len(stuck) >= p.maxWorkers
	}
	for changed := true; changed; {
		changed = false
		for t := range stuck {
			for _, w := range open[t] {
				if w.held(held) {
					continue
				}
				delete(stuck, t)
				changed = true
				break
			}
		}
	}
	return stuck
}

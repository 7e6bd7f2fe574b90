package pools

import (
	"context"
	"fmt"

	"github.com/actorfutures/actorfutures/futures"
)

// Deadlock detection. A task's context carries a futures.BlockHook, so the
// pool hears of every wait (Future.Result, Future.Exception) a running
// task makes on a pending future, and of its end. It records them and, at
// each new wait, works out which running tasks can never go on: a task is
// stuck when every wait it has open is for a future that only stuck tasks
// can complete, that is the future of a stuck task (a cycle: CPython's
// docs' two tasks waiting for each other), or of a task queued behind
// stuck tasks that hold every worker (a task waiting for one it submitted
// to a one-worker pool). A new wait that would leave its own task stuck is
// refused with ErrDeadlock, instead of hanging forever as in Python.
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

// blockedWait is one goroutine of a task waiting for a future.
type blockedWait struct {
	on      futures.Awaitable
	bounded bool // the wait has a deadline, so it ends by itself
}

// dispatcher returns the dispatch of an executor, for the contexts of its
// tasks to report their waits to.
func (p *dispatch) dispatcher() *dispatch { return p }

// blocking is told by the context c of a running task that one of the
// task's goroutines is about to wait, within ctx, for f. It refuses a
// wait that can never end with [ErrDeadlock]; otherwise it records the
// wait until the returned func is called.
func (p *dispatch) blocking(c *taskContext, ctx context.Context, f futures.Awaitable) (func(), error) {
	if f.IsDone() {
		return nil, nil
	}
	_, bounded := ctx.Deadline()
	w := &blockedWait{on: f, bounded: bounded}
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
// and each of its open waits is for the future of a task in the set, or
// for a queued task while the set holds every worker.
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
	for _, t := range byFuture {
		candidate := false
		for _, w := range p.waits[t] {
			st := w.on.State()
			if st.Done() {
				continue
			}
			if w.bounded && t != asking {
				candidate = false
				break
			}
			candidate = true
			if st == futures.Pending {
				pending[w.on] = false
			}
		}
		if candidate {
			stuck[t] = true
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
	for changed := true; changed; {
		changed = false
		for t := range stuck {
			for _, w := range p.waits[t] {
				if w.on.IsDone() {
					continue
				}
				if u, ok := byFuture[w.on]; ok && stuck[u] {
					continue
				}
				if pending[w.on] && len(stuck) >= p.maxWorkers {
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

package futures

import (
	"context"
	"strconv"
	"sync"
)

// ReturnWhen says when [Wait] returns.
type ReturnWhen int

const (
	// FirstCompleted: when any future finishes or is cancelled.
	FirstCompleted ReturnWhen = iota
	// FirstException: when any future finishes with an error; if none
	// does, when all are done (as AllCompleted). Cancellation is not an
	// exception.
	FirstException
	// AllCompleted: when every future is done.
	AllCompleted
)

func (r ReturnWhen) String() string {
	switch r {
	case FirstCompleted:
		return "FIRST_COMPLETED"
	case FirstException:
		return "FIRST_EXCEPTION"
	case AllCompleted:
		return "ALL_COMPLETED"
	}
	return "ReturnWhen(" + strconv.Itoa(int(r)) + ")"
}

// Wait waits for the futures in fs, Python's concurrent.futures.wait. It
// returns the futures that are done and those that are not, each in the
// order of fs, with duplicates counted once and nil futures ignored. It
// returns as soon as the condition given by when holds; futures already
// done count at once, and a future cancelled while pending counts as done
// the moment it is cancelled (CPython only notices that when an executor
// dequeues it, gh-92001). When ctx ends first, Wait returns what is done so
// far: like Python's timeout, that is not an error. So it does at once,
// in an executor's task, for a wait that the executor knows can never end
// ([BlockHook]: tasks that wait for each other, or for tasks queued behind
// them with no worker left to run them); Result on a future that can
// never complete then returns the executor's error. A when that is none of
// the three (Python raises ValueError) is taken as [AllCompleted], the one
// condition that cannot return early by mistake.
//
// Wait starts no goroutine: it subscribes to each future's completion and
// withdraws the subscriptions it no longer needs before it returns.
func Wait[F Awaitable](ctx context.Context, fs []F, when ReturnWhen) (done, notDone []F) {
	if ctx == nil {
		ctx = context.Background()
	}
	uniq, _ := dedupe(fs)
	w := newWaiter(when, len(uniq), false)
	var subscribed []F
	for _, f := range uniq {
		c := f.base()
		if !c.IsDone() && c.addSub(w) {
			subscribed = append(subscribed, f)
			continue
		}
		w.completed(f)
	}
	if len(subscribed) > 0 && !w.satisfied() {
		if when != FirstCompleted && when != FirstException {
			when = AllCompleted // as the waiter takes it
		}
		if release, err := blocking(ctx, subscribed, when); err == nil {
			select {
			case <-w.signal:
			case <-ctx.Done():
			}
			release()
		}
	}
	for _, f := range subscribed {
		if !f.IsDone() {
			f.base().removeSub(w)
		}
	}
	for _, f := range uniq {
		if f.IsDone() {
			done = append(done, f)
		} else {
			notDone = append(notDone, f)
		}
	}
	return done, notDone
}

// dedupe returns fs without repeats, in first-seen order, and without
// nils, with the position in it of each future's core: a completion names
// the core, and the caller wants back its own F (which may be a type that
// embeds a future, not the future itself).
func dedupe[F Awaitable](fs []F) (uniq []F, index map[*core]int) {
	index = make(map[*core]int, len(fs))
	uniq = make([]F, 0, len(fs))
	for _, f := range fs {
		c := baseOf(f)
		if c == nil {
			continue
		}
		if _, ok := index[c]; ok {
			continue
		}
		index[c] = len(uniq)
		uniq = append(uniq, f)
	}
	return uniq, index
}

// waiter is the one subscriber Wait and AsCompleted attach to every future
// they watch: completions are counted (and queued, for AsCompleted) under
// its own lock, and the waiting goroutine is woken through a one-slot
// channel only when its condition holds.
type waiter struct {
	mu        sync.Mutex
	when      ReturnWhen
	total     int
	finished  int
	exception bool
	collect   bool
	queue     []*core
	signal    chan struct{}
}

func newWaiter(when ReturnWhen, total int, collect bool) *waiter {
	return &waiter{when: when, total: total, collect: collect, signal: make(chan struct{}, 1)}
}

func (w *waiter) completed(f Awaitable) {
	w.mu.Lock()
	c := f.base()
	w.finished++
	if c.failedWithException() {
		w.exception = true
	}
	if w.collect {
		w.queue = append(w.queue, c)
	}
	fire := w.satisfiedLocked()
	w.mu.Unlock()
	if fire {
		select {
		case w.signal <- struct{}{}:
		default:
		}
	}
}

func (w *waiter) satisfied() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.satisfiedLocked()
}

func (w *waiter) satisfiedLocked() bool {
	switch {
	case w.finished >= w.total:
		return true
	case w.when == FirstCompleted:
		return w.finished > 0
	case w.when == FirstException:
		return w.exception
	}
	return false
}

// take removes and returns the queued completions.
func (w *waiter) take() []*core {
	w.mu.Lock()
	defer w.mu.Unlock()
	q := w.queue
	w.queue = nil
	return q
}

package futures

import (
	"context"
	"fmt"
	"iter"
	"slices"
)

// AsCompleted yields the futures in fs as they complete, Python's
// as_completed: those already done first (in the order of fs), then each
// as it finishes or is cancelled, every future once however often it
// appears in fs; nil futures are ignored. The error is nil for every
// future yielded. If ctx ends before all are done, the last pair is a nil
// future and an error that says how many of how many futures are
// unfinished; it matches [ErrTimeout] and context.DeadlineExceeded for a
// deadline. In an executor's task, a wait that the executor knows can
// never end ([BlockHook]) ends the same way at once, with the executor's
// error. Leaving the loop early releases every subscription. Nothing
// happens until the sequence is ranged over, and each range starts afresh.
//
// AsCompleted starts no goroutine: it subscribes once to each pending
// future and is woken only when there is something to yield.
func AsCompleted[F Awaitable](ctx context.Context, fs []F) iter.Seq2[F, error] {
	return func(yield func(F, error) bool) {
		if ctx == nil {
			ctx = context.Background()
		}
		uniq, index := dedupe(fs)
		var finished, pending []F
		for _, f := range uniq {
			if f.IsDone() {
				finished = append(finished, f)
			} else {
				pending = append(pending, f)
			}
		}
		// FirstCompleted stays satisfied after the first completion, so the
		// waiter signals on every one.
		w := newWaiter(FirstCompleted, len(pending), true)
		subscribed := pending[:0:0]
		for _, f := range pending {
			if f.base().addSub(w) {
				subscribed = append(subscribed, f)
			} else {
				w.completed(f)
			}
		}
		defer func() {
			for _, f := range subscribed {
				if !f.IsDone() {
					f.base().removeSub(w)
				}
			}
		}()

		yielded := 0
		for _, f := range finished {
			yielded++
			if !yield(f, nil) {
				return
			}
		}
		total := len(uniq)
		// With a BlockHook (in an executor's task), each wait is told of
		// the futures not yielded yet: those it may be waiting for, and
		// any that completed since the last take (then it does not wait).
		var open []F
		var seen []bool // by index in uniq: yielded
		hooked := blockHook(ctx) != nil
		if hooked {
			open, seen = slices.Clone(subscribed), make([]bool, len(uniq))
		}
		for yielded < total {
			q := w.take()
			if len(q) == 0 {
				release := func() {}
				if hooked {
					open = slices.DeleteFunc(open, func(f F) bool { return seen[index[f.base()]] })
					var err error
					if release, err = blocking(ctx, open, FirstCompleted); err != nil {
						var zero F
						yield(zero, err)
						return
					}
				}
				select {
				case <-w.signal:
					release()
					continue
				case <-ctx.Done():
				}
				release()
				if q = w.take(); len(q) == 0 {
					var zero F
					yield(zero, waitError(ctx, fmt.Sprintf("%d (of %d) futures unfinished", total-yielded, total)))
					return
				}
			}
			for _, c := range q {
				yielded++
				if hooked {
					seen[index[c]] = true
				}
				if !yield(uniq[index[c]], nil) {
					return
				}
			}
		}
	}
}

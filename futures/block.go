package futures

import "context"

// BlockHookKey is the context key under which the waits of this package
// ([Future.Result], [Future.Exception], [Wait], [AsCompleted]) look for a
// [BlockHook] before they block.
type BlockHookKey struct{}

// BlockHook is told when a goroutine is about to block on futures with a
// context that carries the hook under [BlockHookKey]. An executor puts one
// in its tasks' contexts to see a task wait for futures, and to refuse a
// wait that can never end (a task waiting for a task queued behind it with
// no worker left to run it) instead of letting it hang.
type BlockHook interface {
	// Blocking is called before a wait within ctx (the context the wait
	// was given, which may carry a deadline that ends it by itself) for
	// fs, the futures of the wait that are not done yet: until one of
	// them is done (when is FirstCompleted: Result, Exception, each step
	// of AsCompleted, Wait with FirstCompleted), until one fails or all
	// are done (FirstException), or until all are done (AllCompleted). A
	// non-nil error ends the wait at once: Result and Exception return
	// it, AsCompleted yields it, and Wait returns what is done so far, as
	// when its ctx ends. Otherwise done is called when the wait ends.
	Blocking(ctx context.Context, fs []Awaitable, when ReturnWhen) (done func(), err error)
}

func blockHook(ctx context.Context) BlockHook {
	h, _ := ctx.Value(BlockHookKey{}).(BlockHook)
	return h
}

// blocking tells the hook of ctx, if it has one, of a wait for fs, unless
// the wait ends at once (for FirstCompleted, one of fs is done; for
// FirstException, one failed), with those of fs not done; done is never
// nil. Done futures are left out only then: one that completes meanwhile
// is passed, and the hook sees it done.
func blocking[F Awaitable](ctx context.Context, fs []F, when ReturnWhen) (done func(), err error) {
	h := blockHook(ctx)
	if h == nil {
		return func() {}, nil
	}
	open := make([]Awaitable, 0, len(fs))
	for _, f := range fs {
		switch {
		case !f.IsDone():
			open = append(open, f)
		case when == FirstCompleted, when == FirstException && f.base().failedWithException():
			return func() {}, nil // the wait ends at once
		}
	}
	if len(open) == 0 {
		return func() {}, nil
	}
	done, err = h.Blocking(ctx, open, when)
	if err != nil {
		return nil, err
	}
	if done == nil {
		done = func() {}
	}
	return done, nil
}

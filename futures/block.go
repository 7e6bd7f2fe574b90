package futures

import "context"

// BlockHookKey is the context key under which [Future.Result] and
// [Future.Exception] look for a [BlockHook] before they block.
type BlockHookKey struct{}

// BlockHook is told when a goroutine is about to block on a future with a
// context that carries the hook under [BlockHookKey]. An executor puts one
// in its tasks' contexts to see a task wait for a future, and to refuse a
// wait that can never end (a task waiting for a task queued behind it with
// no worker left to run it) instead of letting it hang.
type BlockHook interface {
	// Blocking is called before a wait for f within ctx (the context the
	// wait was given, which may carry a deadline that ends it by itself). A
	// non-nil error ends the wait at once with that error; otherwise done
	// is called when the wait ends.
	Blocking(ctx context.Context, f Awaitable) (done func(), err error)
}

func blockHook(ctx context.Context) BlockHook {
	h, _ := ctx.Value(BlockHookKey{}).(BlockHook)
	return h
}

package pools

import (
	"context"
	"fmt"
)

// goexitSafeDispatcher is protoactor-go's goroutine dispatcher, made to
// survive runtime.Goexit in a task. protoactor-go runs a mailbox in one
// goroutine and marks it idle only when that goroutine returns; a task that
// calls Goexit kills the goroutine midway and would leave the worker's
// mailbox marked busy forever. Here the mailbox loop, if it does not return,
// is started again in a new goroutine. (Panics never get this far:
// protoactor-go recovers them.)
type goexitSafeDispatcher struct{ throughput int }

func (d goexitSafeDispatcher) Schedule(fn func()) { go d.run(fn) }

func (d goexitSafeDispatcher) run(fn func()) {
	returned := false
	defer func() {
		if !returned {
			go d.run(fn)
		}
	}()
	fn()
	returned = true
}

func (d goexitSafeDispatcher) Throughput() int { return d.throughput }

// callInitializer runs an initializer, turning a panic into an error.
func callInitializer(ctx context.Context, fn func(context.Context) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("initializer panicked: %v", r)
		}
	}()
	return fn(ctx)
}

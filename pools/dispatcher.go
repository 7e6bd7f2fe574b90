package pools

import (
	"context"
	"runtime/debug"

	"github.com/actorfutures/actorfutures/futures"
)

// workerDispatcher runs one worker actor's mailbox on a goroutine of its
// own that waits between batches of messages, instead of protoactor-go's
// default of a new goroutine for every batch: waking an idle worker then
// costs a channel send, not a goroutine start, which halves a task's round
// trip. The goroutine ends when the worker stops (stop).
//
// It also survives runtime.Goexit in a task. protoactor-go marks a mailbox
// idle only when its processing function returns; a task that calls Goexit
// kills the goroutine midway, which would leave the worker's mailbox marked
// busy forever. Here the loop, if it does not return, carries on in a new
// goroutine, finishing the interrupted batch first. (Panics never get this
// far: protoactor-go recovers them.)
type workerDispatcher struct {
	batches chan func()
	done    chan struct{}
}

func newWorkerDispatcher() *workerDispatcher {
	d := &workerDispatcher{batches: make(chan func(), 1), done: make(chan struct{})}
	go d.loop(nil)
	return d
}

// Schedule hands the mailbox's processing function to the goroutine.
// protoactor-go schedules a mailbox only when it is idle, so at most one
// batch is ever waiting. After stop, batches are dropped: the actor is
// dead and its mailbox will not be processed again.
func (d *workerDispatcher) Schedule(fn func()) {
	select {
	case d.batches <- fn:
	case <-d.done:
	}
}

func (d *workerDispatcher) Throughput() int { return 300 }

// stop ends the goroutine once it is between batches.
func (d *workerDispatcher) stop() { close(d.done) }

// loop runs batches until stop; resume is a batch cut short by Goexit.
func (d *workerDispatcher) loop(resume func()) {
	var current func()
	defer func() {
		if current != nil { // runtime.Goexit inside a batch
			go d.loop(current)
		}
	}()
	if resume != nil {
		current = resume
		resume()
		current = nil
	}
	for {
		select {
		case fn := <-d.batches:
			current = fn
			fn()
			current = nil
		case <-d.done:
			return
		}
	}
}

// callInitializer runs an initializer, turning a panic into a
// *futures.PanicError with the initializer's stack.
func callInitializer(ctx context.Context, fn func(context.Context) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &futures.PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	return fn(ctx)
}

package futures_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/futures"
	"github.com/asynkron/protoactor-go/actor"
)

// A future completed from another goroutine, read with a deadline.
func ExampleFuture_Result() {
	f := futures.Go(context.Background(), func(context.Context) (string, error) {
		return "Operation completed", nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	v, err := f.Result(ctx)
	fmt.Println(v, err)
	// Output: Operation completed <nil>
}

// A wait that gives up: the future is still pending afterwards.
func ExampleFuture_Result_timeout() {
	f := futures.New[int]()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := f.Result(ctx)
	fmt.Println(errors.Is(err, futures.ErrTimeout), errors.Is(err, context.DeadlineExceeded), f.State())
	// Output: true true pending
}

// Callbacks run in order when the future completes, or at once if it
// already has.
func ExampleFuture_AddDoneCallback() {
	f := futures.New[int]()
	f.AddDoneCallback(func(f *futures.Future[int]) {
		v, _ := f.Value()
		fmt.Println("first callback:", v)
	})
	f.AddDoneCallback(func(*futures.Future[int]) { fmt.Println("second callback") })
	_ = f.SetResult(10)
	f.AddDoneCallback(func(*futures.Future[int]) { fmt.Println("added after completion") })
	// Output:
	// first callback: 10
	// second callback
	// added after completion
}

// Cancel works only while the future is pending.
func ExampleFuture_Cancel() {
	pending := futures.New[int]()
	fmt.Println(pending.Cancel(), pending.State())
	running := futures.New[int]()
	running.SetRunningOrNotifyCancel()
	fmt.Println(running.Cancel(), running.State())
	_, err := pending.Result(context.Background())
	fmt.Println(err)
	// Output:
	// true cancelled
	// false running
	// futures: cancelled
}

// SetException and Exception: the task's error, not a failure to wait.
func ExampleFuture_Exception() {
	f := futures.New[int]()
	_ = f.SetException(errors.New("Something went wrong"))
	taskErr, err := f.Exception(context.Background())
	fmt.Println(taskErr, err)
	// Output: Something went wrong <nil>
}

// An actor completes a future by sending it a message.
func ExampleFuture_PID() {
	sys := actors.NewSystem()
	defer sys.Shutdown(context.Background())
	worker := sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		if reply, ok := ctx.Message().(*actor.PID); ok {
			ctx.Send(reply, &futures.SetResult{Value: "computed by an actor"})
		}
	}))
	f := futures.NewIn[string](sys.ActorSystem)
	sys.Root.Send(worker, f.PID())
	v, _ := f.Result(context.Background())
	fmt.Println(v)
	// Output: computed by an actor
}

// Wait for the first of several futures, then cancel the rest.
func ExampleWait() {
	fast, slow := futures.New[string](), futures.New[string]()
	go func() { _ = fast.SetResult("fast") }()
	done, notDone := futures.Wait(context.Background(), []*futures.Future[string]{slow, fast}, futures.FirstCompleted)
	for _, f := range done {
		v, _ := f.Value()
		fmt.Println("done:", v)
	}
	for _, f := range notDone {
		fmt.Println("cancelled:", f.Cancel())
	}
	// Output:
	// done: fast
	// cancelled: true
}

// AsCompleted yields futures in the order they finish.
func ExampleAsCompleted() {
	a, b := futures.New[string](), futures.Resolved("already done")
	for f, err := range futures.AsCompleted(context.Background(), []*futures.Future[string]{a, b}) {
		if err != nil {
			fmt.Println(err)
			break
		}
		v, _ := f.Value()
		fmt.Println(v)
		if f == b {
			_ = a.SetResult("finished later")
		}
	}
	// Output:
	// already done
	// finished later
}

// Chaining a stage onto a future with Then.
func ExampleThen() {
	fetched := futures.New[string]()
	processed := futures.Then(fetched, func(s string) (int, error) { return len(s), nil })
	_ = fetched.SetResult("payload")
	n, _ := processed.Result(context.Background())
	fmt.Println(n)
	// Output: 7
}

// AllOf is asyncio's gather(return_exceptions=True): every outcome, in
// order, errors included.
func ExampleAllOf() {
	all := futures.AllOf(futures.Resolved(1), futures.Failed[int](errors.New("bad input")), futures.Resolved(3))
	outcomes, _ := all.Result(context.Background())
	for _, o := range outcomes {
		fmt.Println(o.Value, o.Err)
	}
	// Output:
	// 1 <nil>
	// 0 bad input
	// 3 <nil>
}

// FirstSuccess takes the first value that is not an error, say from
// mirrors of the same service.
func ExampleFirstSuccess() {
	primary, mirror := futures.New[string](), futures.New[string]()
	first := futures.FirstSuccess(primary, mirror)
	_ = primary.SetException(errors.New("primary down"))
	_ = mirror.SetResult("from the mirror")
	v, err := first.Result(context.Background())
	fmt.Println(v, err)
	// Output: from the mirror <nil>
}

// Interrupt stops a running task that watches its context, which Python
// cannot do.
func ExampleFuture_Interrupt() {
	started := make(chan struct{})
	f := futures.Go(context.Background(), func(ctx context.Context) (int, error) {
		close(started)
		<-ctx.Done()
		return 0, ctx.Err()
	})
	<-started
	fmt.Println(f.Cancel(), f.Interrupt())
	_, err := f.Result(context.Background())
	fmt.Println(errors.Is(err, futures.ErrCancelledWhileRunning), f.State())
	// Output:
	// false true
	// true cancelled
}

// Submitting several tasks and reading their results in submission order,
// like [f.result() for f in fs] in Python.
func ExampleGo() {
	ctx := context.Background()
	var fs []*futures.Future[int]
	for _, n := range []int{1, 2, 3} {
		fs = append(fs, futures.Go(ctx, func(context.Context) (int, error) { return n * n, nil }))
	}
	for _, f := range fs {
		v, err := f.Result(ctx)
		fmt.Println(v, err)
	}
	// Output:
	// 1 <nil>
	// 4 <nil>
	// 9 <nil>
}

// A task's panic reaches Result as a *PanicError with the value and stack.
func ExamplePanicError() {
	f := futures.Go(context.Background(), func(context.Context) (int, error) {
		panic("division by zero")
	})
	_, err := f.Result(context.Background())
	var pe *futures.PanicError
	fmt.Println(errors.As(err, &pe), pe.Value, len(pe.Stack) > 0)
	// Output: true division by zero true
}

// The executor side: claim a future before running its task, and skip the
// task if the future was cancelled while queued.
func ExampleFuture_SetRunningOrNotifyCancel() {
	queue := []*futures.Future[string]{futures.New[string](), futures.New[string]()}
	queue[1].Cancel() // the caller changed its mind
	for i, f := range queue {
		if !f.SetRunningOrNotifyCancel() {
			fmt.Println(i, "skipped:", f.State())
			continue
		}
		futures.Run(f, func() (string, error) { return "ran", nil })
		v, _ := f.Value()
		fmt.Println(i, v)
	}
	// Output:
	// 0 ran
	// 1 skipped: cancelled
}

// FIRST_EXCEPTION: return as soon as a task fails.
func ExampleWait_firstException() {
	ok, failing, slow := futures.Resolved("ok"), futures.New[string](), futures.New[string]()
	go func() { _ = failing.SetException(errors.New("disk full")) }()
	done, notDone := futures.Wait(context.Background(), []*futures.Future[string]{ok, failing, slow}, futures.FirstException)
	fmt.Println(len(done), "done,", len(notDone), "not done")
	for _, f := range done {
		if err := f.Err(); err != nil {
			fmt.Println("failed:", err)
		}
	}
	slow.Cancel()
	// Output:
	// 2 done, 1 not done
	// failed: disk full
}

// A wait bounded by a context returns what is done so far, not an error.
func ExampleWait_timeout() {
	finished, stuck := futures.Resolved(1), futures.New[int]()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	done, notDone := futures.Wait(ctx, []*futures.Future[int]{finished, stuck}, futures.AllCompleted)
	fmt.Println(len(done), "done,", len(notDone), "not done")
	// Output: 1 done, 1 not done
}

// AsCompleted with a deadline ends with an error that says how many
// futures are unfinished.
func ExampleAsCompleted_timeout() {
	finished, stuck := futures.Resolved("quick"), futures.New[string]()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	for f, err := range futures.AsCompleted(ctx, []*futures.Future[string]{finished, stuck}) {
		if err != nil {
			fmt.Println(err, errors.Is(err, futures.ErrTimeout))
			break
		}
		v, _ := f.Value()
		fmt.Println(v)
	}
	// Output:
	// quick
	// futures: timeout: 1 (of 2) futures unfinished true
}

// An actor subscribes to a future and learns of its completion as a
// message in its mailbox, without blocking.
func ExampleNotify() {
	sys := actors.NewSystem()
	defer sys.Shutdown(context.Background())
	got := make(chan string)
	listener := sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		if c, ok := ctx.Message().(*futures.Completed); ok {
			got <- fmt.Sprintf("%s: %v", c.State, c.Value)
		}
	}))
	f := futures.NewIn[int](sys.ActorSystem)
	if _, err := futures.Notify(nil, f, listener); err != nil {
		fmt.Println(err)
		return
	}
	_ = f.SetResult(42)
	fmt.Println(<-got)
	// Output: finished: 42
}

// An actor awaits a future the way an asyncio coroutine does: the
// continuation runs inside the actor when the future completes, and the
// actor keeps handling messages meanwhile.
func ExampleAwait() {
	sys := actors.NewSystem()
	defer sys.Shutdown(context.Background())
	out := make(chan string)
	price := futures.NewIn[float64](sys.ActorSystem)
	shop := sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		switch m := ctx.Message().(type) {
		case string:
			if m == "quote" {
				futures.Await(ctx, price, func(p float64, err error) {
					out <- fmt.Sprintf("quote ready: %.2f (for %q)", p, ctx.Message())
				})
				out <- "awaiting the price"
				return
			}
			out <- "still serving: " + m
		}
	}))
	sys.Root.Send(shop, "quote")
	fmt.Println(<-out)
	sys.Root.Send(shop, "hello")
	fmt.Println(<-out)
	_ = price.SetResult(9.5)
	fmt.Println(<-out)
	// Output:
	// awaiting the price
	// still serving: hello
	// quote ready: 9.50 (for "quote")
}

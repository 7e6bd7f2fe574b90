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

// Chaining stages with Then, gathering with AllOf.
func ExampleThen() {
	fetched := futures.New[string]()
	processed := futures.Then(fetched, func(s string) (int, error) { return len(s), nil })
	_ = fetched.SetResult("payload")
	n, _ := processed.Result(context.Background())
	fmt.Println(n)

	outcomes, _ := futures.AllOf(futures.Resolved(1), futures.Failed[int](errors.New("bad input"))).Result(context.Background())
	for _, o := range outcomes {
		fmt.Println(o.Value, o.Err)
	}
	// Output:
	// 7
	// 1 <nil>
	// 0 bad input
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

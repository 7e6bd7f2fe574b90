// Handmade: futures made and completed by hand, without an executor.
//
// A future is completed from a goroutine; an actor completes one by sending
// it a message; another actor awaits a future without blocking its mailbox,
// and a third is told of a completion by a message; one shared future is a
// start signal that releases several workers at once; and a tiny executor,
// written by hand, shows the executor's side of a future.
//
//	go run ./examples/handmade            # 0.1 s per tutorial second
//	go run ./examples/handmade -scale=1   # the tutorial's timings
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/futures"
	"github.com/asynkron/protoactor-go/actor"
)

func main() {
	scale := flag.Float64("scale", 0.1, "length of one of the tutorial's seconds, in seconds")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, os.Stdout, seconds(*scale)); err != nil {
		fmt.Fprintln(os.Stderr, "handmade:", err)
		os.Exit(1)
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// run prints the examples to out; second is how long one of the tutorial's
// seconds lasts.
func run(ctx context.Context, out io.Writer, second time.Duration) error {
	if second < 0 {
		return errors.New("the scale must not be negative")
	}
	say := log.New(out, "", 0)
	sys := actors.NewSystem()
	defer sys.Shutdown(context.Background())

	for _, step := range []func(context.Context, *log.Logger, *actors.System, time.Duration) error{
		fromGoroutine, fromActor, subscribed, startSignal, ownExecutor,
	} {
		if err := step(ctx, say, sys, second); err != nil {
			return err
		}
	}
	return sys.Shutdown(ctx)
}

// fromGoroutine: a future is a container for a value that will be there;
// whoever computes the value sets it.
func fromGoroutine(ctx context.Context, say *log.Logger, _ *actors.System, second time.Duration) error {
	say.Print("== a future completed from a goroutine")
	future := futures.New[int]()
	go func() {
		time.Sleep(second) // the background computation
		sum := 0
		for i := range 1_000_000 {
			sum += i
		}
		_ = future.SetResult(sum)
	}()
	say.Printf("Done yet? %v", future.IsDone())
	result, err := future.Result(ctx) // blocks until the value is there
	if err != nil {
		return err
	}
	say.Printf("Result: %d (done: %v)", result, future.IsDone())
	return nil
}

// produce asks an actor to produce a value into the future at reply.
type produce struct{ reply *actor.PID }

// consume asks the consumer actor for a value, to be sent to reply.
type consume struct{ reply *actor.PID }

// ping checks that an actor answers while it awaits a future.
type ping struct{ reply *actor.PID }

// fromActor: futures have addresses. The producer actor completes a
// future by sending a message to its PID; the consumer actor awaits that
// future without blocking its mailbox, and answers the caller through a
// future of the caller's own.
func fromActor(ctx context.Context, say *log.Logger, sys *actors.System, second time.Duration) error {
	say.Print("== a future completed by an actor, awaited by another")
	producer := sys.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		if m, ok := c.Message().(produce); ok {
			// An actor must not sleep in Receive: it sends later.
			root := c.ActorSystem().Root
			time.AfterFunc(second, func() {
				root.Send(m.reply, &futures.SetResult{Value: "Async result ready!"})
			})
		}
	}))
	consumer := sys.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		switch m := c.Message().(type) {
		case consume:
			value := futures.NewIn[string](c.ActorSystem())
			c.Send(producer, produce{reply: value.PID()})
			futures.Await(c, value, func(v string, err error) {
				// Runs inside the consumer, as the handling of m resumed.
				if err != nil {
					c.Send(m.reply, &futures.SetException{Err: err})
					return
				}
				c.Send(m.reply, &futures.SetResult{Value: strings.ToUpper(v)})
			})
		case ping:
			c.Send(m.reply, &futures.SetResult{Value: "pong"})
		}
	}))

	answer := futures.NewIn[string](sys.ActorSystem)
	sys.Root.Send(consumer, consume{reply: answer.PID()})
	// While it awaits the producer, the consumer still reads its mailbox.
	pong := futures.NewIn[string](sys.ActorSystem)
	sys.Root.Send(consumer, ping{reply: pong.PID()})
	p, err := pong.Result(ctx)
	if err != nil {
		return err
	}
	say.Printf("the consumer answers %q while it waits (answer done: %v)", p, answer.IsDone())
	v, err := answer.Result(ctx)
	if err != nil {
		return err
	}
	say.Print(v)
	return nil
}

// subscribed: an actor learns of a completion from a *futures.Completed
// message, like any other message.
func subscribed(ctx context.Context, say *log.Logger, sys *actors.System, second time.Duration) error {
	say.Print("== an actor subscribed to a future")
	heard := futures.New[string]()
	monitor := sys.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		if m, ok := c.Message().(*futures.Completed); ok {
			_ = heard.SetResult(fmt.Sprintf("monitor: a future is %v with %v, error %v", m.State, m.Value, m.Err))
		}
	}))
	job := futures.NewIn[int](sys.ActorSystem)
	if _, err := futures.Notify(nil, job, monitor); err != nil {
		return err
	}
	go func() {
		time.Sleep(second)
		_ = job.SetResult(42)
	}()
	msg, err := heard.Result(ctx)
	if err != nil {
		return err
	}
	say.Print(msg)
	return nil
}

// startSignal: one future, many waiters, all released by one SetResult.
func startSignal(ctx context.Context, say *log.Logger, _ *actors.System, second time.Duration) error {
	say.Print("== a start signal shared by three workers")
	start := futures.New[string]()
	var workers []*futures.Future[string]
	for id := range 3 {
		workers = append(workers, futures.Go(ctx, func(ctx context.Context) (string, error) {
			data, err := start.Result(ctx) // every worker waits for the same future
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("Worker %d processed %s", id, data), nil
		}))
	}
	time.Sleep(second / 10) // let the workers get ready
	say.Printf("workers waiting: %d", countPending(workers))
	_ = start.SetResult("shared data")
	results, err := futures.AllOf(workers...).Result(ctx) // asyncio.gather
	if err != nil {
		return err
	}
	for _, r := range results {
		if r.Err != nil {
			return r.Err
		}
		say.Print(r.Value)
	}
	return nil
}

func countPending(fs []*futures.Future[string]) int {
	n := 0
	for _, f := range fs {
		if !f.IsDone() {
			n++
		}
	}
	return n
}

// ownExecutor: the executor's side of a future. An executor checks that a
// future was not cancelled before it runs the task
// (SetRunningOrNotifyCancel), and completes it with the task's outcome
// (Run, which also turns a panic into an error).
func ownExecutor(ctx context.Context, say *log.Logger, _ *actors.System, _ time.Duration) error {
	say.Print("== an executor written by hand")
	ex := newSerialExecutor()
	gate := futures.New[struct{}]() // holds the first task, so we can cancel the others in time
	first := submit(ex, func() (string, error) {
		_, err := gate.Result(ctx)
		return "first ran", err
	})
	second := submit(ex, func() (string, error) { return "second ran", nil })
	third := submit(ex, func() (string, error) { panic("the third task panics") })
	say.Printf("cancel the second while it waits: %v", second.Cancel())
	_ = gate.SetResult(struct{}{})
	ex.close()
	for _, f := range []*futures.Future[string]{first, second, third} {
		v, err := f.Result(ctx)
		var panicked *futures.PanicError
		switch {
		case errors.Is(err, futures.ErrCancelled):
			say.Print("cancelled: the executor never ran it")
		case errors.As(err, &panicked):
			say.Printf("failed: the task panicked: %v", panicked.Value)
		case err != nil:
			return err
		default:
			say.Print(v)
		}
	}
	return nil
}

// serialExecutor runs tasks one at a time on a goroutine of its own.
type serialExecutor struct {
	jobs chan func()
	done chan struct{}
}

func newSerialExecutor() *serialExecutor {
	ex := &serialExecutor{jobs: make(chan func(), 16), done: make(chan struct{})}
	go func() {
		defer close(ex.done)
		for job := range ex.jobs {
			job()
		}
	}()
	return ex
}

// submit queues fn and returns its future; a generic function, since Go
// methods cannot have type parameters.
func submit[T any](ex *serialExecutor, fn func() (T, error)) *futures.Future[T] {
	f := futures.New[T]()
	ex.jobs <- func() {
		if !f.SetRunningOrNotifyCancel() {
			return // cancelled while it waited: its waiters already know
		}
		futures.Run(f, fn)
	}
	return f
}

// close runs what is queued and stops the executor's goroutine.
func (ex *serialExecutor) close() {
	close(ex.jobs)
	<-ex.done
}

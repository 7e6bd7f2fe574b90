// Supervision: workers that crash are restarted by their supervisor, and
// no request is lost.
//
// Part one is plain actors: a flaky sensor actor, supervised one-for-one
// with a restart intensity and a jittered exponential backoff. Every third
// read panics; the read's future fails at once with the panic (the policy
// fails the message in flight), and the sensor comes back after its
// backoff. The supervision events are printed as they happen.
//
// Part two is the actor pool: some tasks panic, their futures hold the
// panic, the pool's supervisor restarts the crashed workers, and the
// other tasks are served all along.
//
//	go run ./examples/supervision
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/asynkron/protoactor-go/actor"
)

func main() {
	scale := flag.Float64("scale", 1, "multiply the backoff delays by this")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, os.Stdout, *scale); err != nil {
		fmt.Fprintln(os.Stderr, "supervision:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, scale float64) error {
	if err := sensors(ctx, out, scale); err != nil {
		return err
	}
	return flakyTasks(ctx, out)
}

// read asks a sensor for a reading. It carries the future to answer, and
// implements supervisor.Failable so that a read whose handling panics is
// failed at once instead of vanishing.
type read struct{ reply *futures.Future[float64] }

func (r *read) Fail(err error) { _ = r.reply.SetException(err) }

// sensor is an actor whose hardware fails on every third read.
type sensor struct{ reads int }

func (s *sensor) Receive(ctx actor.Context) {
	if r, ok := ctx.Message().(*read); ok {
		s.reads++
		if s.reads%3 == 0 {
			panic("flaky hardware")
		}
		_ = r.reply.SetResult(20 + float64(s.reads)/10)
	}
}

// station is the sensor's parent and supervisor.
type station struct {
	sensorProps *actor.Props
	sensor      *actor.PID
}

func (s *station) Receive(ctx actor.Context) {
	switch ctx.Message().(type) {
	case *actor.Started:
		s.sensor, _ = ctx.SpawnNamed(s.sensorProps, "sensor")
	case *read:
		ctx.Forward(s.sensor)
	}
}

func sensors(ctx context.Context, out io.Writer, scale float64) error {
	sys := actors.NewSystem()
	defer sys.Shutdown(context.Background())

	backoff := supervisor.ExponentialBackoff(time.Duration(scale*float64(20*time.Millisecond)), time.Duration(scale*float64(time.Second)))
	policy := supervisor.OneForOne(
		supervisor.WithIntensity(5, time.Minute),
		supervisor.WithBackoff(backoff),
		supervisor.WithSeed(1), // the same jitter on every run
	)
	events := policy.Events().Subscribe()
	defer events.Close()

	sensorProps := actor.PropsFromProducer(func() actor.Actor { return &sensor{} },
		actor.WithReceiverMiddleware(policy.Middleware()...)) // stacks and Started events
	st, err := sys.Root.SpawnNamed(actor.PropsFromProducer(func() actor.Actor { return &station{sensorProps: sensorProps} },
		actor.WithSupervisor(policy)), "station")
	if err != nil {
		return err
	}

	fmt.Fprintln(out, "part one: a flaky sensor under a supervisor")
	for i := 1; i <= 6; i++ {
		r := &read{reply: futures.New[float64]()}
		sys.Root.Send(st, r)
		v, err := r.reply.Result(ctx)
		var pe *futures.PanicError
		switch {
		case errors.As(err, &pe):
			fmt.Fprintf(out, "  read %d: failed at once: %v\n", i, pe.Value)
			// The sensor is restarted after its backoff; reads sent meanwhile
			// wait in its mailbox. Here we wait to print the events in order.
			if err := policy.Events().WaitBack(ctx, st.Id+"/sensor"); err != nil {
				return err
			}
		case err != nil:
			return err
		default:
			fmt.Fprintf(out, "  read %d: %.1f °C\n", i, v)
		}
	}
	events.Close()
	fmt.Fprintln(out, "  supervision events:")
	for ev := range events.All(ctx) {
		switch ev.Kind {
		case supervisor.Restarted:
			fmt.Fprintf(out, "    %s restarted, attempt %d, after %v (jittered, at most %v)\n",
				ev.Child, ev.Attempt, ev.Delay.Round(100*time.Microsecond), backoff.Ceiling(ev.Attempt))
		default:
			fmt.Fprintf(out, "    %s %v\n", ev.Child, ev.Kind)
		}
	}
	c := policy.Events().Counts(st.Id + "/sensor")
	fmt.Fprintf(out, "  sensor: %d failures, %d restarts, %d starts\n", c.Failures, c.Restarts, c.Starts)
	return nil
}

func flakyTasks(ctx context.Context, out io.Writer) error {
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(2))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())

	fmt.Fprintln(out, "part two: tasks that crash their workers")
	var fs []*futures.Future[int]
	for i := range 10 {
		fs = append(fs, pools.Submit(ctx, pool, func(context.Context) (int, error) {
			if i%4 == 3 {
				panic(fmt.Sprintf("task %d hit a bug", i))
			}
			return i * i, nil
		}))
	}
	for i, f := range fs {
		v, err := f.Result(ctx)
		var pe *futures.PanicError
		switch {
		case errors.As(err, &pe):
			fmt.Fprintf(out, "  task %d: panicked: %v\n", i, pe.Value)
		case err != nil:
			return err
		default:
			fmt.Fprintf(out, "  task %d: %d\n", i, v)
		}
	}
	if err := pool.WaitIdle(ctx); err != nil {
		return err
	}
	tot := pool.Events().Totals()
	fmt.Fprintf(out, "  the pool's supervisor: %d failures, %d restarts; the pool still serves: ", tot.Failures, tot.Restarts)
	v, err := pools.Submit(ctx, pool, func(context.Context) (string, error) { return "yes", nil }).Result(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, v)
	return nil
}

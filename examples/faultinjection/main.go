// Fault injection: prove that a service built on the actor pool survives
// crashing and failing workers, with no change to its code.
//
// The service charges orders on an actor pool and retries the charges
// that fail. main runs it with the pool's tasks made to panic, fail and
// stall at random (seeded, so every run is the same), and prints what
// happened. main_test.go is the test a user of the library would write
// for such a service: every order charged exactly once, or reported as
// failed after its retries, whatever the injected faults.
//
//	go run ./examples/faultinjection -seed 7 -panic 0.05 -error 0.1
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/supervisor"
)

func main() {
	seed := flag.Uint64("seed", 7, "seed of the injected faults")
	pPanic := flag.Float64("panic", 0.05, "probability that a task panics")
	pError := flag.Float64("error", 0.10, "probability that a task fails")
	n := flag.Int("orders", 500, "number of orders")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	inj := supervisor.NewInjector(*seed,
		supervisor.PanicWithProbability(*pPanic),
		supervisor.ErrorWithProbability(*pError, errors.New("payment gateway timeout")),
		supervisor.LatencyWithProbability(0.02, time.Millisecond))
	if err := run(ctx, os.Stdout, inj, *n); err != nil {
		fmt.Fprintln(os.Stderr, "faultinjection:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, inj *supervisor.Injector, n int) error {
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(4), pools.WithFaults(inj),
		// Crashes are expected here: allow many restarts.
		pools.WithSupervisor(supervisor.OneForOne(supervisor.WithIntensity(1000, time.Minute))))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())

	svc := NewService(pool, 4)
	r, err := svc.ChargeAll(ctx, orders(n))
	if err != nil {
		return err
	}
	if err := pool.WaitIdle(ctx); err != nil {
		return err
	}
	fmt.Fprintf(out, "%d orders: %d charged, %d given up after %d attempts, %d attempts in all\n",
		n, len(r.Charged), len(r.Failed), svc.attempts, r.Attempts)
	c := inj.Counts()
	fmt.Fprintf(out, "injected: %d panics, %d errors, %d delays\n", c[supervisor.Panic], c[supervisor.Error], c[supervisor.Latency])
	tot := pool.Events().Totals()
	fmt.Fprintf(out, "supervisor: %d worker crashes, %d restarts\n", tot.Failures, tot.Restarts)
	fmt.Fprintf(out, "ledger: %d charges, %d cents\n", svc.ledger.count(), svc.ledger.total())
	return nil
}

// Order is something to charge.
type Order struct {
	ID    int
	Cents int
}

func orders(n int) []Order {
	out := make([]Order, n)
	for i := range out {
		out[i] = Order{ID: i + 1, Cents: 100 + i%50}
	}
	return out
}

// Service charges orders on an executor, retrying failed charges.
type Service struct {
	ex       pools.Executor
	attempts int
	ledger   ledger
}

// NewService returns a service that tries each charge up to attempts times.
func NewService(ex pools.Executor, attempts int) *Service {
	return &Service{ex: ex, attempts: attempts, ledger: ledger{charges: map[int]int{}}}
}

// Report is what ChargeAll did.
type Report struct {
	Charged  []int         // order IDs, sorted
	Failed   map[int]error // order ID: the last error
	Attempts int
}

// ChargeAll charges every order, retrying each failure (an error or a
// crash of the worker) until it succeeds or runs out of attempts.
func (s *Service) ChargeAll(ctx context.Context, orders []Order) (Report, error) {
	r := Report{Failed: map[int]error{}}
	tries := map[int]int{}
	byFuture := map[*futures.Future[int]]Order{}
	submit := func(o Order) *futures.Future[int] {
		tries[o.ID]++
		r.Attempts++
		f := pools.Submit(ctx, s.ex, func(context.Context) (int, error) { return s.ledger.charge(o) })
		byFuture[f] = o
		return f
	}
	pending := make([]*futures.Future[int], 0, len(orders))
	for _, o := range orders {
		pending = append(pending, submit(o))
	}
	for len(pending) > 0 {
		var retry []*futures.Future[int]
		for f, err := range futures.AsCompleted(ctx, pending) {
			if err != nil {
				return r, err // ctx ended
			}
			o := byFuture[f]
			delete(byFuture, f)
			if _, err := f.Result(ctx); err == nil {
				r.Charged = append(r.Charged, o.ID)
			} else if tries[o.ID] < s.attempts {
				retry = append(retry, submit(o))
			} else {
				r.Failed[o.ID] = err
			}
		}
		pending = retry
	}
	slices.Sort(r.Charged)
	return r, nil
}

// ledger records charges; charging an order twice would be a bug.
type ledger struct {
	mu      sync.Mutex
	charges map[int]int
}

var errDoubleCharge = errors.New("order charged twice")

func (l *ledger) charge(o Order) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, dup := l.charges[o.ID]; dup {
		return 0, fmt.Errorf("%w: %d", errDoubleCharge, o.ID)
	}
	l.charges[o.ID] = o.Cents
	return o.Cents, nil
}

func (l *ledger) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.charges)
}

func (l *ledger) total() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := 0
	for _, c := range l.charges {
		t += c
	}
	return t
}

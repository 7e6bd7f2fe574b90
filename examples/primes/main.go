// Primes: the tutorials' CPU-bound primes count, on a process pool and on
// an actor pool, each timed against the sequential count.
//
// Python needs its ProcessPoolExecutor for this work: its threads take
// turns holding the interpreter lock, so a ThreadPoolExecutor runs Python
// code on one core at a time. Go has no such lock. An actor pool's workers
// are goroutines on every core, and they count as fast as a process pool,
// or faster: a process pool also pays for starting its children and for
// every input and result that crosses a pipe. In Go a process pool is for
// isolation (a task that may crash, leak or have to be killed), not for
// parallelism. The timings printed below show it; they vary from run to
// run and machine to machine.
//
// The count is a registered task (pools.Register), so the same handle
// runs on either pool: in this process on the actor pool, in a child
// process on the process pool. Children are this program re-executed,
// which is why main calls pools.WorkerMain first.
//
//	go run ./examples/primes                 # primes below 2,000,000
//	go run ./examples/primes -n=10000000     # the tutorial's range
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"log"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
)

// Range is the numbers from Start up to, not including, End.
type Range struct{ Start, End int }

// The tasks, registered at package init so that the children know them
// too. Their inputs and outputs cross the pipe gob-encoded.
var (
	// countPrimes is the tutorial's count_primes(start, end).
	countPrimes = pools.Register("primes.count", func(ctx context.Context, r Range) (int, error) {
		return count(ctx, r)
	})
	// smallestFactor is the tutorial's is_prime(n) that also says why not:
	// n itself for a prime.
	smallestFactor = pools.Register("primes.factor", func(_ context.Context, n int) (int, error) {
		return factor(n), nil
	})
	// sumOfSquares is the tutorial's cpu_intensive(n).
	sumOfSquares = pools.Register("primes.squares", func(_ context.Context, n int) (int, error) {
		sum := 0
		for i := range n {
			sum += i * i
		}
		return sum, nil
	})
)

// Config is what to count, and on how many workers.
type Config struct {
	N       int // count the primes in [1, N)
	Ranges  int // split into this many tasks
	Workers int // of each pool
}

func main() {
	pools.WorkerMain() // in a child process of the pool, this serves tasks and exits

	var cfg Config
	flag.IntVar(&cfg.N, "n", 2_000_000, "count the primes below this")
	flag.IntVar(&cfg.Ranges, "ranges", 4, "split the numbers into this many tasks")
	flag.IntVar(&cfg.Workers, "workers", runtime.NumCPU(), "workers of each pool")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "primes:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, cfg Config) error {
	switch {
	case cfg.N < 1:
		return errors.New("n must be at least 1")
	case cfg.Ranges < 1:
		return errors.New("ranges must be at least 1")
	case cfg.Workers < 1:
		return errors.New("workers must be at least 1")
	}
	say := log.New(out, "", 0)
	ranges := split(Range{1, cfg.N}, cfg.Ranges)

	say.Printf("== primes below %d in %d ranges, %d workers per pool, %d CPU cores", cfg.N, len(ranges), cfg.Workers, runtime.NumCPU())
	start := time.Now()
	seq, err := countPrimes.Call(ctx, Range{1, cfg.N})
	if err != nil {
		return err
	}
	base := time.Since(start)
	say.Printf("sequential:                 %d primes in %v", seq, base.Round(time.Millisecond))

	report := func(what string, took time.Duration, total int) {
		say.Printf("%-27s %d primes in %v (%.1fx)", what+":", total, took.Round(time.Millisecond),
			base.Seconds()/max(took.Seconds(), 1e-9))
	}

	// The actor pool runs the same registered task in this process.
	start = time.Now()
	actorPool, err := pools.NewActorPool(pools.WithMaxWorkers(cfg.Workers))
	if err != nil {
		return err
	}
	defer actorPool.Shutdown(context.Background())
	total, err := sum(countPrimes.Map(ctx, actorPool, slices.Values(ranges)))
	if err != nil {
		return err
	}
	report("actor pool", time.Since(start), total)
	if err := actorPool.Shutdown(ctx); err != nil {
		return err
	}

	// The process pool's first map pays for starting its children; the
	// second finds them ready.
	start = time.Now()
	procPool, err := pools.NewProcessPool(pools.WithMaxWorkers(cfg.Workers))
	if err != nil {
		return err
	}
	defer procPool.Shutdown(context.Background())
	total, err = sum(countPrimes.Map(ctx, procPool, slices.Values(ranges)))
	if err != nil {
		return err
	}
	report("process pool, starting", time.Since(start), total)
	start = time.Now()
	total, err = sum(countPrimes.Map(ctx, procPool, slices.Values(ranges)))
	if err != nil {
		return err
	}
	report("process pool, started", time.Since(start), total)

	if err := factors(ctx, say, procPool); err != nil {
		return err
	}
	if err := squares(ctx, say, procPool); err != nil {
		return err
	}
	limits(ctx, say, procPool)
	return procPool.Shutdown(ctx)
}

// factors is the tutorial's is_prime over 1000 to 1009, one task each,
// printed as they complete (so in any order). The tutorial prints
// "True is prime." for a prime and "False is prime." for the others; this
// prints the number, or its factors.
func factors(ctx context.Context, say *log.Logger, pool pools.Executor) error {
	say.Print("== 1000 to 1009, one task each, as completed")
	byFuture := map[*futures.Future[int]]int{}
	var fs []*futures.Future[int]
	for n := 1000; n < 1010; n++ {
		f := smallestFactor.Submit(ctx, pool, n)
		byFuture[f] = n
		fs = append(fs, f)
	}
	for f, err := range futures.AsCompleted(ctx, fs) {
		if err != nil {
			return err
		}
		d, err := f.Result(ctx)
		if err != nil {
			return err
		}
		if n := byFuture[f]; d == n {
			say.Printf("%d is prime", n)
		} else {
			say.Printf("%d = %d × %d", n, d, n/d)
		}
	}
	return nil
}

// squares is the tutorial's cpu_intensive over [10**6] * 3, with Map.
func squares(ctx context.Context, say *log.Logger, pool pools.Executor) error {
	say.Print("== sums of squares below 10^6, three tasks")
	var sums []int
	for s, err := range sumOfSquares.Map(ctx, pool, slices.Values([]int{1e6, 1e6, 1e6})) {
		if err != nil {
			return err
		}
		sums = append(sums, s)
	}
	say.Printf("%v", sums)
	return nil
}

// limits: a Go closure cannot cross to a child process, as a Python lambda
// cannot be pickled (the tutorial's executor.map(lambda r: ...) on a
// ProcessPoolExecutor fails with a PicklingError); the pool says so
// instead of running it.
func limits(ctx context.Context, say *log.Logger, pool pools.Executor) {
	say.Print("== a Go closure on the process pool")
	_, err := pools.Submit(ctx, pool, func(context.Context) (int, error) { return 42, nil }).Result(ctx)
	say.Printf("error: %v (ErrNotRegistered: %v)", err, errors.Is(err, pools.ErrNotRegistered))
}

// split cuts r into n ranges of nearly equal length. (The tutorial's
// range(start, end, chunk_size) makes five ranges of four, the last one
// from 9,999,997 to 12,499,996: it counts primes past its end.)
func split(r Range, n int) []Range {
	length := r.End - r.Start
	n = max(1, min(n, length))
	out := make([]Range, 0, n)
	for i := range n {
		out = append(out, Range{r.Start + length*i/n, r.Start + length*(i+1)/n})
	}
	return out
}

// count counts the primes in r, stopping early if ctx ends: a running
// task is cancelled through its context, here as in any other executor.
func count(ctx context.Context, r Range) (int, error) {
	total := 0
	for n := r.Start; n < r.End; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return 0, context.Cause(ctx)
		}
		if n >= 2 && factor(n) == n {
			total++
		}
	}
	return total, nil
}

// factor returns the smallest factor of n > 1, found by trial division as
// in the tutorial: n itself when n is prime.
func factor(n int) int {
	for d := 2; d*d <= n; d++ {
		if n%d == 0 {
			return d
		}
	}
	return n
}

func sum(results iter.Seq2[int, error]) (int, error) {
	total := 0
	for v, err := range results {
		if err != nil {
			return 0, err
		}
		total += v
	}
	return total, nil
}

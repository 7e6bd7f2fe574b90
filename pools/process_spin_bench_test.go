//go:build unix

package pools_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
)

// spinCases are the pools a spin benchmark compares: the default spin
// wait, and none.
var spinCases = []struct {
	name string
	opts []pools.Option
}{{"spin=default", nil}, {"spin=off", []pools.Option{pools.WithSpinWait(0)}}}

// BenchmarkProcessPoolRoundTripNoSpin is BenchmarkProcessPoolRoundTrip
// with WithSpinWait(0): children and workers sleep on their pipes as soon
// as nothing is there, and each message wakes its reader.
func BenchmarkProcessPoolRoundTripNoSpin(b *testing.B) {
	benchProcessPoolRoundTrip(b, pools.WithSpinWait(0))
}

// BenchmarkProcessPoolTrickle is what the spinning costs: a caller that
// submits one small task, waits for it, and then does other work (a sleep
// of 200 µs, which takes about a millisecond here), again and again: tasks
// come seldom, each is quick. It reports
// the CPU time the children and this process spent per task, with the
// default spin wait and without; the difference is the spinning's price.
func BenchmarkProcessPoolTrickle(b *testing.B) {
	for _, bc := range spinCases {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			self0, children0 := cpuTimes(b)
			p, err := pools.NewProcessPool(append([]pools.Option{pools.WithMaxWorkers(2)}, bc.opts...)...)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for b.Loop() {
				if _, err := identityTask.Submit(ctx, p, 1).Result(ctx); err != nil {
					b.Fatal(err)
				}
				time.Sleep(200 * time.Microsecond) // the caller's other work
				n++
			}
			if err := p.Shutdown(ctx); err != nil { // reaps the children: their time counts
				b.Fatal(err)
			}
			self1, children1 := cpuTimes(b)
			b.ReportMetric(float64((children1-children0).Microseconds())/float64(n), "children-cpu-µs/op")
			b.ReportMetric(float64((self1-self0).Microseconds())/float64(n), "parent-cpu-µs/op")
		})
	}
}

// burnTask keeps its CPU busy for the given time: a CPU-bound task.
var burnTask = pools.Register("bench.burn", func(_ context.Context, d time.Duration) (int, error) {
	n := 0
	for start := time.Now(); time.Since(start) < d; {
		n++
	}
	return n, nil
})

// BenchmarkProcessPoolBusy submits b.N CPU-bound tasks of 20 µs and of
// 200 µs to 2 children and waits for all: every CPU of this machine has a
// child at work, the case where polling would take CPU time from the tasks
// (the result readers then park at once, see resultSpins). Per task, with
// the default spin wait and without.
func BenchmarkProcessPoolBusy(b *testing.B) {
	for _, work := range []time.Duration{20 * time.Microsecond, 200 * time.Microsecond} {
		for _, bc := range spinCases {
			b.Run(fmt.Sprintf("task=%v/%s", work, bc.name), func(b *testing.B) {
				p := newBenchProcessPool(b, 2, bc.opts...)
				ctx := context.Background()
				submitAllAndWait(b, func(int) *futures.Future[int] { return burnTask.Submit(ctx, p, work) })
			})
		}
	}
}

// cpuTimes returns the CPU time (user and system) of this process and of
// its reaped children so far.
func cpuTimes(b *testing.B) (self, children time.Duration) {
	b.Helper()
	var s, c syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &s); err != nil {
		b.Fatal(err)
	}
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &c); err != nil {
		b.Fatal(err)
	}
	tv := func(t syscall.Timeval) time.Duration { return time.Duration(t.Nano()) }
	return tv(s.Utime) + tv(s.Stime), tv(c.Utime) + tv(c.Stime)
}

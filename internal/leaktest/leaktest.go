// Package leaktest wraps go.uber.org/goleak with the exceptions every
// package of this module needs.
package leaktest

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// Options are the goleak options shared by all packages: protoactor-go's
// dead-letter throttle starts a goroutine that lives for its throttle
// interval (one second by default) after a message went to dead letters;
// it is bounded and owned by the runtime, not a leak.
func Options() []goleak.Option {
	return []goleak.Option{
		goleak.IgnoreAnyFunction("github.com/asynkron/protoactor-go/actor.NewThrottle.func1.1"),
		goleak.IgnoreAnyFunction("github.com/asynkron/protoactor-go/actor.NewThrottleWithLogger.func1.1"),
		// The same goroutine when NewThrottle is inlined into NewDeadLetter.
		goleak.IgnoreAnyFunction("github.com/asynkron/protoactor-go/actor.NewDeadLetter.NewThrottle.func4.1"),
	}
}

// VerifyTestMain runs the tests and fails if goroutines are left behind.
// m is a *testing.M, or a wrapper whose Run also releases what the tests
// shared.
func VerifyTestMain(m goleak.TestingM, extra ...goleak.Option) {
	code := m.Run()
	if code == 0 {
		opts := append(append(Options(), extra...), Throttles()...)
		if err := goleak.Find(opts...); err != nil {
			fmt.Fprintf(os.Stderr, "goleak: Errors on successful test run: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// VerifyNone fails t if goroutines are left behind at this point.
func VerifyNone(t testing.TB, extra ...goleak.Option) {
	t.Helper()
	goleak.VerifyNone(t, append(append(Options(), extra...), Throttles()...)...)
}

// Throttles ignores the goroutines of protoactor-go's log throttles
// running now. Each throttle (actor.NewThrottle, NewThrottleWithLogger)
// starts one on its first event, which lives for the throttle's period:
// a second for dead letters, a minute for the cluster's gossip. They are
// bounded and owned by the runtime; their names depend on where the
// compiler inlined the throttle, so they are found by looking.
func Throttles() []goleak.Option {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var opts []goleak.Option
	for _, g := range bytes.Split(buf, []byte("\n\n")) {
		lines := strings.Split(string(g), "\n")
		if len(lines) < 2 {
			continue
		}
		fn := lines[1]
		if i := strings.LastIndexByte(fn, '('); i > 0 {
			fn = fn[:i]
		}
		if strings.HasPrefix(fn, "github.com/asynkron/protoactor-go/") && strings.Contains(fn, "NewThrottle") {
			opts = append(opts, goleak.IgnoreTopFunction(fn))
		}
	}
	return opts
}

// Package leaktest wraps go.uber.org/goleak with the exceptions every
// package of this module needs.
package leaktest

import (
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
func VerifyTestMain(m *testing.M, extra ...goleak.Option) {
	goleak.VerifyTestMain(m, append(Options(), extra...)...)
}

// VerifyNone fails t if goroutines are left behind at this point.
func VerifyNone(t testing.TB, extra ...goleak.Option) {
	t.Helper()
	goleak.VerifyNone(t, append(Options(), extra...)...)
}

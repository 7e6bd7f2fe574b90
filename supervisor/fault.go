package supervisor

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

// Fault is a kind of failure the [Injector] makes happen.
type Fault int

const (
	// NoFault: the message or task goes through untouched.
	NoFault Fault = iota
	// Panic: the handler panics with an [*InjectedPanic].
	Panic
	// Error: the task fails (the message is answered) with an
	// [*InjectedError].
	Error
	// Latency: the handler is delayed, then goes on.
	Latency
	// Hang: the handler blocks until its context ends (or, in an actor,
	// until the injector is disabled).
	Hang
	// Exit: the process exits with a status code (process workers).
	Exit
	// Kill: the process is killed with a signal (process workers).
	Kill
)

func (f Fault) String() string {
	switch f {
	case NoFault:
		return "none"
	case Panic:
		return "panic"
	case Error:
		return "error"
	case Latency:
		return "latency"
	case Hang:
		return "hang"
	case Exit:
		return "exit"
	case Kill:
		return "kill"
	}
	return "Fault(" + strconv.Itoa(int(f)) + ")"
}

// Rule says when the injector makes which fault happen. Rules are tried in
// order for each message; the first that fires decides.
type Rule struct {
	fault  Fault
	nth    uint64  // fires on message nth only
	every  uint64  // fires on every message whose number is a multiple
	p      float64 // fires with probability p
	delay  time.Duration
	err    string
	code   int
	signal syscall.Signal
}

func (r Rule) String() string {
	switch {
	case r.nth > 0:
		return fmt.Sprintf("%v on message %d", r.fault, r.nth)
	case r.every > 0:
		return fmt.Sprintf("%v every %d messages", r.fault, r.every)
	}
	return fmt.Sprintf("%v with probability %g", r.fault, r.p)
}

// PanicOnNth panics on the nth message (from 1), once.
func PanicOnNth(n int) Rule { return Rule{fault: Panic, nth: uint64(max(n, 1))} }

// PanicEvery panics on every nth message.
func PanicEvery(n int) Rule { return Rule{fault: Panic, every: uint64(max(n, 1))} }

// PanicWithProbability panics on a message with probability p.
func PanicWithProbability(p float64) Rule { return Rule{fault: Panic, p: p} }

// ErrorWithProbability fails a message with probability p, with an
// [*InjectedError] carrying err's message (a generic one if err is nil).
func ErrorWithProbability(p float64, err error) Rule {
	r := Rule{fault: Error, p: p}
	if err != nil {
		r.err = err.Error()
	}
	return r
}

// LatencyWithProbability delays a message by d with probability p.
func LatencyWithProbability(p float64, d time.Duration) Rule {
	return Rule{fault: Latency, p: p, delay: d}
}

// HangWithProbability makes a message hang, with probability p, until its
// context ends.
func HangWithProbability(p float64) Rule { return Rule{fault: Hang, p: p} }

// ExitWithProbability makes the process exit with code, with probability
// p. Meant for the workers of a process pool, which apply it in the child
// process; applied anywhere else it ends the calling process.
func ExitWithProbability(p float64, code int) Rule { return Rule{fault: Exit, p: p, code: code} }

// KillWithProbability makes the process kill itself with sig, with
// probability p. Like [ExitWithProbability], meant for process workers.
func KillWithProbability(p float64, sig syscall.Signal) Rule {
	return Rule{fault: Kill, p: p, signal: sig}
}

func (r Rule) fires(n uint64, rng *rand.Rand) bool {
	switch {
	case r.nth > 0:
		return n == r.nth
	case r.every > 0:
		return n%r.every == 0
	}
	return r.p > 0 && rng.Float64() < r.p
}

func (r Rule) action(n uint64) Action {
	return Action{Fault: r.fault, Seq: n, Delay: r.delay, Err: r.err, ExitCode: r.code, Signal: int(r.signal)}
}

// Injector makes supervised workers fail on purpose, deterministically:
// the same seed and rules give the same sequence of faults, message after
// message, so a test that submits N tasks sees the same number of each
// fault on every run. It attaches to an actor with [Injector.Middleware]
// and to an executor with the executor's option (pools.WithFaults), with
// no change to the code that handles the messages. It starts enabled;
// [Injector.Disable] switches it off.
type Injector struct {
	rules   []Rule
	enabled atomic.Bool

	mu     sync.Mutex
	rng    *rand.Rand
	n      uint64
	counts map[Fault]int
	resume chan struct{} // closed by Disable: releases actors hung by Hang
}

// NewInjector returns an enabled injector applying rules, with its
// randomness seeded by seed.
func NewInjector(seed uint64, rules ...Rule) *Injector {
	i := &Injector{
		rules:  rules,
		rng:    rand.New(rand.NewPCG(seed, seed^0xda3e39cb94b95bdb)),
		counts: map[Fault]int{},
		resume: make(chan struct{}),
	}
	i.enabled.Store(true)
	return i
}

// Enable switches the injector on.
func (i *Injector) Enable() {
	i.mu.Lock()
	defer i.mu.Unlock()
	if !i.enabled.Load() {
		i.resume = make(chan struct{})
		i.enabled.Store(true)
	}
}

// Disable switches the injector off: later messages go through untouched,
// and actors hung by a Hang fault are released.
func (i *Injector) Disable() {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.enabled.Load() {
		i.enabled.Store(false)
		close(i.resume)
	}
}

// Enabled reports whether the injector is on.
func (i *Injector) Enabled() bool { return i.enabled.Load() }

// Next decides the fault for the next message or task: the first rule
// that fires, or [NoFault]. A disabled injector decides nothing and counts
// nothing.
func (i *Injector) Next() Action {
	if !i.enabled.Load() {
		return Action{}
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	i.n++
	a := Action{Seq: i.n}
	for _, r := range i.rules {
		if r.fires(i.n, i.rng) {
			a = r.action(i.n)
			break
		}
	}
	i.counts[a.Fault]++
	return a
}

// Counts returns how many messages got each fault so far (NoFault
// included).
func (i *Injector) Counts() map[Fault]int {
	i.mu.Lock()
	defer i.mu.Unlock()
	out := make(map[Fault]int, len(i.counts))
	for f, n := range i.counts {
		out[f] = n
	}
	return out
}

// Seen returns how many messages the injector decided for.
func (i *Injector) Seen() uint64 {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.n
}

func (i *Injector) resumed() <-chan struct{} {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.resume
}

// Action is one decided fault. It is plain data, so that a parent can
// decide it and send it with a task to a child process, which applies it.
type Action struct {
	Fault    Fault
	Seq      uint64        // the message it was decided for, from 1
	Delay    time.Duration // Latency
	Err      string        // Error: the message; empty for a generic one
	ExitCode int           // Exit
	Signal   int           // Kill: a syscall.Signal
}

// Apply makes the fault happen in the calling goroutine: Panic panics
// with an [*InjectedPanic]; Error returns an [*InjectedError]; Latency
// waits Delay (or until ctx ends, returning its error); Hang waits until
// ctx ends and returns its error; Exit calls os.Exit; Kill sends Signal to
// this process (and then hangs like Hang, should the signal be caught).
// NoFault returns nil at once.
func (a Action) Apply(ctx context.Context) error {
	switch a.Fault {
	case Panic:
		panic(&InjectedPanic{Seq: a.Seq})
	case Error:
		return &InjectedError{Msg: a.Err, Seq: a.Seq}
	case Latency:
		t := time.NewTimer(a.Delay)
		defer t.Stop()
		select {
		case <-t.C:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	case Hang:
		<-ctx.Done()
		return context.Cause(ctx)
	case Exit:
		os.Exit(a.ExitCode)
	case Kill:
		killSelf(syscall.Signal(a.Signal))
		<-ctx.Done()
		return context.Cause(ctx)
	}
	return nil
}

// Middleware returns a receiver middleware that injects the injector's
// faults into an actor's messages (never into protoactor-go's own
// lifecycle messages). A Panic crashes the actor, for its supervisor to
// handle; an Error fails the message instead of handling it: a [Failable]
// message is failed, otherwise a requester gets the *InjectedError as the
// response; Latency delays the message; Hang blocks the actor until the
// injector is disabled. Exit and Kill act on the whole process.
func (i *Injector) Middleware() actor.ReceiverMiddleware {
	return func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(c actor.ReceiverContext, env *actor.MessageEnvelope) {
			if isLifecycle(env.Message) {
				next(c, env)
				return
			}
			a := i.Next()
			switch a.Fault {
			case NoFault:
			case Error:
				err := a.Apply(context.Background())
				if m, ok := env.Message.(Failable); ok {
					m.Fail(err)
				} else if env.Sender != nil {
					c.ActorSystem().Root.Send(env.Sender, err)
				}
				return
			case Hang:
				<-i.resumed()
			default: // Latency, Panic, Exit, Kill
				_ = a.Apply(context.Background())
			}
			next(c, env)
		}
	}
}

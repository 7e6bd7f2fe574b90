package supervisor

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/asynkron/protoactor-go/actor"
)

// Policy is a supervision strategy: what to do when a supervised child
// fails. It is a protoactor-go [actor.SupervisorStrategy], so any actor's
// children can use it (actor.WithSupervisor(policy) on the parent's props),
// and it also drives children that are not actors through
// [Policy.Decide] (the process pool's child processes).
//
// A policy is one-for-one ([OneForOne]: only the failed child is
// restarted) or all-for-one ([AllForOne]: its siblings are restarted with
// it). A [Decider] maps each failure to a [Directive]. Restarts are limited
// by an intensity: at most N restarts within a window, per child for
// one-for-one and per group of siblings for all-for-one; beyond that the
// child is stopped, or the failure escalated ([OnExceeded]). Restarts can
// be delayed by an exponential [Backoff], applied with a timer so that no
// mailbox and no caller ever waits for it. Every decision is published as
// [Event]s on the policy's [Events].
//
// A Policy is safe for concurrent use and may be shared by many
// supervisors.
type Policy struct {
	allForOne   bool
	maxRestarts int
	within      time.Duration
	decider     Decider
	backoff     Backoff
	onExceeded  Directive
	events      *Events
	onFailed    func(Failure)

	mu      sync.Mutex
	rng     *rand.Rand
	records map[string][]time.Time // failure times within the window, per child or group
}

// Option configures a [Policy].
type Option func(*Policy)

// WithIntensity allows at most maxRestarts restarts within the window
// (per child for one-for-one, per group for all-for-one); the next failure
// exceeds the intensity. maxRestarts 0 means never restart; within <= 0
// means every failure ever counts. The default is 10 within 10 seconds.
func WithIntensity(maxRestarts int, within time.Duration) Option {
	return func(p *Policy) { p.maxRestarts, p.within = max(0, maxRestarts), within }
}

// WithDecider sets the decider; the default is [RestartAlways]. A nil
// decider keeps the default.
func WithDecider(d Decider) Option {
	return func(p *Policy) {
		if d != nil {
			p.decider = d
		}
	}
}

// WithBackoff delays restarts along b. The default is no delay.
func WithBackoff(b Backoff) Option { return func(p *Policy) { p.backoff = b } }

// OnExceeded sets what happens when the intensity is exceeded: [Stop] (the
// default) or [Escalate]. Other directives are ignored.
func OnExceeded(d Directive) Option {
	return func(p *Policy) {
		if d == Stop || d == Escalate {
			p.onExceeded = d
		}
	}
}

// WithEvents makes the policy publish to e instead of a stream of its own.
func WithEvents(e *Events) Option {
	return func(p *Policy) {
		if e != nil {
			p.events = e
		}
	}
}

// WithSeed makes the backoff jitter a deterministic sequence.
func WithSeed(seed uint64) Option {
	return func(p *Policy) { p.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)) }
}

// OnFailedMessage calls fn, in the supervisor, with every failure of an
// actor child, before the directive is applied: protoactor-go drops the
// message whose handling panicked, and fn is the place to answer it.
// Messages that implement [Failable] are failed without it.
func OnFailedMessage(fn func(Failure)) Option { return func(p *Policy) { p.onFailed = fn } }

// Failure is a child's failure as a policy sees it.
type Failure struct {
	Child   *actor.PID // nil for a child that is not an actor
	Name    string     // the child's name: its PID's id, or a worker name
	Reason  any        // what it panicked with, or failed with
	Stack   []byte     // the panicking goroutine's stack, when captured ([CaptureStack])
	Message any        // the message it was handling, if known
}

// Err returns the failure as an error: a *futures.PanicError carrying the
// reason and the stack.
func (f Failure) Err() error {
	if err, ok := f.Reason.(*futures.PanicError); ok {
		return err
	}
	return &futures.PanicError{Value: f.Reason, Stack: f.Stack}
}

// Failable is implemented by messages that can be failed: a request that
// carries the future to complete, say. When the handling of such a message
// panics, the policy fails it with the panic (a *futures.PanicError) at
// once, so its sender hears of it instead of waiting for a reply that will
// never come.
type Failable interface {
	Fail(err error)
}

// OneForOne returns a policy that restarts only the child that failed.
func OneForOne(opts ...Option) *Policy { return newPolicy(false, opts) }

// AllForOne returns a policy that restarts (or stops) every child of the
// supervisor when one fails: for children that depend on each other.
func AllForOne(opts ...Option) *Policy { return newPolicy(true, opts) }

func newPolicy(allForOne bool, opts []Option) *Policy {
	p := &Policy{
		allForOne:   allForOne,
		maxRestarts: 10,
		within:      10 * time.Second,
		decider:     RestartAlways,
		onExceeded:  Stop,
		records:     map[string][]time.Time{},
	}
	for _, o := range opts {
		if o != nil {
			o(p)
		}
	}
	if p.events == nil {
		p.events = NewEvents()
	}
	if p.rng == nil {
		p.rng = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	return p
}

// Events returns the stream the policy publishes to.
func (p *Policy) Events() *Events { return p.events }

// AllForOneScope reports whether the policy is all-for-one.
func (p *Policy) AllForOneScope() bool { return p.allForOne }

func (p *Policy) String() string {
	kind := "one-for-one"
	if p.allForOne {
		kind = "all-for-one"
	}
	return fmt.Sprintf("supervisor.Policy(%s, %d restarts within %v, then %v)", kind, p.maxRestarts, p.within, p.onExceeded)
}

// Decision is what a policy decided about a failure.
type Decision struct {
	Directive Directive
	Attempt   int           // restart attempt within the intensity window, from 1 (Restart)
	Delay     time.Duration // backoff before restarting (Restart)
	Exceeded  bool          // the intensity was exceeded; Directive is the OnExceeded one
	All       bool          // all-for-one: the directive applies to every sibling
}

// Decide records a failure of a child that is not an actor and says what
// to do, publishing the events of the decision: the caller applies it
// (waits Delay, with a timer, then restarts the child). The intensity is
// counted per child name for one-for-one, and over every child decided
// through this policy for all-for-one.
func (p *Policy) Decide(child string, reason any) Decision {
	key := child
	if p.allForOne {
		key = ""
	}
	return p.decide(key, child, nil, reason)
}

// Forget drops the intensity record of a child that is gone for good.
func (p *Policy) Forget(child string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.records, child)
}

func (p *Policy) decide(key, name string, pid *actor.PID, reason any) Decision {
	ev := Event{Child: name, PID: pid, Reason: reason}
	ev.Kind = Failed
	p.events.Publish(ev)

	d := Decision{Directive: p.decider(reason), All: p.allForOne}
	if !d.Directive.valid() {
		d.Directive = Restart
	}
	switch d.Directive {
	case Restart:
		d.Attempt, d.Exceeded = p.recordRestart(key)
		if d.Exceeded {
			ev.Kind = IntensityExceeded
			p.events.Publish(ev)
			d.Directive, d.Attempt = p.onExceeded, 0
			break
		}
		p.mu.Lock()
		d.Delay = p.backoff.Delay(d.Attempt, p.rng)
		p.mu.Unlock()
	case Stop:
		p.Forget(key)
	}
	switch d.Directive {
	case Restart:
		ev.Kind, ev.Attempt, ev.Delay = Restarted, d.Attempt, d.Delay
	case Resume:
		ev.Kind = Resumed
	case Stop:
		ev.Kind = Stopped
	case Escalate:
		ev.Kind = Escalated
	}
	p.events.Publish(ev)
	return d
}

// recordRestart counts a restart of key and returns its attempt number
// within the window, or exceeded.
func (p *Policy) recordRestart(key string) (attempt int, exceeded bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.maxRestarts == 0 {
		return 0, true
	}
	now := time.Now()
	times := p.records[key]
	if p.within > 0 {
		kept := times[:0]
		for _, t := range times {
			if now.Sub(t) < p.within {
				kept = append(kept, t)
			}
		}
		times = kept
	}
	times = append(times, now)
	if len(times) > p.maxRestarts {
		delete(p.records, key)
		return 0, true
	}
	p.records[key] = times
	return len(times), false
}

// HandleFailure implements actor.SupervisorStrategy. The failed message
// is failed first (see [Failable] and [OnFailedMessage]), then the
// decision is applied: a delayed restart goes through a timer, so the
// supervisor's mailbox is never blocked.
func (p *Policy) HandleFailure(sys *actor.ActorSystem, sup actor.Supervisor, child *actor.PID,
	_ *actor.RestartStatistics, reason any, message any) {
	value, stack := unwrapCaptured(reason)
	_, msg, _ := actor.UnwrapEnvelope(message)
	f := Failure{Child: child, Name: child.Id, Reason: value, Stack: stack, Message: msg}
	if m, ok := msg.(Failable); ok {
		m.Fail(f.Err())
	}
	if p.onFailed != nil {
		p.onFailed(f)
	}

	key := child.Id
	if p.allForOne {
		key = parentOf(child.Id)
	}
	d := p.decide(key, child.Id, child, value)
	if sys != nil {
		// protoactor-go's own observers listen on the event stream.
		sys.EventStream.Publish(&actor.SupervisorEvent{Child: child, Reason: value, Directive: d.Directive.actorDirective()})
	}
	targets := []*actor.PID{child}
	if p.allForOne && d.Directive != Resume {
		targets = sup.Children()
	}
	switch d.Directive {
	case Resume:
		sup.ResumeChildren(child)
	case Restart:
		if d.Delay <= 0 {
			sup.RestartChildren(targets...)
			return
		}
		// The child's mailbox stays suspended until the restart; the
		// supervisor goes on. If the supervisor stops meanwhile, the late
		// restart goes to a dead process and is dropped.
		time.AfterFunc(d.Delay, func() { sup.RestartChildren(targets...) })
	case Stop:
		sup.StopChildren(targets...)
	case Escalate:
		sup.EscalateFailure(reason, message)
	}
}

// parentOf returns the id of the actor whose child id is: protoactor-go
// names children parent/child.
func parentOf(id string) string {
	if i := strings.LastIndexByte(id, '/'); i >= 0 {
		return id[:i]
	}
	return ""
}

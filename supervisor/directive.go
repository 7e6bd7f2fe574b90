package supervisor

import (
	"strconv"

	"github.com/asynkron/protoactor-go/actor"
)

// Directive is what a supervisor does with a child that failed.
type Directive int

const (
	// Resume keeps the child as it is and lets it go on with its next
	// message; the failed message is lost (but see [Failable]).
	Resume Directive = iota
	// Restart replaces the child with a fresh instance, after the
	// policy's backoff delay, if it has one.
	Restart
	// Stop stops the child for good.
	Stop
	// Escalate hands the failure to the supervisor's own supervisor,
	// which treats it as a failure of the supervisor.
	Escalate
)

func (d Directive) String() string {
	switch d {
	case Resume:
		return "resume"
	case Restart:
		return "restart"
	case Stop:
		return "stop"
	case Escalate:
		return "escalate"
	}
	return "Directive(" + strconv.Itoa(int(d)) + ")"
}

func (d Directive) valid() bool { return d >= Resume && d <= Escalate }

// actorDirective is d in protoactor-go's terms.
func (d Directive) actorDirective() actor.Directive {
	switch d {
	case Resume:
		return actor.ResumeDirective
	case Stop:
		return actor.StopDirective
	case Escalate:
		return actor.EscalateDirective
	}
	return actor.RestartDirective
}

// Decider maps a failure to a directive. The reason is what the child
// failed with: the value it panicked with (not wrapped: a stack captured by
// [CaptureStack] is in [Failure.Stack]), an error, or, for a child process,
// the error its exit was reported with.
type Decider func(reason any) Directive

// RestartAlways is the default [Decider]: every failure restarts the child.
func RestartAlways(any) Directive { return Restart }

// Package supervisor is supervision for actors and for things that are
// not actors: strategies with restart intensity and a real exponential
// backoff, a typed stream of supervision events, and a toolkit to make
// supervised workers fail on purpose in tests.
//
// # Policies
//
// A [Policy] decides what happens to a child that failed. [OneForOne]
// restarts only that child, [AllForOne] its siblings too. A [Decider] maps
// the failure (a panic value, an error, a child process's exit) to a
// [Directive]: [Resume], [Restart], [Stop] or [Escalate]. At most N
// restarts are allowed within a window ([WithIntensity]); beyond it the
// child is stopped or the failure escalated ([OnExceeded]). Restarts can
// wait along an exponential, capped, fully jittered [Backoff], applied with
// a timer so that no mailbox waits.
//
// A Policy is a protoactor-go SupervisorStrategy, for any actor:
//
//	policy := supervisor.OneForOne(
//		supervisor.WithIntensity(5, time.Minute),
//		supervisor.WithBackoff(supervisor.ExponentialBackoff(10*time.Millisecond, time.Second)))
//	parent := actor.PropsFromProducer(newParent, actor.WithSupervisor(policy))
//	child := actor.PropsFromProducer(newChild, actor.WithReceiverMiddleware(policy.Middleware()...))
//
// and it drives children that are not actors through [Policy.Decide]: the
// process pool of package pools restarts its child processes with it.
//
// protoactor-go drops the message whose handling panicked. A policy fails
// such a message at once if it is [Failable] (a request carrying the
// future to complete), and tells [OnFailedMessage] about it, so no sender
// waits for an answer that will never come.
//
// # Events
//
// Every decision is published as [Event]s on the policy's [Events]:
// [Failed], then [Restarted] (with the attempt and the delay), [Resumed],
// [Stopped], [Escalated] or [IntensityExceeded]; [Started] when a child
// is up again ([Observe], or the executor). Subscribe from Go
// ([Events.Subscribe]: an unbounded, ordered buffer read with Next or
// ranged over with All) or from an actor ([Events.SubscribeActor]).
// Counters per child are at hand for tests ([Events.Counts]), and waits
// for them are event-driven: [Events.WaitRestarts], [Events.WaitBack],
// [Events.WaitFor].
//
// # Fault injection
//
// An [Injector] makes messages or tasks fail, deterministically from a
// seed: [PanicOnNth], [PanicEvery], [PanicWithProbability],
// [ErrorWithProbability], [LatencyWithProbability],
// [HangWithProbability], and for process workers [ExitWithProbability] and
// [KillWithProbability]. It attaches to any actor as a receiver middleware
// ([Injector.Middleware]) and to the executors of package pools with their
// WithFaults option, with no change to the code under test, and it can be
// switched off ([Injector.Disable]). docs/fault-injection.md has a worked
// test.
package supervisor

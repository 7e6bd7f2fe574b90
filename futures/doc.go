// Package futures is Python's concurrent.futures.Future for Go, typed, and
// an actor in a Proto.Actor system.
//
// # A future
//
// A [Future] holds the outcome of an operation that may not have happened
// yet. Its state goes from [Pending] (and, when an executor runs it,
// [Running]) to [Cancelled] or [Finished]. [Future.Result] waits for the
// value, bounded by a context; [Future.Done] is a channel closed exactly
// once, like a context's; [Future.AddDoneCallback] registers functions run
// at completion, in order, in the completing goroutine.
//
//	f := futures.New[int]()
//	go func() { f.SetResult(42) }()
//	v, err := f.Result(ctx)
//
// Setting a future twice is an error ([ErrInvalidState]), not an
// overwrite. A task's panic reaches Result as a [*PanicError] with the
// stack ([Run], [Go]).
//
// # A future is an actor
//
// A future made with [NewIn] has an address: [Future.PID]. Any actor
// completes it by sending [SetResult], [SetException] or [Cancel] there,
// with the same rules and callbacks as the Go calls; stopping or poisoning
// it cancels it if it is pending. A transport whose messages must be
// protobuf, such as a remote node, completes and subscribes with messages
// of its own that implement [Completion] and [SubscribeRequest].
// [Subscribe] (or [Notify] from Go) makes the future send a [*Completed]
// message to an actor when it completes; [Await] runs a continuation inside
// an actor once the future completes, without blocking the actor's mailbox.
// The PID is registered lazily, so a future nobody addresses costs about
// what a channel does, and it leaves the registry when the future
// completes; messages sent to it afterwards are ignored.
//
// Callbacks, the waiters of [Wait] and [AsCompleted], and subscribed
// actors are all subscribers to the same completion event, notified once
// each in the order they subscribed.
//
// # Waiting on many
//
// [Wait] returns when the first future completes, the first fails, or all
// are done ([FirstCompleted], [FirstException], [AllCompleted]).
// [AsCompleted] yields futures as they complete. Both take futures of
// different types through the [Awaitable] interface (or any slice of
// *Future[T], or of a type of yours that embeds one), count duplicates once,
// ignore nil futures, start no goroutine, and see a future cancelled while
// pending as done at once, which CPython does not (gh-92001). A context that
// ends makes Wait return what is done so far, and AsCompleted end with an
// error matching [ErrTimeout] (for a deadline) that says how many futures
// are unfinished.
//
// # Composition
//
// Beyond Python: [Then] chains a function onto a future, [AllOf] gathers
// every outcome (asyncio's gather with return_exceptions=True), and
// [FirstSuccess] takes the first value that is not an error.
//
// # Beyond Python: stopping a running task
//
// Python cannot cancel a running task. [Future.Interrupt] asks one to stop
// when its executor supports it ([Future.SetRunningInterruptible]): the
// task's context is cancelled, and a task that gives up ends [Cancelled]
// with an error matching [ErrCancelledWhileRunning].
package futures

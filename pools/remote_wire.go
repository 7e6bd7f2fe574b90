package pools

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/remotepb"
	"github.com/actorfutures/actorfutures/internal/wire"
	"github.com/asynkron/protoactor-go/actor"
	"google.golang.org/protobuf/proto"
)

// The protocol messages complete futures through these: they need the
// codecs and the typed errors, which live here.
func init() {
	remotepb.SetHooks(&remotepb.Hooks{Complete: completeFromWire, Describe: describeForSubscriber})
	RegisterError(ErrNodeLost)
}

// failureOf describes err for the wire, as the process pool describes it
// for its pipe, with its text and stack cut to a size that always fits in
// a message.
func failureOf(err error) *remotepb.Failure {
	e := describeError(err)
	return &remotepb.Failure{
		Kind: uint32(e.Kind), Flags: uint32(e.Flags), Message: cut(e.Message), Type: e.Type,
		Sentinels: cutList(e.Sentinels), Stack: cut(e.Stack),
	}
}

func cut(s string) string {
	if len(s) <= maxFailureText {
		return s
	}
	return s[:maxFailureText] + "... (cut)"
}

func cutList(ss []string) []string {
	const most = 64
	if len(ss) > most {
		ss = ss[:most]
	}
	for i := range ss {
		ss[i] = cut(ss[i])
	}
	return ss
}

// errorOf rebuilds the error a Failure describes, as the process pool
// rebuilds its children's: a [*RemoteError] (matching the registered
// sentinels the original matched), a *futures.PanicError with the node's
// stack, a [*DecodeError] or [*EncodeError]; a failure past the task's
// deadline is a timeout error, as it is in the other pools.
func errorOf(f *remotepb.Failure, task, node string) error {
	if f == nil {
		return nil
	}
	e := wire.Error{Kind: wire.ErrorKind(f.GetKind()), Flags: uint8(f.GetFlags()), Message: f.GetMessage(),
		Type: f.GetType(), Sentinels: f.GetSentinels(), Stack: f.GetStack()}
	if e.Kind > wire.ErrEncodeOutput {
		e.Kind = wire.ErrPlain // a newer peer's kind
	}
	err := rebuildError(&e, task, node)
	switch f.GetReason() {
	case remotepb.Failure_EXPIRED:
		return futures.NewTimeoutError("pools: deadline exceeded while queued on node "+node, err)
	case remotepb.Failure_PAST_DEADLINE:
		return runningTimeout(err)
	}
	return err
}

// completeFromWire completes a future with what a Completion carries: the
// output of a registered task, decoded into the task's output type (or,
// for a chunk of Task.Map, into its outcomes), or for a subscription a
// value of the future's own type.
//
// The Completion of a task names the node proxy (the pool's link) that sent
// the task: it gets the task's place in its window back, as soon as the
// future is complete.
func completeFromWire(c *remotepb.Completion, t futures.Target) error {
	err := complete(c, t)
	if s, ok := t.(interface{ System() *actor.ActorSystem }); ok {
		giveBack(s.System(), c)
	}
	return err
}

// giveBack tells the link that sent a task that its outcome came back. A
// link is an actor of this process: a proxy anywhere else (a node's bug)
// gets nothing, as a Go struct cannot cross.
func giveBack(sys *actor.ActorSystem, c *remotepb.Completion) {
	proxy := c.GetProxy()
	if sys == nil || proxy == nil || c.GetId() == 0 || proxy.GetAddress() != sys.ProcessRegistry.Address {
		return
	}
	sys.Root.Send(proxy, &linkDoneMsg{id: c.GetId()})
}

func complete(c *remotepb.Completion, t futures.Target) error {
	if c.GetCancelled() {
		if !t.Cancel() {
			return t.SetException(futures.ErrCancelled)
		}
		return nil
	}
	if f := c.GetFailure(); f != nil {
		return t.SetException(errorOf(f, c.GetTask(), c.GetNode()))
	}
	codec, ok := lookupCodec(c.GetCodec())
	if !ok {
		return t.SetException(&DecodeError{Task: c.GetTask(), What: "output",
			Err: fmt.Errorf("codec %q is not registered in this program", c.GetCodec())})
	}
	name := c.GetTask()
	if name == "" {
		return t.SetDecoded(func(ptr any) error {
			if err := codec.NewDecoder().Decode(c.GetResult(), ptr); err != nil {
				return &DecodeError{Task: "(subscription)", What: "value", Err: err}
			}
			return nil
		})
	}
	rt, ok := lookupRemote(name)
	if !ok {
		return t.SetException(fmt.Errorf("%w: the output of task %q cannot be decoded here", ErrNotRegistered, name))
	}
	var errs map[int]error
	if elems := c.GetElems(); len(elems) > 0 {
		errs = make(map[int]error, len(elems))
		for _, e := range elems {
			errs[int(e.GetIndex())] = errorOf(e.GetFailure(), name, c.GetNode())
		}
	}
	v, err := rt.decodeOutput(codec.NewDecoder(), c.GetResult(), c.GetBatch(), int(c.GetBatchLen()), errs)
	if err != nil {
		return t.SetException(err)
	}
	return t.SetDecoded(func(ptr any) error { return assign(ptr, v) })
}

// assign stores v in *ptr: the output a registered task's decoder made,
// into the future of that task.
func assign(ptr any, v any) error {
	dst := reflect.ValueOf(ptr).Elem()
	if v == nil {
		return nil // a nil interface value: the zero value
	}
	src := reflect.ValueOf(v)
	if !src.Type().AssignableTo(dst.Type()) {
		return fmt.Errorf("%w: got %T for a Future[%s]", futures.ErrWrongType, v, dst.Type())
	}
	dst.Set(src)
	return nil
}

// describeForSubscriber builds what a remote subscriber of a future gets
// when it completes: a protobuf message, its value encoded with the codec
// the subscriber asked for.
func describeForSubscriber(s *remotepb.Subscribe, c *futures.Completed) *remotepb.Completion {
	m := &remotepb.Completion{Future: c.PID, Codec: s.GetCodec()}
	if m.Codec == "" {
		m.Codec = GobCodec().Name()
	}
	if c.PID != nil {
		m.Node = c.PID.Address
	}
	switch {
	case c.State == futures.Cancelled:
		m.Cancelled = true
	case c.Err != nil:
		m.Failure = failureOf(c.Err)
	default:
		codec, ok := lookupCodec(m.Codec)
		if !ok {
			m.Failure = failureOf(fmt.Errorf("pools: codec %q is not registered where the future is", m.Codec))
			break
		}
		payload, err := codec.NewEncoder().Append(nil, c.Value)
		if err != nil {
			m.Failure = failureOf(&EncodeError{Task: "(subscription)", What: "value", Err: err})
			break
		}
		m.Result = payload
	}
	return m
}

// RemoteSubscription returns the message that subscribes an actor to a
// future from another node: sent to the future's PID (futures.Future.PID),
// it makes the future send subscriber, when it completes, a protobuf
// message that [RemoteOutcome] decodes, its value encoded with codec (nil
// means [GobCodec]; either side must have it registered). Send it without
// a sender. Like any message to a future's PID, it reaches a pending or
// running future only: a future that has completed has left the registry,
// and its subscriber hears nothing.
func RemoteSubscription(subscriber *actor.PID, codec Codec) proto.Message {
	s := &remotepb.Subscribe{Subscriber: subscriber}
	if codec != nil {
		s.Codec = codec.Name()
	}
	return s
}

// RemoteOutcome decodes what an actor subscribed with
// [RemoteSubscription] receives: which future completed, and its value of
// type T or its error (an error matching futures.ErrCancelled for a
// cancelled future, a [*RemoteError] and the like for a failed one). ok
// is false when msg is not such a message.
func RemoteOutcome[T any](msg any) (future *actor.PID, out futures.Outcome[T], ok bool) {
	c, ok := msg.(*remotepb.Completion)
	if !ok {
		return nil, out, false
	}
	f := futures.New[T]()
	_ = completeFromWire(c, f)
	out.Value, out.Err = f.Result(context.Background())
	if errors.Is(out.Err, futures.ErrCancelled) {
		out.Err = futures.ErrCancelled
	}
	return c.GetFuture(), out, true
}

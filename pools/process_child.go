package pools

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/spinread"
	"github.com/actorfutures/actorfutures/internal/wire"
	"github.com/actorfutures/actorfutures/supervisor"
)

// workerEnvVar marks a process started as a process-pool worker; its value
// is the protocol version.
const workerEnvVar = "ACTORFUTURES_POOL_WORKER"

// workerMaxProcsVar says that the parent set GOMAXPROCS=1 in a child's
// environment, which WorkerMain then takes out of it.
const workerMaxProcsVar = "ACTORFUTURES_POOL_GOMAXPROCS"

// A child's exit statuses, besides 0 (the parent closed its task pipe, or
// died).
const (
	exitProtocol   = 70 // the parent sent something this child cannot read
	exitInitFailed = 71 // the initializer failed (reported to the parent first)
)

// WorkerMain turns this process into a [ProcessPool] worker if it was
// started as one, and then never returns: it serves tasks until its parent
// closes the pipe or dies, and exits. In any other process it returns at
// once. Call it first thing in main, and in TestMain for tests that use a
// process pool, before anything else runs (Docker's reexec pattern):
//
//	func main() {
//		pools.WorkerMain()
//		// the program proper
//	}
//
// Children are this same program re-executed, so they know the same
// registered tasks (see [Register]); package-level variables and init
// functions run in them as usual, main does not.
func WorkerMain() {
	version, ok := os.LookupEnv(workerEnvVar)
	if !ok || !processPoolSupported {
		return
	}
	// Programs the tasks start are not workers.
	_ = os.Unsetenv(workerEnvVar)
	os.Exit(serveWorker(version))
}

// isWorkerProcess reports whether this process was started as a worker
// and WorkerMain did not take it over.
func isWorkerProcess() bool {
	_, ok := os.LookupEnv(workerEnvVar)
	return ok
}

func serveWorker(version string) int {
	if version != strconv.Itoa(wire.Version) {
		fmt.Fprintf(os.Stderr, "pools: worker speaks protocol %d, its parent %q: they are different builds\n",
			wire.Version, version)
		return exitProtocol
	}
	preparePipe(3)
	preparePipe(4)
	if _, ok := os.LookupEnv(workerMaxProcsVar); ok {
		// The parent set GOMAXPROCS=1 for this process's start (see
		// childEnv); the programs its tasks start get the parent's
		// environment, without it.
		_ = os.Unsetenv("GOMAXPROCS")
		_ = os.Unsetenv(workerMaxProcsVar)
	} else if _, set := os.LookupEnv("GOMAXPROCS"); !set {
		// A worker command that cleared the environment.
		runtime.GOMAXPROCS(1)
	}
	in, out := os.NewFile(3, "pool-tasks"), os.NewFile(4, "pool-results")
	spin := spinread.New(in, 0) // polls once Init says for how long
	c := &childWorker{
		spin: spin,
		in:   wire.NewReader(spin, wire.MaxLimit), // the parent is trusted with Init
		out:  out,
		wake: make(chan struct{}, 1),
		exit: make(chan int, 1),
	}
	return c.serve()
}

// childTasks is the reader of this process's task pipe, when it serves as
// a child; tasks of tests read its spin window.
var childTasks *spinread.Reader

// childWorker is the child's side of the protocol. Its reader goroutine
// reads tasks and cancellations as they come; its runner goroutine runs
// tasks one at a time, in order, decoding each input once it has told the
// parent that the task started. The main goroutine waits for the exit
// status.
//
// Inputs are decoded by the runner, not as they arrive, so that an input
// whose decoding kills the process (a GobDecode method that exits, or
// crashes in C code) is the death of its own task, which the parent then
// fails (or retries) like any task that crashes its child: decoded on
// arrival, it would kill the child under the task running then, and,
// having never started, be sent to child after child until the pool broke.
type childWorker struct {
	in       *wire.Reader
	spin     *spinread.Reader // under in
	out      *os.File
	name     string
	maxFrame int
	dec      Decoder // the runner's, once serve has started it
	enc      Encoder // the runner's

	outMu sync.Mutex
	wbuf  []byte

	resBuf, frameBuf []byte // finish's, reused: written before the next task

	mu      sync.Mutex
	queue   []*childRun
	stream  []*childRun // received and not decoded yet, in order: the queue's and those dropped
	running *childRun
	wake    chan struct{}
	exit    chan int
}

// childRun is a task the child holds.
type childRun struct {
	id      uint64
	name    string
	task    remoteTask // nil: not registered in this program
	batch   bool
	payload []byte // the encoded input, until it is decoded
	fault   wire.Action
	ctx     context.Context
	cancel  context.CancelFunc
}

func (c *childWorker) serve() int {
	c.send(&wire.Hello{Version: wire.Version, PID: uint64(os.Getpid())})
	body, err := c.in.Next()
	if err != nil {
		return c.readFailed(err)
	}
	m, err := wire.Parse(body)
	init, ok := m.(*wire.Init)
	if err != nil || !ok {
		return c.protocolError(fmt.Errorf("first message %v, %v: want init", m, err))
	}
	c.name, c.maxFrame = init.Worker, int(min(init.MaxFrame, wire.MaxLimit))
	codec, ok := lookupCodec(init.Codec)
	if !ok {
		c.sendError(&wire.InitFailed{Err: describeError(fmt.Errorf("pools: codec %q is not registered in the worker", init.Codec))})
		return exitInitFailed
	}
	c.in.SetLimit(c.maxFrame)
	c.spin.SetWindow(time.Duration(min(init.SpinWait, uint64(time.Second))))
	childTasks = c.spin
	c.enc, c.dec = codec.NewEncoder(), codec.NewDecoder()
	if init.InitTask != "" {
		if err := c.initialize(init.InitTask, init.InitInput); err != nil {
			c.sendError(&wire.InitFailed{Err: describeError(err)})
			return exitInitFailed
		}
	}
	c.send(&wire.Ready{})
	go c.readLoop()
	go c.runLoop()
	return <-c.exit
}

func (c *childWorker) initialize(name string, input []byte) error {
	t, ok := lookupRemote(name)
	if !ok {
		return fmt.Errorf("%w: initializer %q", ErrNotRegistered, name)
	}
	in, err := t.decodeInput(c.dec, input, false)
	if err != nil {
		return err
	}
	// In a goroutine of its own, so that runtime.Goexit in it is an error
	// like any other.
	done := make(chan error, 1)
	go func() {
		normal := false
		defer func() {
			if !normal {
				done <- futures.ErrGoexit
			}
		}()
		_, _, err := t.runDecoded(context.Background(), in, false)
		normal = true
		done <- err
	}()
	return <-done
}

// setExit records the status to exit with; the first one wins.
func (c *childWorker) setExit(code int) {
	select {
	case c.exit <- code:
	default:
	}
}

func (c *childWorker) readFailed(err error) int {
	if errors.Is(err, io.EOF) {
		return 0 // the parent is done with this child, or gone
	}
	return c.protocolError(err)
}

func (c *childWorker) protocolError(err error) int {
	fmt.Fprintf(os.Stderr, "pools: worker %s: protocol error: %v\n", c.name, err)
	return exitProtocol
}

// readLoop reads the task pipe until it ends. Its end means the parent
// closed it (nothing is left for this child) or died: either way the child
// exits at once.
func (c *childWorker) readLoop() {
	for {
		// One kind of wait (see spinread.Reader.SetKind): the reader, which
		// has just handed a task to the runner, nearly always waits while
		// the child holds one, and what it waits for is the next task.
		body, err := c.in.Next()
		if err != nil {
			c.setExit(c.readFailed(err))
			return
		}
		m, err := wire.Parse(body)
		if err != nil {
			c.setExit(c.protocolError(err))
			return
		}
		switch m := m.(type) {
		case *wire.Run:
			c.enqueue(c.prepare(m))
		case *wire.Cancel:
			c.cancel(m.ID)
		case *wire.Reclaim:
			c.reclaim(m.ID)
		default:
			c.setExit(c.protocolError(fmt.Errorf("unexpected %v message", m.Kind())))
			return
		}
	}
}

// prepare makes a task of a Run message, keeping a copy of its input (the
// frame's buffer is the reader's) for the runner to decode.
func (c *childWorker) prepare(m *wire.Run) *childRun {
	r := &childRun{id: m.ID, name: m.Task, batch: m.Batch, fault: m.Action, payload: bytes.Clone(m.Input)}
	r.task, _ = lookupRemote(m.Task)
	if m.Deadline != 0 {
		r.ctx, r.cancel = context.WithDeadline(context.Background(), time.Unix(0, m.Deadline))
	} else {
		r.ctx, r.cancel = context.WithCancel(context.Background())
	}
	return r
}

func (c *childWorker) enqueue(r *childRun) {
	c.mu.Lock()
	c.queue = append(c.queue, r)
	c.stream = append(c.stream, r)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// cancel drops a task that has not started, or cancels a running one's
// context. An unknown ID is a task already over.
func (c *childWorker) cancel(id uint64) {
	c.mu.Lock()
	if c.running != nil && c.running.id == id {
		r := c.running
		c.mu.Unlock()
		r.cancel()
		return
	}
	for i, r := range c.queue {
		if r.id == id {
			c.queue = append(c.queue[:i], c.queue[i+1:]...)
			c.mu.Unlock()
			r.cancel()
			c.send(&wire.Dropped{ID: id, Reason: wire.DropCancelled})
			return
		}
	}
	c.mu.Unlock()
}

// reclaim gives back a task that has not started; a running or finished
// one is left alone.
func (c *childWorker) reclaim(id uint64) {
	c.mu.Lock()
	for i, r := range c.queue {
		if r.id == id {
			c.queue = append(c.queue[:i], c.queue[i+1:]...)
			c.mu.Unlock()
			r.cancel()
			c.send(&wire.Dropped{ID: id, Reason: wire.DropReclaimed})
			return
		}
	}
	c.mu.Unlock()
}

// next waits for the next task and makes it the running one. It also
// returns the tasks received before it and dropped since, whose inputs
// the codec's stream must still go through first.
func (c *childWorker) next() (r *childRun, dropped []*childRun) {
	for {
		c.mu.Lock()
		if len(c.queue) > 0 {
			r := c.queue[0]
			c.queue[0] = nil
			c.queue = c.queue[1:]
			c.running = r
			i := 0
			for c.stream[i] != r {
				i++
			}
			dropped = slices.Clone(c.stream[:i])
			clear(c.stream[:i+1])
			c.stream = c.stream[i+1:]
			c.mu.Unlock()
			return r, dropped
		}
		c.running = nil
		c.mu.Unlock()
		<-c.wake
	}
}

// skip keeps the codec's stream in step past the inputs of tasks that
// will never run.
func (c *childWorker) skip(runs []*childRun) {
	for _, r := range runs {
		_ = c.dec.Decode(r.payload, nil)
		r.payload = nil
	}
}

// decodeInput decodes r's input, once it has started.
func (c *childWorker) decodeInput(r *childRun) (any, error) {
	payload := r.payload
	r.payload = nil
	if r.task == nil {
		if err := c.dec.Decode(payload, nil); err != nil {
			return nil, &DecodeError{Task: r.name, What: "input", Err: err}
		}
		return nil, nil
	}
	return r.task.decodeInput(c.dec, payload, r.batch)
}

// runLoop runs tasks one after the other. A task that calls
// runtime.Goexit ends this goroutine: its deferred function reports the
// task and carries on in a new one.
func (c *childWorker) runLoop() {
	var current *childRun
	defer func() {
		if current != nil {
			c.finish(current, nil, nil, futures.ErrGoexit)
			go c.runLoop()
		}
	}()
	for {
		r, dropped := c.next()
		c.skip(dropped)
		current = r
		c.execute(current)
		current = nil
	}
}

func (c *childWorker) execute(r *childRun) {
	if err := r.ctx.Err(); err != nil { // cancelled, or expired, before it started
		r.cancel()
		reason := wire.DropCancelled
		if errors.Is(err, context.DeadlineExceeded) {
			reason = wire.DropExpired
		}
		c.send(&wire.Dropped{ID: r.id, Reason: reason})
		c.skip([]*childRun{r})
		return
	}
	c.send(&wire.Started{ID: r.id})
	var (
		out  any
		errs []error
	)
	in, err := c.decodeInput(r)
	if r.fault.Fault != 0 && err == nil {
		err = applyFault(r.ctx, r.fault)
	}
	switch {
	case err != nil:
	case r.task == nil:
		err = fmt.Errorf("%w: %q is not registered in worker %s", ErrNotRegistered, r.name, c.name)
	default:
		out, errs, err = r.task.runDecoded(r.ctx, in, r.batch)
	}
	c.finish(r, out, errs, err)
}

// applyFault applies a fault the parent's injector decided for a task:
// Exit and Kill end this process for real. A Panic is caught as the task's
// would be.
func applyFault(ctx context.Context, f wire.Action) error {
	a := supervisor.Action{Fault: supervisor.Fault(f.Fault), Seq: f.Seq, Delay: time.Duration(f.Delay), Err: f.Err,
		ExitCode: int(f.ExitCode), Signal: int(f.Signal)}
	_, err := callRecovered(ctx, func(ctx context.Context, a supervisor.Action) (struct{}, error) {
		return struct{}{}, a.Apply(ctx)
	}, a)
	return err
}

// finish reports a task's outcome, encoding its output. An output that
// does not fit in a frame fails the task instead.
func (c *childWorker) finish(r *childRun, out any, errs []error, err error) {
	r.cancel()
	res := &wire.Result{ID: r.id}
	if err == nil {
		payload, encErr := c.enc.Append(c.resBuf[:0], out)
		if encErr != nil {
			err = &EncodeError{Task: r.name, What: "output", Err: encErr}
		} else {
			res.Batch, res.Output = r.batch, payload
			for i, e := range errs {
				if e != nil {
					res.Errs = append(res.Errs, wire.ElemErr{Index: uint64(i), Err: describeError(e)})
				}
			}
			frame := wire.AppendFrame(c.frameBuf[:0], res)
			c.resBuf, c.frameBuf = reusable(payload), reusable(frame)
			n := wire.BodySize(frame, 0)
			if n <= c.maxFrame {
				c.write(frame)
				return
			}
			c.enc.Reset() // the payload is never delivered
			err = &EncodeError{Task: r.name, What: "output",
				Err: fmt.Errorf("%w: %d bytes, limit %d", ErrFrameTooLarge, n, c.maxFrame)}
		}
	}
	e := describeError(err)
	c.sendError(&wire.Result{ID: r.id, Err: &e})
}

// sendError sends a message that carries an error (a Result or an
// InitFailed), trimmed to fit in a frame: a frame over the limit would
// get this child killed for breaking the protocol. The stack goes first,
// then the message; the error's type and the sentinels it matched last.
func (c *childWorker) sendError(m wire.Message) {
	var e *wire.Error
	switch m := m.(type) {
	case *wire.Result:
		e = m.Err
	case *wire.InitFailed:
		e = &m.Err
	}
	frame := wire.AppendFrame(nil, m)
	for over := wire.BodySize(frame, 0) - c.maxFrame; over > 0 && e != nil; over = wire.BodySize(frame, 0) - c.maxFrame {
		switch {
		case e.Stack != "":
			e.Stack = truncate(e.Stack, over)
		case e.Message != "":
			e.Message = truncate(e.Message, over)
		case e.Sentinels != nil:
			e.Sentinels = nil
		default:
			e.Type = truncate(e.Type, over)
		}
		frame = wire.AppendFrame(frame[:0], m)
	}
	c.write(frame)
}

// truncate shortens s by at least n bytes, marking the cut, or empties it.
func truncate(s string, n int) string {
	const mark = " [truncated]"
	keep := len(s) - n - len(mark)
	if keep <= 0 {
		return ""
	}
	for keep > 0 && !utf8.RuneStart(s[keep]) {
		keep--
	}
	return s[:keep] + mark
}

// send writes one message.
func (c *childWorker) send(m wire.Message) {
	c.outMu.Lock()
	defer c.outMu.Unlock()
	c.wbuf = wire.AppendFrame(c.wbuf[:0], m)
	c.writeLocked(c.wbuf)
}

func (c *childWorker) write(frame []byte) {
	c.outMu.Lock()
	defer c.outMu.Unlock()
	c.writeLocked(frame)
}

// writeLocked writes a frame; the parent reads its pipe at all times, so
// this blocks only while the pipe is full. A failed write means the parent
// is gone: the child exits.
func (c *childWorker) writeLocked(frame []byte) {
	if _, err := c.out.Write(frame); err != nil {
		c.setExit(0)
	}
}

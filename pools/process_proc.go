package pools

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/actorfutures/actorfutures/internal/spinread"
	"github.com/actorfutures/actorfutures/internal/wire"
	"github.com/asynkron/protoactor-go/actor"
)

// spawner starts child processes from a goroutine locked to its OS thread
// for the pool's life. On Linux a child's parent-death signal fires when
// the thread that forked it ends, and Go ends a thread when a goroutine
// that locked it exits: forking from an arbitrary goroutine's thread would
// let unrelated code kill our children. This thread ends only when the
// pool has reaped them all.
type spawner struct {
	reqs chan spawnRequest
	quit chan struct{}
	done chan struct{}
	once sync.Once
}

type spawnRequest struct {
	cmd   *exec.Cmd
	reply chan error
}

var errPoolStopped = errors.New("pools: the process pool is stopped")

func newSpawner() *spawner {
	s := &spawner{reqs: make(chan spawnRequest), quit: make(chan struct{}), done: make(chan struct{})}
	go s.loop()
	return s
}

func (s *spawner) loop() {
	runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
	defer close(s.done)
	for {
		select {
		case r := <-s.reqs:
			r.reply <- r.cmd.Start()
		case <-s.quit:
			return
		}
	}
}

func (s *spawner) start(cmd *exec.Cmd) error {
	reply := make(chan error, 1)
	select {
	case s.reqs <- spawnRequest{cmd: cmd, reply: reply}:
		return <-reply
	case <-s.done:
		return errPoolStopped
	}
}

// stop ends the goroutine and waits for it.
func (s *spawner) stop() {
	s.once.Do(func() { close(s.quit) })
	<-s.done
}

// childProc is one child process as its worker actor sees it: the pipes
// it owns, and the goroutines that serve them. The reader turns frames
// from the child into messages to the actor; the reaper waits for the
// child's exit, then for the reader and the output forwarders to finish,
// and tells the actor last. All of them end with the child.
type childProc struct {
	cmd     *exec.Cmd
	pid     int
	tasks   *frameWriter
	results *os.File
	stdout  *os.File
	stderr  *os.File
	tail    tailBuffer // the end of its stderr, for crash reports
	// holding counts the tasks sent to it and not answered (by a result or
	// a drop): its reader's waits are for a start or a result while it
	// holds some, for the next task otherwise (see waitKind), and a child
	// that holds some counts as busy in its budget.
	holding atomic.Int64
	budget  *spinBudget      // of its result reader's spins: resultSpins
	spin    *spinread.Reader // of results, for readLoop alone
	running int              // tasks it said it started and did not finish; readLoop's alone

	// Its owner, a worker actor, attached once: a child started ahead of
	// time (see ProcessPool.prestart) has none at first, and its
	// goroutines hold what they would send it until it comes.
	ownerMu  sync.Mutex
	name     string
	sys      *actor.ActorSystem
	owner    *actor.PID
	attached chan struct{} // closed by attach or disown

	exited  chan struct{} // closed once reaped and every pipe is drained
	state   *os.ProcessState
	waitErr error
}

// Messages from a child's goroutines to its worker actor.
type (
	childMessages struct {
		proc *childProc
		msgs []wire.Message
	}
	// childBroken: the result pipe ended, or carried garbage.
	childBroken struct {
		proc *childProc
		err  error
	}
	childExited struct{ proc *childProc }
)

// startChild starts a child process for the worker whose actor is self.
func (p *ProcessPool) startChild(name string, self *actor.PID) (*childProc, error) {
	c, err := p.spawnChild()
	if err != nil {
		return nil, err
	}
	c.attach(p.sys.ActorSystem, self, name)
	return c, nil
}

// spawnChild starts a child process with no owner yet.
func (p *ProcessPool) spawnChild() (*childProc, error) {
	var pipes [8]*os.File // tasks r/w, results r/w, stdout r/w, stderr r/w
	closeAll := func(idx ...int) {
		for _, i := range idx {
			if pipes[i] != nil {
				_ = pipes[i].Close()
			}
		}
	}
	for i := 0; i < len(pipes); i += 2 {
		r, w, err := os.Pipe()
		if err != nil {
			closeAll(0, 1, 2, 3, 4, 5, 6, 7)
			return nil, err
		}
		pipes[i], pipes[i+1] = r, w
	}
	cmd := exec.Command(p.command[0], p.command[1:]...)
	cmd.Args[0] = p.argv0
	cmd.Env = p.env
	cmd.Dir = p.pc.dir
	cmd.Stdout, cmd.Stderr = pipes[5], pipes[7]
	cmd.ExtraFiles = []*os.File{pipes[0], pipes[3]} // fds 3 and 4
	cmd.SysProcAttr = childSysProcAttr()
	err := p.spawner.start(cmd)
	closeAll(0, 3, 5, 7) // the child's ends
	if err != nil {
		closeAll(1, 2, 4, 6)
		return nil, err
	}
	c := &childProc{
		cmd: cmd, pid: cmd.Process.Pid,
		tasks:   newFrameWriter(pipes[1]),
		results: pipes[2], stdout: pipes[4], stderr: pipes[6],
		attached: make(chan struct{}),
		exited:   make(chan struct{}),
	}
	readerDone := make(chan struct{})
	var forwarders sync.WaitGroup
	go c.tasks.loop()
	c.budget = resultSpins
	c.spin = spinread.New(c.results, p.spinWait)
	c.spin.SetBudget(c.budget)
	go c.readLoop(p.maxFrame, readerDone)
	forwarders.Go(func() {
		forwardLines(c.stdout, nil, func(line []byte) { p.output.emit(c.displayName(), "stdout", line) })
	})
	forwarders.Go(func() {
		forwardLines(c.stderr, &c.tail, func(line []byte) { p.output.emit(c.displayName(), "stderr", line) })
	})
	go c.reap(readerDone, &forwarders)
	return c, nil
}

// attach gives the child its owner.
func (c *childProc) attach(sys *actor.ActorSystem, owner *actor.PID, name string) {
	c.ownerMu.Lock()
	c.sys, c.owner, c.name = sys, owner, name
	c.ownerMu.Unlock()
	close(c.attached)
}

// disown ends a child that never got an owner, and waits until it is
// reaped.
func (c *childProc) disown() {
	close(c.attached)
	c.stop()
}

// stop closes the child's task pipe, which it reads to the end before it
// exits, and waits until it is reaped; one still running after stopWait
// is killed.
func (c *childProc) stop() {
	c.tasks.close()
	select {
	case <-c.exited:
	case <-time.After(stopWait):
		c.signal(syscall.SIGKILL)
		<-c.exited
	}
}

// send sends msg to the owner, once there is one; a disowned child's
// messages go nowhere.
func (c *childProc) send(msg any) {
	<-c.attached
	c.ownerMu.Lock()
	sys, owner := c.sys, c.owner
	c.ownerMu.Unlock()
	if owner != nil {
		sys.Root.Send(owner, msg)
	}
}

// displayName is the prefix of the child's output lines.
func (c *childProc) displayName() string {
	c.ownerMu.Lock()
	defer c.ownerMu.Unlock()
	if c.name == "" {
		return fmt.Sprintf("pool child %d", c.pid)
	}
	return c.name
}

// readLoop parses what the child sends and hands it to the actor, a batch
// of messages at a time when several are already buffered.
func (c *childProc) readLoop(limit int, done chan struct{}) {
	defer close(done)
	defer c.results.Close()
	defer c.endHolding()
	r := wire.NewReader(c.spin, limit)
	for {
		var msgs []wire.Message
		var err error
		for {
			c.spin.SetKind(c.waitKind())
			var body []byte
			if body, err = r.Next(); err != nil {
				break
			}
			var m wire.Message
			if m, err = wire.Parse(body); err != nil {
				break
			}
			// body is the reader's buffer, reused by the next frame; of
			// what a child sends, only a result's output aliases it.
			switch m := m.(type) {
			case *wire.Started:
				c.running++
			case *wire.Result:
				m.Output = bytes.Clone(m.Output)
				c.answered()
				c.running = max(c.running-1, 0)
			case *wire.Dropped:
				c.answered()
			}
			msgs = append(msgs, m)
			if !r.Buffered() || len(msgs) == 64 {
				break
			}
		}
		if len(msgs) > 0 {
			c.send(&childMessages{proc: c, msgs: msgs})
		}
		if err != nil {
			c.send(&childBroken{proc: c, err: err})
			return
		}
	}
}

// Kinds of wait of a result reader (spinread.Reader.SetKind), judged
// apart: for the result of a task the child runs (as long as the task),
// for the start of one it holds (at once, unless another runs), for
// whatever comes after the parent's next task (as long as the caller
// takes).
const (
	waitIdle = iota
	waitQueued
	waitRunning
)

func (c *childProc) waitKind() int {
	switch {
	case c.running > 0:
		return waitRunning
	case c.holding.Load() > 0:
		return waitQueued
	}
	return waitIdle
}

// resultSpins bounds the result readers that spin at once, over every
// pool of the process: a reader may spin while the children holding tasks
// (computing or not: the pool cannot tell) and the readers spinning leave
// a place of GOMAXPROCS free. Polling while every CPU has a child at work
// takes time from the children, and delays the very message polled for.
var resultSpins = &spinBudget{}

// spinBudget is a spinread.Budget of GOMAXPROCS places, taken by the
// children that hold tasks (busy) and the readers that spin.
type spinBudget struct {
	busy, spinning atomic.Int32
	places         func() int // nil: runtime.GOMAXPROCS(0); tests set it
}

func (b *spinBudget) size() int32 {
	if b.places != nil {
		return int32(b.places())
	}
	return int32(runtime.GOMAXPROCS(0))
}

// sent counts a task sent to the child (its worker calls it before the
// write): a child that held none is busy from now on.
func (c *childProc) sent() {
	if c.holding.Add(1) == 1 {
		c.budget.busy.Add(1)
	}
}

// answered counts a task the child answered: one that holds no more is
// not busy.
func (c *childProc) answered() {
	if c.holding.Add(-1) == 0 {
		c.budget.busy.Add(-1)
	}
}

// endHolding, once the child's results end, takes it out of the busy ones
// for good: holding becomes so negative that no later sent makes it busy.
func (c *childProc) endHolding() {
	if c.holding.Swap(math.MinInt64/2) > 0 {
		c.budget.busy.Add(-1)
	}
}

func (b *spinBudget) Acquire() bool {
	if b.busy.Load()+b.spinning.Add(1) > b.size() {
		b.spinning.Add(-1)
		return false
	}
	return true
}

func (b *spinBudget) Crowded() bool {
	return b.busy.Load()+b.spinning.Load() > b.size()
}

func (b *spinBudget) Release() { b.spinning.Add(-1) }

// afterExitDrain is how long the pipes of a dead child are read on: a
// program it started may have inherited its stdout and outlive it.
const afterExitDrain = 200 * time.Millisecond

func (c *childProc) reap(readerDone chan struct{}, forwarders *sync.WaitGroup) {
	err := c.cmd.Wait()
	deadline := time.Now().Add(afterExitDrain)
	_ = c.stdout.SetReadDeadline(deadline)
	_ = c.stderr.SetReadDeadline(deadline)
	_ = c.results.SetReadDeadline(deadline)
	forwarders.Wait()
	<-readerDone
	c.tasks.abort()
	c.state, c.waitErr = c.cmd.ProcessState, err
	close(c.exited)
	c.send(&childExited{proc: c})
}

// signal sends sig to the child, if it is still there.
func (c *childProc) signal(sig syscall.Signal) { _ = c.cmd.Process.Signal(sig) }

// crashError describes the child's end; call it once exited is closed.
func (c *childProc) crashError() *WorkerCrashedError {
	e := &WorkerCrashedError{Worker: c.displayName(), PID: c.pid, ExitCode: -1, Stderr: c.tail.String()}
	if c.state != nil {
		e.ExitCode = c.state.ExitCode()
		if ws, ok := c.state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			e.Signal = ws.Signal()
		}
	} else if c.waitErr != nil {
		e.Err = c.waitErr
	}
	return e
}

// frameWriter writes frames to a child's task pipe. A frame goes out at
// once, in the caller's goroutine, when the pipe has room and nothing is
// waiting: a non-blocking write, so a child that stops reading never
// blocks its worker actor. What does not fit waits for the writer's own
// goroutine, which writes everything waiting at once.
type frameWriter struct {
	f    *os.File
	raw  syscall.RawConn // nil: every frame goes through the goroutine
	mu   sync.Mutex
	buf  []byte // frames waiting for the goroutine
	busy bool   // the goroutine is writing
	bad  bool   // a write failed: the child is gone
	shut bool   // no more frames: close the pipe once buf is written
	wake chan struct{}
	done chan struct{}
	once sync.Once
}

func newFrameWriter(f *os.File) *frameWriter {
	w := &frameWriter{f: f, wake: make(chan struct{}, 1), done: make(chan struct{})}
	w.raw, _ = f.SyscallConn()
	return w
}

// write sends or queues a frame; after close or abort it is dropped.
func (w *frameWriter) write(frame []byte) {
	w.mu.Lock()
	if w.shut || w.bad {
		w.mu.Unlock()
		return
	}
	if len(w.buf) == 0 && !w.busy && w.raw != nil {
		n := w.tryWrite(frame)
		if n == len(frame) || w.bad {
			w.mu.Unlock()
			return
		}
		frame = frame[n:]
	}
	w.buf = append(w.buf, frame...)
	w.mu.Unlock()
	w.signal()
}

func (w *frameWriter) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// close closes the pipe once the queued frames are written: the child
// reads to the end and exits.
func (w *frameWriter) close() {
	w.mu.Lock()
	w.shut = true
	w.mu.Unlock()
	w.signal()
}

// abort closes the pipe now, dropping what is queued and interrupting a
// write in progress, and waits for the goroutine.
func (w *frameWriter) abort() {
	w.close()
	w.once.Do(func() { _ = w.f.Close() })
	<-w.done
}

func (w *frameWriter) loop() {
	defer close(w.done)
	var out []byte
	for range w.wake {
		w.mu.Lock()
		out, w.buf = w.buf, out[:0]
		shut, bad := w.shut, w.bad
		busy := len(out) > 0 && !bad
		w.busy = busy
		w.mu.Unlock()
		if busy {
			// A failure means the child is gone; its reaper tells the actor.
			_, err := w.f.Write(out)
			w.mu.Lock()
			w.busy = false
			w.bad = w.bad || err != nil
			more := len(w.buf) > 0
			w.mu.Unlock()
			if more {
				w.signal()
			}
		}
		if shut {
			w.once.Do(func() { _ = w.f.Close() })
			return
		}
		if cap(out) > 1<<20 {
			out = nil
		}
	}
}

// forwardLines reads r line by line until it ends, giving each line to
// emit (and to tail), without its line ending. Longer lines than the
// buffer come in pieces.
func forwardLines(r *os.File, tail *tailBuffer, emit func(line []byte)) {
	defer r.Close()
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
			emit(line)
			if tail != nil {
				tail.add(line)
			}
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return
		}
	}
}

// tailBuffer keeps the last lines of a stream, up to a few KiB.
type tailBuffer struct {
	mu    sync.Mutex
	lines []string
	size  int
}

const tailMax = 4 << 10

func (t *tailBuffer) add(line []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := string(line[:min(len(line), tailMax)])
	t.lines = append(t.lines, s)
	t.size += len(s)
	for t.size > tailMax && len(t.lines) > 1 {
		t.size -= len(t.lines[0])
		t.lines = t.lines[1:]
	}
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}

// outputSink is where children's output lines go: the writers of
// WithWorkerOutput, else the logger, else this process's stdout and
// stderr. Each line is one write, under a lock, so lines of different
// children never interleave.
type outputSink struct {
	mu     sync.Mutex
	stdout io.Writer
	stderr io.Writer
	logger *slog.Logger
	buf    []byte
}

func (s *outputSink) emit(worker, stream string, line []byte) {
	if s.logger != nil {
		s.logger.Info(string(line), slog.String("worker", worker), slog.String("stream", stream))
		return
	}
	w := s.stdout
	if stream == "stderr" {
		w = s.stderr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf[:0], '[')
	s.buf = append(s.buf, worker...)
	s.buf = append(s.buf, "] "...)
	s.buf = append(s.buf, line...)
	s.buf = append(s.buf, '\n')
	_, _ = w.Write(s.buf)
}

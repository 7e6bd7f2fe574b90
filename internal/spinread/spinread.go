//go:build unix

package spinread

import (
	"io"
	"os"
	"runtime"
	"syscall"
	"time"
)

// Reader reads a file through its raw descriptor when data is there, and
// through the runtime's poller when it must wait. It is for one goroutine.
type Reader struct {
	f      *os.File
	rc     syscall.RawConn // nil: every Read is the file's
	window time.Duration   // 0: never spin
	kind   int             // of the next waits (see SetKind)
	spin   [Kinds]bool     // per kind: the last wait ended within the window
	budget Budget          // nil: spin whenever the kind's history says so

	p   []byte // tryRead's arguments and results
	n   int
	err error
	try func(uintptr) bool

	// Tests' hooks: waiting is called when a Read finds nothing to read,
	// before it spins or parks; polled after each poll of a spin; parked
	// when a Read falls back to the file's.
	waiting, polled, parked func()
}

// New returns a Reader of f, which must be in non-blocking mode (as pipes
// from os.Pipe are), spinning for at most window per Read; with window 0
// it reads f as f.Read does.
func New(f *os.File, window time.Duration) *Reader {
	r := &Reader{f: f}
	for k := range r.spin {
		r.spin[k] = true
	}
	r.try = r.tryRead
	if rc, err := f.SyscallConn(); err == nil {
		r.rc = rc
	}
	r.SetWindow(window)
	return r
}

// SetWindow changes the spin window; 0 turns spinning off.
func (r *Reader) SetWindow(window time.Duration) { r.window = max(window, 0) }

// Window returns the spin window.
func (r *Reader) Window() time.Duration { return r.window }

// SetKind says what the next waits are for, one of [Kinds] kinds the
// caller defines (say, the answer to a task the writer runs, or whatever
// it does next), each judged on its own history: a reader whose answers
// come quickly but whose tasks come seldom spins for the answers, not
// between them. A kind out of range is taken as 0.
func (r *Reader) SetKind(k int) {
	if k < 0 || k >= Kinds {
		k = 0
	}
	r.kind = k
}

// SetBudget makes every spin ask b first: a reader b refuses parks at
// once. nil spins whenever the kind's history says so.
func (r *Reader) SetBudget(b Budget) { r.budget = b }

// Budget returns the budget set by SetBudget.
func (r *Reader) Budget() Budget { return r.budget }

// Read reads into p, spinning first when nothing is there (see the
// package's documentation).
func (r *Reader) Read(p []byte) (int, error) {
	if r.window == 0 || r.rc == nil || len(p) == 0 {
		return r.f.Read(p)
	}
	if n, err, ok := r.poll(p); ok {
		return n, err
	}
	if r.waiting != nil {
		r.waiting()
	}
	start := time.Now()
	k := r.kind
	if r.spin[k] && (r.budget == nil || r.budget.Acquire()) {
		n, err, ok := r.spinFor(p, start)
		if r.budget != nil {
			r.budget.Release()
		}
		if ok {
			return n, err
		}
	}
	if r.parked != nil {
		r.parked()
	}
	n, err := r.f.Read(p)
	r.spin[k] = time.Since(start) <= r.window
	return n, err
}

// spinFor polls until the window from start has passed.
func (r *Reader) spinFor(p []byte, start time.Time) (int, error, bool) {
	for time.Since(start) < r.window {
		runtime.Gosched()
		n, err, ok := r.poll(p)
		if r.polled != nil {
			r.polled()
		}
		if ok {
			return n, err, true
		}
		if r.budget != nil && r.budget.Crowded() {
			break
		}
	}
	return 0, nil, false
}

// poll tries one non-blocking read. It reports false when there is nothing
// to read yet.
func (r *Reader) poll(p []byte) (int, error, bool) {
	r.p = p
	// The callback returns true: RawConn.Read never waits, it reads once.
	cerr := r.rc.Read(r.try)
	n, err := r.n, r.err
	r.p, r.n, r.err = nil, 0, nil
	switch {
	case cerr != nil:
		// A closed file, or a passed read deadline: the file's own Read
		// says so as callers expect (os.ErrClosed, os.ErrDeadlineExceeded),
		// without waiting.
		n, err := r.f.Read(p)
		return n, err, true
	case err == syscall.EAGAIN:
		return 0, nil, false
	case err != nil:
		return 0, &os.PathError{Op: "read", Path: r.f.Name(), Err: err}, true
	case n == 0:
		return 0, io.EOF, true
	}
	return n, nil, true
}

func (r *Reader) tryRead(fd uintptr) bool {
	for {
		n, err := syscall.Read(int(fd), r.p)
		if err == syscall.EINTR {
			continue
		}
		r.n, r.err = max(n, 0), err
		return true
	}
}

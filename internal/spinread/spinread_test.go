//go:build unix

package spinread

import (
	"errors"
	"io"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

func pipe(t *testing.T) (*os.File, *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { _ = r.Close(); _ = w.Close() })
	return r, w
}

// writeWhenWaiting has the reader's next wait start a write of b.
func writeWhenWaiting(r *Reader, w *os.File, b []byte) <-chan error {
	done := make(chan error, 1)
	r.waiting = func() {
		r.waiting = nil
		go func() { _, err := w.Write(b); done <- err }()
	}
	return done
}

func TestReadsWhatIsThere(t *testing.T) {
	rf, wf := pipe(t)
	r := New(rf, time.Hour)
	_, err := wf.Write([]byte("ready"))
	require.NoError(t, err)
	r.waiting = func() { t.Error("waited for data that was there") }
	buf := make([]byte, 16)
	n, err := r.Read(buf)
	require.NoError(t, err)
	require.Equal(t, "ready", string(buf[:n]))
}

func TestSpinningReadGetsWhatComes(t *testing.T) {
	rf, wf := pipe(t)
	r := New(rf, time.Hour)
	r.parked = func() { t.Error("parked within the window") }
	done := writeWhenWaiting(r, wf, []byte("late"))
	buf := make([]byte, 16)
	n, err := r.Read(buf)
	require.NoError(t, err)
	require.Equal(t, "late", string(buf[:n]))
	require.NoError(t, <-done)
	require.True(t, r.spin[0], "a wait that ended within the window keeps spinning on")
}

// A spinning reader yields between polls: with one P, the writer could not
// run otherwise, and the Read would spin for its hour.
// Without the yield, the writer would run only when the runtime preempts
// the spinner (after 10 ms, thousands of polls); with it, at the first.
func TestSpinningYieldsToOtherGoroutines(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	rf, wf := pipe(t)
	r := New(rf, time.Hour)
	polls := 0
	r.polled = func() { polls++ }
	r.parked = func() { t.Error("parked within the window") }
	done := writeWhenWaiting(r, wf, []byte("x"))
	buf := make([]byte, 1)
	n, err := r.Read(buf)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	require.NoError(t, <-done)
	assert.Less(t, polls, 100, "the spinner kept the only P from the writer")
}

func TestLongWaitStopsSpinningShortOneResumes(t *testing.T) {
	rf, wf := pipe(t)
	r := New(rf, time.Nanosecond)
	buf := make([]byte, 16)
	parks := 0
	r.parked = func() { parks++ }

	// Longer than the window: the next wait parks at once.
	done := writeWhenWaiting(r, wf, []byte("slow"))
	n, err := r.Read(buf)
	require.NoError(t, err)
	require.Equal(t, "slow", string(buf[:n]))
	require.NoError(t, <-done)
	require.False(t, r.spin[0], "a wait past the window must stop the spinning")
	require.Equal(t, 1, parks)

	// Within the window (an hour now): the next one spins again.
	r.SetWindow(time.Hour)
	done = writeWhenWaiting(r, wf, []byte("quick"))
	n, err = r.Read(buf)
	require.NoError(t, err)
	require.Equal(t, "quick", string(buf[:n]))
	require.NoError(t, <-done)
	require.True(t, r.spin[0], "a wait within the window must bring the spinning back")
	require.Equal(t, 2, parks, "it did not spin: the last wait had been too long")
}

func TestEndOfPipe(t *testing.T) {
	for _, spin := range []bool{true, false} {
		rf, wf := pipe(t)
		r := New(rf, time.Hour)
		r.spin[0] = spin
		r.waiting = func() { _ = wf.Close() }
		_, err := r.Read(make([]byte, 4))
		require.ErrorIs(t, err, io.EOF, "spinning %v", spin)
		_, err = r.Read(make([]byte, 4)) // found at once
		require.ErrorIs(t, err, io.EOF)
	}
}

func TestDeadlineEndsASpin(t *testing.T) {
	rf, _ := pipe(t)
	r := New(rf, time.Hour)
	require.NoError(t, rf.SetReadDeadline(time.Now().Add(-time.Second)))
	_, err := r.Read(make([]byte, 4))
	require.ErrorIs(t, err, os.ErrDeadlineExceeded)

	// One that passes while the reader spins ends it too.
	require.NoError(t, rf.SetReadDeadline(time.Time{}))
	r.waiting = func() { _ = rf.SetReadDeadline(time.Now()) }
	_, err = r.Read(make([]byte, 4))
	require.ErrorIs(t, err, os.ErrDeadlineExceeded)
}

func TestClosedFile(t *testing.T) {
	rf, _ := pipe(t)
	r := New(rf, time.Hour)
	require.NoError(t, rf.Close())
	_, err := r.Read(make([]byte, 4))
	require.True(t, errors.Is(err, os.ErrClosed), "got %v", err)
}

func TestNoWindowReadsTheFile(t *testing.T) {
	rf, wf := pipe(t)
	r := New(rf, 0)
	assert.Zero(t, r.Window())
	r.waiting = func() { t.Error("a reader without a window must not poll") }
	go func() { _, _ = wf.Write([]byte("plain")) }()
	buf := make([]byte, 16)
	n, err := r.Read(buf)
	require.NoError(t, err)
	require.Equal(t, "plain", string(buf[:n]))
}

// Waits for answers and waits between them are judged apart.
func TestBusyAndIdleWaitsAreJudgedApart(t *testing.T) {
	rf, wf := pipe(t)
	r := New(rf, time.Nanosecond)
	buf := make([]byte, 16)
	r.SetKind(0)
	done := writeWhenWaiting(r, wf, []byte("idle"))
	_, err := r.Read(buf)
	require.NoError(t, err)
	require.NoError(t, <-done)
	require.False(t, r.spin[0], "a long idle wait stops spinning between answers")
	require.True(t, r.spin[1], "not for answers")

	r.SetKind(1)
	done = writeWhenWaiting(r, wf, []byte("busy"))
	_, err = r.Read(buf)
	require.NoError(t, err)
	require.NoError(t, <-done)
	require.False(t, r.spin[1])
}

// budget is a Budget of n places, counting what it was asked; crowded
// says whether spinning readers should stop.
type budget struct {
	free, acquired, released int
	crowded                  func() bool
}

func (b *budget) Crowded() bool { return b.crowded != nil && b.crowded() }

func (b *budget) Acquire() bool {
	if b.free == 0 {
		return false
	}
	b.free--
	b.acquired++
	return true
}

func (b *budget) Release() { b.free++; b.released++ }

func TestBudgetRefusedParksAtOnce(t *testing.T) {
	rf, wf := pipe(t)
	r := New(rf, time.Hour)
	b := &budget{}
	r.SetBudget(b)
	polls, parks := 0, 0
	r.polled = func() { polls++ }
	r.parked = func() { parks++ }
	done := writeWhenWaiting(r, wf, []byte("x"))
	_, err := r.Read(make([]byte, 1))
	require.NoError(t, err)
	require.NoError(t, <-done)
	assert.Zero(t, polls, "no place: no spin")
	assert.Equal(t, 1, parks)
	assert.True(t, r.spin[0], "the wait, short of the window, is judged as any")
}

func TestBudgetGrantedIsGivenBack(t *testing.T) {
	rf, wf := pipe(t)
	r := New(rf, time.Hour)
	b := &budget{free: 1}
	r.SetBudget(b)
	r.parked = func() { t.Error("parked within the window") }
	done := writeWhenWaiting(r, wf, []byte("x"))
	_, err := r.Read(make([]byte, 1))
	require.NoError(t, err)
	require.NoError(t, <-done)
	assert.Equal(t, 1, b.acquired)
	assert.Equal(t, 1, b.released)
	assert.Equal(t, 1, b.free)

	// A spin that runs out gives its place back too.
	r.SetWindow(time.Nanosecond)
	done = writeWhenWaiting(r, wf, []byte("y"))
	r.parked = nil
	_, err = r.Read(make([]byte, 1))
	require.NoError(t, err)
	require.NoError(t, <-done)
	assert.Equal(t, b.acquired, b.released)
}

// A spin that began with room stops when the budget grows crowded.
func TestCrowdedBudgetEndsASpin(t *testing.T) {
	rf, wf := pipe(t)
	r := New(rf, time.Second) // were Crowded not asked, a second of polls, and then the park

	polls := 0
	b := &budget{free: 1, crowded: func() bool { return polls >= 3 }}
	r.SetBudget(b)
	r.polled = func() { polls++ }
	parked := make(chan struct{})
	r.parked = func() { close(parked) }
	go func() { <-parked; _, _ = wf.Write([]byte("x")) }()
	_, err := r.Read(make([]byte, 1))
	require.NoError(t, err)
	assert.Equal(t, 3, polls, "it parked at the first crowded check")
	assert.Equal(t, 1, b.released)
}

func TestKindOutOfRangeIsZero(t *testing.T) {
	r := New(os.Stdin, time.Hour)
	r.SetKind(Kinds)
	assert.Zero(t, r.kind)
	r.SetKind(-1)
	assert.Zero(t, r.kind)
	r.SetKind(Kinds - 1)
	assert.Equal(t, Kinds-1, r.kind)
}

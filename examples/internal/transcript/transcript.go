// Package transcript is a test helper for the examples. A Recorder is the
// io.Writer an example prints to; it stamps every line with the time since
// the recording started.
//
// Inside a testing/synctest bubble that time is the bubble's fake clock: an
// example run with the tutorial's own durations (seconds) finishes in
// milliseconds, and its timeline is exact. Lines printed at the same instant
// were printed concurrently, so [Equal] accepts them in any order, while
// lines of different instants must come in time order.
//
// A transcript is one line per printed line, "TIME | TEXT", TIME being a
// time.Duration rounded to the millisecond:
//
//	0s | Coffee shop is open!
//	1.5s | Latte is ready!
package transcript

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/require"
)

// Line is one printed line and when it was printed.
type Line struct {
	At   time.Duration
	Text string
}

// Recorder records printed lines with their times. It is safe for
// concurrent use.
type Recorder struct {
	mu      sync.Mutex
	start   time.Time
	partial []byte
	lines   []Line
}

// New starts a recording; times count from now.
func New() *Recorder { return &Recorder{start: time.Now()} }

// Write records every complete line in p; a line without its newline yet
// waits for the rest.
func (r *Recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	at := time.Since(r.start).Round(time.Millisecond)
	r.partial = append(r.partial, p...)
	for {
		i := bytes.IndexByte(r.partial, '\n')
		if i < 0 {
			break
		}
		r.lines = append(r.lines, Line{At: at, Text: string(r.partial[:i])})
		r.partial = r.partial[i+1:]
	}
	return len(p), nil
}

// Add records a line as if it had been written at l.At.
func (r *Recorder) Add(l Line) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, l)
}

// Lines returns the lines recorded so far, in the order they were written.
func (r *Recorder) Lines() []Line {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.lines)
}

// Texts returns the text of the lines recorded so far, without times.
func (r *Recorder) Texts() []string {
	var texts []string
	for _, l := range r.Lines() {
		texts = append(texts, l.Text)
	}
	return texts
}

// Prefixed returns, in the order they were written, the texts of the
// lines that start with prefix: for checking the order of lines that
// Equal lets come in any order.
func (r *Recorder) Prefixed(prefix string) []string {
	var texts []string
	for _, l := range r.Lines() {
		if strings.HasPrefix(l.Text, prefix) {
			texts = append(texts, l.Text)
		}
	}
	return texts
}

// String renders the recording as a transcript.
func (r *Recorder) String() string { return render(r.Lines()) }

// Equal fails t unless the recording matches want, a transcript, up to the
// order of lines printed at the same instant.
func Equal(t testing.TB, want string, r *Recorder) {
	t.Helper()
	wantLines, err := Parse(want)
	require.NoError(t, err)
	if w, g := render(canonical(wantLines)), render(canonical(r.Lines())); w != g {
		t.Fatalf("transcripts differ (the lines of one instant sorted by text)\n--- want:\n%s--- got:\n%s--- as written:\n%s", w, g, r)
	}
}

// Parse reads a transcript. Blank lines and the indentation before TIME are
// ignored, so a transcript can sit in a raw string literal.
func Parse(s string) ([]Line, error) {
	var lines []Line
	for n, raw := range strings.Split(s, "\n") {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		at, text, ok := strings.Cut(raw, " | ")
		if !ok {
			if at, ok = strings.CutSuffix(raw, " |"); !ok { // an empty printed line
				return nil, fmt.Errorf("transcript line %d: no \" | \": %q", n+1, raw)
			}
		}
		d, err := time.ParseDuration(strings.TrimSpace(at))
		if err != nil {
			return nil, fmt.Errorf("transcript line %d: %w", n+1, err)
		}
		lines = append(lines, Line{At: d, Text: text})
	}
	return lines, nil
}

// canonical orders lines by time, and the lines of one instant by text.
func canonical(lines []Line) []Line {
	lines = slices.Clone(lines)
	slices.SortStableFunc(lines, func(a, b Line) int {
		return cmp.Or(cmp.Compare(a.At, b.At), strings.Compare(a.Text, b.Text))
	})
	return lines
}

func render(lines []Line) string {
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&b, "%8s | %s\n", l.At, l.Text)
	}
	return b.String()
}

// Bubble runs f in a testing/synctest bubble (synctest.Test), then lets a
// minute of the bubble's fake time pass before the bubble ends: a message
// that reaches a stopped actor (a reply racing a shutdown) starts
// protoactor-go's dead-letter throttle, a goroutine that waits a second on
// a ticker, and a bubble whose main goroutine returns while it waits fails
// with "blocked goroutines remain". In fake time the minute costs nothing.
func Bubble(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		f(t)
		time.Sleep(time.Minute) // fake time: see above
	})
}

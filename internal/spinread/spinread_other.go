//go:build !unix

package spinread

import (
	"os"
	"time"
)

// Reader reads a file; without Unix's non-blocking pipes it never spins.
type Reader struct{ f *os.File }

// New returns a Reader of f.
func New(f *os.File, _ time.Duration) *Reader { return &Reader{f: f} }

// SetWindow does nothing here.
func (r *Reader) SetWindow(time.Duration) {}

// Window returns 0: no spinning here.
func (r *Reader) Window() time.Duration { return 0 }

// SetKind does nothing here.
func (r *Reader) SetKind(int) {}

// SetBudget does nothing here.
func (r *Reader) SetBudget(Budget) {}

// Budget returns nil: no spinning here.
func (r *Reader) Budget() Budget { return nil }

func (r *Reader) Read(p []byte) (int, error) { return r.f.Read(p) }

//go:build !unix

package pools

import (
	"os"
	"syscall"
)

// The process pool passes its pipes as inherited file descriptors, which
// only Unix systems offer.
const processPoolSupported = false

func childSysProcAttr() *syscall.SysProcAttr { return nil }

func selfExecutable() (string, error) { return os.Executable() }

func preparePipe(int) {}

// tryWrite writes nothing without Unix's non-blocking pipes: the writer
// goroutine writes everything (and the pool is not supported there).
func (w *frameWriter) tryWrite([]byte) int { return 0 }

//go:build unix

package pools

import "syscall"

const processPoolSupported = true

// preparePipe readies one of the child's protocol pipes: close-on-exec,
// to keep it out of the programs its tasks may start, and non-blocking,
// so that os.NewFile puts it in Go's poller and a goroutine waiting on it
// frees its thread (a blocking read would hold the scheduler's P until
// sysmon takes it back, 20 µs or more, stalling the runner).
func preparePipe(fd int) {
	syscall.CloseOnExec(fd)
	_ = syscall.SetNonblock(fd, true)
}

// tryWrite writes what the pipe takes without waiting.
func (w *frameWriter) tryWrite(p []byte) int {
	written := 0
	err := w.raw.Write(func(fd uintptr) bool {
		for written < len(p) {
			n, err := syscall.Write(int(fd), p[written:])
			if n > 0 {
				written += n
			}
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				w.bad = err != syscall.EAGAIN
				break
			}
		}
		return true // never wait for room: the goroutine does
	})
	if err != nil {
		w.bad = true
	}
	return written
}

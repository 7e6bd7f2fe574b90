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

package pools

import (
	"os"
	"syscall"
)

// childSysProcAttr puts a child in a process group of its own, so that a
// terminal's ^C reaches the parent, which shuts the pool down, and not the
// children behind its back; and asks the kernel to kill the child if the
// parent dies. The parent-death signal fires when the thread that started
// the child ends, which is why children are started from a goroutine that
// keeps its thread (see spawner).
func childSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// selfExecutable is the program to re-execute. /proc/self/exe still works
// when the file was replaced or deleted since this process started.
func selfExecutable() (string, error) {
	const self = "/proc/self/exe"
	if _, err := os.Stat(self); err == nil {
		return self, nil
	}
	return os.Executable()
}

//go:build unix && !linux

package pools

import (
	"os"
	"syscall"
)

// childSysProcAttr puts a child in a process group of its own (see the
// Linux version). Without a parent-death signal, children notice the
// parent's death by the end of their task pipe.
func childSysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

func selfExecutable() (string, error) { return os.Executable() }

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

//go:build !unix

package supervisor

import (
	"os"
	"syscall"
)

// killSelf ends this process: without Unix signals, a kill is an exit
// with the status a shell gives a process killed by sig.
func killSelf(sig syscall.Signal) { os.Exit(128 + int(sig)) }

package pools

import (
	"errors"
	"fmt"
	"strings"
)

// The remote pool's errors.
var (
	// ErrNodeLost is matched by the outcome of a task whose worker node
	// died, stopped, left its cluster or was cut off (its heartbeats went
	// unanswered) while it held the task: a [*NodeLostError].
	ErrNodeLost = errors.New("pools: worker node lost")

	// ErrEndpointClosed is returned by an [Endpoint]'s methods after its
	// Shutdown, and is the outcome of the tasks its pools still held then.
	ErrEndpointClosed = errors.New("pools: endpoint is shut down")
)

// NodeLostError is the outcome of a task whose node was lost while it held
// the task, sent or running: a node's tasks cannot be known to have not
// started, so only a task registered [Idempotent] is run again elsewhere
// (and fails with this error when its retries are spent). It matches
// [ErrNodeLost].
type NodeLostError struct {
	Node   string // the node's address
	Task   string // the registered task
	Reason string // how the loss was noticed: "connection lost", "heartbeats unanswered", "node stopped", "left the cluster"
}

func (e *NodeLostError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "pools: worker node %s lost", e.Node)
	if e.Task != "" {
		fmt.Fprintf(&b, " while it held task %q", e.Task)
	}
	if e.Reason != "" {
		fmt.Fprintf(&b, " (%s)", e.Reason)
	}
	return b.String()
}

// Is makes the error match ErrNodeLost.
func (e *NodeLostError) Is(target error) bool { return target == ErrNodeLost }

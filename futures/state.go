package futures

import "strconv"

// State is where a future is in its life: [Pending], [Running], then
// [Cancelled] or [Finished]. The last two are final.
type State int32

const (
	// Pending: created or queued, not started; Cancel succeeds.
	Pending State = iota
	// Running: an executor started the task; Cancel fails, Interrupt may work.
	Running
	// Cancelled: cancelled before it ran, or interrupted while running.
	Cancelled
	// Finished: completed with a result or an error.
	Finished
)

func (s State) String() string {
	switch s {
	case Pending:
		return "pending"
	case Running:
		return "running"
	case Cancelled:
		return "cancelled"
	case Finished:
		return "finished"
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// Done reports whether s is final.
func (s State) Done() bool { return s >= Cancelled }

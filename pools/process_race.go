//go:build race

package pools

// raceEnabled: a race-built child sleeps a second at exit to let other
// goroutines report races, unless told otherwise (see childEnv).
const raceEnabled = true

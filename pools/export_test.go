package pools

import "github.com/actorfutures/actorfutures/futures"

// OnTaskStart makes p call fn, in the worker that heard of it, each time a
// child reports that a task started: tests wait for the moment a future
// turns running, which nothing else announces.
func OnTaskStart(p *ProcessPool, fn func(futures.Awaitable)) { p.onStart = fn }

package pools

import "github.com/actorfutures/actorfutures/futures"

// OnTaskEvent makes p call fn, in the worker, each time it sends a task to
// its child ("sent"), and each time the child reports that it started a
// task ("started") or let one go without starting it ("dropped"), and
// each time it tells the child to drop a task cancelled before it started
// ("cancel sent"): tests
// wait for these moments, which nothing else announces.
func OnTaskEvent(p *ProcessPool, fn func(f futures.Awaitable, event string)) { p.onEvent = fn }

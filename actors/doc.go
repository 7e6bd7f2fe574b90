// Package actors gives actorfutures its runtime: a Proto.Actor actor system
// that is silent by default and shuts down cleanly.
//
// # Getting a system
//
// Either hand the library your own *actor.ActorSystem (wrap it with [Wrap]
// where an API wants a [*System]), or let [NewSystem] make one. protoactor-go's
// default logger prints a coloured banner to stderr; a system made by
// [NewSystem] logs nothing unless [WithLogger] gives it a *slog.Logger.
//
// # Shutting down
//
// protoactor-go's ActorSystem.Shutdown stops no actors and panics when called
// twice. [System.Shutdown] stops every local actor, waits for them within the
// context's deadline, then shuts the system down; calling it again is harmless.
package actors

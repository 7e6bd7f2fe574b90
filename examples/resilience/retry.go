package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
)

// ErrTransient is matched by failures worth another try.
var ErrTransient = errors.New("transient failure")

// FetchError is a failed fetch: transient.
type FetchError struct{ ID int }

func (e *FetchError) Error() string        { return fmt.Sprintf("failed to fetch data for id %d", e.ID) }
func (e *FetchError) Is(target error) bool { return target == ErrTransient }

// ProcessError is a failed processing step: permanent.
type ProcessError struct{ Data string }

func (e *ProcessError) Error() string { return fmt.Sprintf("failed to process %q", e.Data) }

// backoff says how often, and how patiently, to retry.
type backoff struct {
	attempts    int           // tries in all, the first included
	first, most time.Duration // the first wait, doubled after each retry up to most
}

// retry calls fn until it succeeds, fails for good, or runs out of
// attempts or time. onRetry hears of every failure that will be retried.
// (Production code adds random jitter to the waits, so that many clients
// failing together do not retry together.)
func retry[T any](ctx context.Context, b backoff, fn func(ctx context.Context) (T, error),
	onRetry func(attempt int, err error, wait time.Duration)) (T, error) {
	var zero T
	wait := b.first
	for attempt := 1; ; attempt++ {
		v, err := fn(ctx)
		switch {
		case err == nil:
			return v, nil
		case !errors.Is(err, ErrTransient):
			return zero, err // permanent: another try would fail the same way
		case attempt == b.attempts:
			return zero, fmt.Errorf("gave up after %d attempts: %w", attempt, err)
		}
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return zero, fmt.Errorf("no time left for attempt %d: %w", attempt+1, err)
		}
		onRetry(attempt, err, wait)
		if err := sleep(ctx, wait); err != nil {
			return zero, err
		}
		wait = min(2*wait, b.most)
	}
}

// service simulates the tutorial's unreliable fetch and process steps. For
// each id, the seed decides how many fetches fail before one succeeds,
// whether processing fails, and how long each step takes, so the outcome
// does not depend on the order the tasks run in.
type service struct {
	second time.Duration
	seed   uint64
}

type plan struct {
	fetchFailures int
	processFails  bool
	fetchTakes    time.Duration
	processTakes  time.Duration
}

func (s service) plan(id int) plan {
	rng := rand.New(rand.NewPCG(s.seed, uint64(id)))
	p := plan{
		fetchTakes:   time.Duration((0.5 + 1.5*rng.Float64()) * float64(s.second)),
		processTakes: time.Duration((0.5 + rng.Float64()) * float64(s.second)),
	}
	for p.fetchFailures < 4 && rng.Float64() < 0.4 {
		p.fetchFailures++
	}
	p.processFails = rng.Float64() < 0.15
	return p
}

// retrying fetches and processes ten items with retries, then retries against a deadline.
// It is one part of the example: see the package comment in main.go.
func retrying(ctx context.Context, out io.Writer, second time.Duration, seed uint64) error {
	say := log.New(out, "", 0)
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(4))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())
	svc := service{second: second, seed: seed}
	b := backoff{attempts: 3, first: second / 2, most: 2 * second}

	say.Print("== fetch and process ten items, retrying what is worth it")
	fetchAndProcess := func(id int) func(context.Context) (string, error) {
		p := svc.plan(id)
		fetches := 0
		return func(ctx context.Context) (string, error) {
			data, err := retry(ctx, b, func(ctx context.Context) (string, error) {
				if err := sleep(ctx, p.fetchTakes); err != nil {
					return "", err
				}
				if fetches++; fetches <= p.fetchFailures {
					return "", &FetchError{ID: id}
				}
				return fmt.Sprintf("Data for id %d", id), nil
			}, func(attempt int, err error, wait time.Duration) {
				say.Printf("Attempt %d for id %d failed (%v), retrying in %v", attempt, id, err, wait)
			})
			if err != nil {
				return "", err
			}
			if err := sleep(ctx, p.processTakes); err != nil {
				return "", err
			}
			if p.processFails {
				return "", &ProcessError{Data: data}
			}
			return "Processed " + data, nil
		}
	}
	idOf := map[*futures.Future[string]]int{}
	var fs []*futures.Future[string]
	for id := 1; id <= 10; id++ {
		f := pools.Submit(ctx, pool, fetchAndProcess(id))
		idOf[f] = id
		fs = append(fs, f)
	}
	for f, err := range futures.AsCompleted(ctx, fs) {
		if err != nil {
			return err
		}
		result, err := f.Result(ctx)
		var processErr *ProcessError
		switch {
		case err == nil:
			say.Printf("Successfully processed id %d: %s", idOf[f], result)
		case errors.As(err, &processErr):
			say.Printf("Failed to process id %d, not retried: %v", idOf[f], err)
		case errors.Is(err, ErrTransient):
			say.Printf("Failed to fetch id %d: %v", idOf[f], err)
		default:
			say.Printf("Unexpected error for id %d: %v", idOf[f], err)
		}
	}

	say.Print("== a deadline for the retries")
	alwaysDown := pools.Submit(ctx, pool, func(ctx context.Context) (string, error) {
		ctx, cancel := context.WithTimeout(ctx, second)
		defer cancel()
		slow := backoff{attempts: 10, first: 3 * second / 10, most: 5 * second}
		return retry(ctx, slow, func(context.Context) (string, error) {
			return "", &FetchError{ID: 99}
		}, func(attempt int, err error, wait time.Duration) {
			say.Printf("Attempt %d failed, retrying in %v", attempt, wait)
		})
	})
	_, err = alwaysDown.Result(ctx)
	say.Printf("stopped: %v", err)
	return pool.Shutdown(ctx)
}

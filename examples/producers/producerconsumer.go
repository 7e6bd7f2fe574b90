package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"slices"
	"time"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
)

const (
	producers   = 3 // each making perProducer items
	perProducer = 3
	batchSize   = 3
)

type shop struct {
	say        *log.Logger
	second     time.Duration
	producers  *pools.ActorPool // 3 workers
	processors *pools.ActorPool // 2 workers
}

// produce makes producer p's items, each taking its time (0.1 s, 0.13 s or
// 0.17 s), and hands each to emit.
func (s shop) produce(ctx context.Context, p int, emit func(context.Context, string) error) error {
	every := []time.Duration{100, 130, 170}[p-1] * s.second / 1000
	for i := range perProducer {
		if err := sleep(ctx, every); err != nil {
			return err
		}
		item := fmt.Sprintf("item_%d_%d", p, i)
		s.say.Printf("Producer %d created %s", p, item)
		if err := emit(ctx, item); err != nil {
			return err
		}
	}
	return nil
}

// process handles batch number n, which takes 0.5 s plus 0.25 s per n.
func (s shop) process(ctx context.Context, n int, batch []string) ([]string, error) {
	s.say.Printf("Processor %d starting batch %v", n, batch)
	if err := sleep(ctx, s.second/2+time.Duration(n)*s.second/4); err != nil {
		return nil, err
	}
	var processed []string
	for _, item := range batch {
		processed = append(processed, "processed_"+item)
	}
	s.say.Printf("Processor %d completed its batch", n)
	return processed, nil
}

func (s shop) submitBatch(ctx context.Context, n int, batch []string) *futures.Future[[]string] {
	return pools.Submit(ctx, s.processors, func(ctx context.Context) ([]string, error) {
		return s.process(ctx, n, batch)
	})
}

// produceConsume runs the producers and processors in two phases, then streamed.
// It is one part of the example: see the package comment in main.go.
func produceConsume(ctx context.Context, out io.Writer, second time.Duration) error {
	say := log.New(out, "", 0)
	sys := actors.NewSystem()
	defer sys.Shutdown(context.Background())
	s := shop{say: say, second: second}
	var err error
	if s.producers, err = pools.NewActorPool(pools.WithSystem(sys), pools.WithName("producer"), pools.WithMaxWorkers(3)); err != nil {
		return err
	}
	defer s.producers.Shutdown(context.Background())
	if s.processors, err = pools.NewActorPool(pools.WithSystem(sys), pools.WithName("processor"), pools.WithMaxWorkers(2)); err != nil {
		return err
	}
	defer s.processors.Shutdown(context.Background())

	if err := twoPhases(ctx, s); err != nil {
		return err
	}
	if err := streamed(ctx, s); err != nil {
		return err
	}
	if err := errors.Join(s.producers.Shutdown(ctx), s.processors.Shutdown(ctx)); err != nil {
		return err
	}
	return sys.Shutdown(ctx)
}

// twoPhases is the tutorial's version: every producer returns its items,
// and processing starts when the last producer is done.
func twoPhases(ctx context.Context, s shop) error {
	s.say.Print("== produce everything, then process")
	start := time.Now()
	var made []*futures.Future[[]string]
	for p := 1; p <= producers; p++ {
		made = append(made, pools.Submit(ctx, s.producers, func(ctx context.Context) ([]string, error) {
			var items []string
			err := s.produce(ctx, p, func(_ context.Context, item string) error {
				items = append(items, item)
				return nil
			})
			return items, err
		}))
	}
	var all []string
	for f, err := range futures.AsCompleted(ctx, made) {
		if err != nil {
			return err
		}
		items, err := f.Result(ctx)
		if err != nil {
			return err
		}
		all = append(all, items...)
	}
	s.say.Printf("Total items produced: %d", len(all))
	var batches []*futures.Future[[]string]
	for n, batch := range slices.Collect(slices.Chunk(all, batchSize)) {
		batches = append(batches, s.submitBatch(ctx, n, batch))
	}
	return finish(ctx, s, batches, start)
}

// streamed: the items go through a channel as they are made; a batch is
// submitted as soon as it is full.
func streamed(ctx context.Context, s shop) error {
	s.say.Print("== streamed: a batch is processed as soon as it is full")
	start := time.Now()
	items := make(chan string)
	var made []*futures.Future[struct{}]
	for p := 1; p <= producers; p++ {
		made = append(made, pools.Submit(ctx, s.producers, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, s.produce(ctx, p, func(ctx context.Context, item string) error {
				select {
				case items <- item:
					return nil
				case <-ctx.Done():
					return context.Cause(ctx)
				}
			})
		}))
	}
	// Every producer done, finished or failed: no more items.
	producing := futures.AllOf(made...)
	producing.AddDoneCallback(func(*futures.Future[[]futures.Outcome[struct{}]]) { close(items) })

	var batches []*futures.Future[[]string]
	var batch []string
	for item := range items {
		if batch = append(batch, item); len(batch) == batchSize {
			batches = append(batches, s.submitBatch(ctx, len(batches), batch))
			batch = nil
		}
	}
	if len(batch) > 0 {
		batches = append(batches, s.submitBatch(ctx, len(batches), batch))
	}
	outcomes, err := producing.Result(ctx)
	if err != nil {
		return err
	}
	for _, o := range outcomes {
		if o.Err != nil {
			return o.Err
		}
	}
	return finish(ctx, s, batches, start)
}

func finish(ctx context.Context, s shop, batches []*futures.Future[[]string], start time.Time) error {
	total := 0
	for f, err := range futures.AsCompleted(ctx, batches) {
		if err != nil {
			return err
		}
		processed, err := f.Result(ctx)
		if err != nil {
			return err
		}
		total += len(processed)
	}
	s.say.Printf("Total items processed: %d in %v", total, time.Since(start).Round(time.Millisecond))
	return nil
}

// Coffee shop: the tutorial's picture of an executor. The cashier (main)
// takes the orders and hands them to a team of two baristas (an actor pool
// of two workers); each order ticket is a future; the cashier does other
// work, then hands out each coffee as soon as it is ready.
//
//	go run ./examples/coffeeshop                 # 0.1 s per tutorial second
//	go run ./examples/coffeeshop -scale=1 -seed=7
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
)

func main() {
	scale := flag.Float64("scale", 0.1, "length of one of the tutorial's seconds, in seconds")
	seed := flag.Uint64("seed", 1, "seed for the time each coffee takes")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := run(ctx, os.Stdout, seconds(*scale), *seed); err != nil {
		fmt.Fprintln(os.Stderr, "coffeeshop:", err)
		os.Exit(1)
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// ErrOutOfStock is why an order cannot be made.
var ErrOutOfStock = errors.New("out of stock")

type order struct {
	drink string
	takes float64 // tutorial seconds
	lacks string  // an ingredient that ran out, if any
}

// run opens the shop; second is how long one of the tutorial's seconds
// lasts, seed makes the baristas' times repeatable.
func run(ctx context.Context, out io.Writer, second time.Duration, seed uint64) error {
	if second < 0 {
		return errors.New("the scale must not be negative")
	}
	say := log.New(out, "", 0)
	rng := rand.New(rand.NewPCG(seed, 0))
	var orders []order
	for _, drink := range []string{"Espresso", "Latte", "Cappuccino", "Americano", "Oat Flat White"} {
		takes := math.Round((1+2*rng.Float64())*10) / 10 // 1 to 3 seconds
		orders = append(orders, order{drink: drink, takes: takes})
	}
	orders[4].lacks = "oat milk"

	makeCoffee := func(o order) func(context.Context) (string, error) {
		return func(ctx context.Context) (string, error) {
			say.Printf("Starting to make %s (%.1f s)", o.drink, o.takes)
			if err := sleep(ctx, time.Duration(o.takes*float64(second))); err != nil {
				return "", err
			}
			if o.lacks != "" {
				return "", fmt.Errorf("%w: %s", ErrOutOfStock, o.lacks)
			}
			return o.drink + " is ready!", nil
		}
	}

	say.Print("Coffee shop is open!")
	baristas, err := pools.NewActorPool(pools.WithMaxWorkers(2), pools.WithName("barista"))
	if err != nil {
		return err
	}
	defer baristas.Shutdown(context.Background())

	ticketOf := map[*futures.Future[string]]order{}
	var tickets []*futures.Future[string]
	for _, o := range orders {
		t := pools.Submit(ctx, baristas, makeCoffee(o))
		ticketOf[t] = o
		tickets = append(tickets, t)
	}
	say.Print("All orders submitted to baristas. Cashier is free now.")

	if err := sleep(ctx, second); err != nil { // the cashier's other work
		return err
	}
	say.Print("Cashier is checking the status of orders...")
	for t, err := range futures.AsCompleted(ctx, tickets) {
		if err != nil {
			return err
		}
		if coffee, err := t.Result(ctx); err != nil {
			say.Printf("%s order failed: %v", ticketOf[t].drink, err)
		} else {
			say.Printf("Cashier: %s", coffee)
		}
	}
	// Python's `with` block ends here: wait for the baristas to go home.
	if err := baristas.Shutdown(ctx); err != nil {
		return err
	}
	say.Print("Coffee shop is closed!")
	return nil
}

// sleep stands for work that takes d; like any well-behaved task, it stops
// when its context ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

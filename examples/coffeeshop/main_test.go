package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/examples/internal/transcript"
	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

// The tutorial's own timings, on synctest's fake clock: two baristas take
// the orders in turn, each as soon as it is free.
func TestCoffeeShop(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, run(context.Background(), out, time.Second, 1))
		transcript.Equal(t, `
			   0s | Coffee shop is open!
			   0s | All orders submitted to baristas. Cashier is free now.
			   0s | Starting to make Espresso (1.5 s)
			   0s | Starting to make Latte (2.0 s)
			   1s | Cashier is checking the status of orders...
			 1.5s | Cashier: Espresso is ready!
			 1.5s | Starting to make Cappuccino (1.1 s)
			   2s | Cashier: Latte is ready!
			   2s | Starting to make Americano (2.0 s)
			 2.6s | Cashier: Cappuccino is ready!
			 2.6s | Starting to make Oat Flat White (2.5 s)
			   4s | Cashier: Americano is ready!
			 5.1s | Oat Flat White order failed: out of stock: oat milk
			 5.1s | Coffee shop is closed!
		`, out)
	})
}

// Whatever the times, every order is handed out once, and the shop
// closes last.
func TestEveryOrderOnce(t *testing.T) {
	for seed := range uint64(8) {
		transcript.Bubble(t, func(t *testing.T) {
			out := transcript.New()
			require.NoError(t, run(context.Background(), out, time.Second, seed))
			var handed []string
			for _, line := range out.Texts() {
				if s, ok := strings.CutPrefix(line, "Cashier: "); ok {
					handed = append(handed, strings.TrimSuffix(s, " is ready!"))
				}
			}
			slices.Sort(handed)
			require.Equal(t, []string{"Americano", "Cappuccino", "Espresso", "Latte"}, handed, "seed %d", seed)
			require.Contains(t, out.Texts(), "Oat Flat White order failed: out of stock: oat milk")
			texts := out.Texts()
			require.Equal(t, "Coffee shop is closed!", texts[len(texts)-1])
		})
	}
}

func TestNegativeScale(t *testing.T) {
	require.Error(t, run(context.Background(), transcript.New(), -time.Second, 1))
}

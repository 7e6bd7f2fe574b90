package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"sync/atomic"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
)

// database simulates the tutorial's DatabaseConnection: connecting takes
// a second, a query two, closing half a second. It counts the connections
// that are open.
type database struct {
	say    *log.Logger
	second time.Duration
	open   atomic.Int64
}

type conn struct {
	db   *database
	name string
}

func (db *database) connect(ctx context.Context, name string) (*conn, error) {
	db.say.Printf("Connecting to database %s", name)
	if err := sleep(ctx, db.second); err != nil {
		return nil, err
	}
	db.open.Add(1)
	return &conn{db: db, name: name}, nil
}

// Close closes the connection. It does not take the task's context: a
// connection must be closed even when the task was interrupted.
func (c *conn) Close() error {
	c.db.say.Printf("Closing connection to database %s", c.name)
	time.Sleep(c.db.second / 2)
	c.db.open.Add(-1)
	return nil
}

func (c *conn) query(ctx context.Context, sql string) (string, error) {
	c.db.say.Printf("Executing query on %s: %s", c.name, sql)
	switch sql {
	case "SELEKT oops":
		return "", fmt.Errorf("%s: syntax error near %q", c.name, "SELEKT")
	case "CRASH":
		panic(c.name + ": the driver crashed")
	}
	if err := sleep(ctx, 2*c.db.second); err != nil {
		return "", err
	}
	return "Result from " + c.name, nil
}

// runQuery is the tutorial's run_query: the connection is closed however
// the query ends.
func (db *database) runQuery(ctx context.Context, name, sql string) (string, error) {
	c, err := db.connect(ctx, name)
	if err != nil {
		return "", err
	}
	defer c.Close()
	return c.query(ctx, sql)
}

// perTaskResources runs the queries, a connection each, and checks none is left open.
// It is one part of the example: see the package comment in main.go.
func perTaskResources(ctx context.Context, out io.Writer, second time.Duration) error {
	say := log.New(out, "", 0)
	db := &database{say: say, second: second}
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(3))
	if err != nil {
		return err
	}
	// Python's `with ThreadPoolExecutor(...)`: the pool is shut down
	// however run returns, waiting for its tasks.
	defer pool.Shutdown(context.Background())
	query := func(name, sql string) *futures.Future[string] {
		return pools.Submit(ctx, pool, func(ctx context.Context) (string, error) {
			return db.runQuery(ctx, name, sql)
		})
	}

	say.Print("== three queries, three connections")
	fs := []*futures.Future[string]{
		query("DB1", "SELECT * FROM users"),
		query("DB2", "SELECT * FROM users"),
		query("DB3", "SELECT * FROM users"),
	}
	for f, err := range futures.AsCompleted(ctx, fs) {
		if err != nil {
			return err
		}
		result, err := f.Result(ctx)
		if err != nil {
			return err
		}
		say.Printf("Got result: %s", result)
	}
	say.Printf("open connections: %d", db.open.Load())

	say.Print("== every way a task can end")
	failing := query("DB4", "SELEKT oops")
	crashing := query("DB5", "CRASH")
	slow := query("DB6", "SELECT * FROM huge_table")
	queued := query("DB7", "SELECT 1") // no worker free: it waits in the queue
	say.Printf("DB7 cancelled before it started: %v", queued.Cancel())
	if err := sleep(ctx, 3*second/2); err != nil { // DB6 is in its query by now
		return err
	}
	say.Printf("DB6 interrupted: %v", slow.Interrupt())

	for _, c := range []struct {
		name string
		f    *futures.Future[string]
	}{{"DB4", failing}, {"DB5", crashing}, {"DB6", slow}, {"DB7", queued}} {
		_, err := c.f.Result(ctx)
		var panicked *futures.PanicError
		switch {
		case errors.As(err, &panicked):
			say.Printf("%s panicked: %v", c.name, panicked.Value)
		case errors.Is(err, futures.ErrCancelledWhileRunning):
			say.Printf("%s was interrupted: %v", c.name, err)
		case errors.Is(err, futures.ErrCancelled):
			say.Printf("%s was cancelled: %v", c.name, err)
		default:
			say.Printf("%s failed: %v", c.name, err)
		}
	}
	if err := pool.Shutdown(ctx); err != nil {
		return err
	}
	say.Printf("open connections: %d; workers restarted after a panic: %d", db.open.Load(), pool.Stats().Restarts)
	return nil
}

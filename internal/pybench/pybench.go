// Package pybench runs Python's concurrent.futures executors on this
// machine, so that benchmarks can report Python's figures beside ours in
// the same run. It skips when python3 is absent.
package pybench

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

//go:embed executors.py
var script string

var (
	mu      sync.Mutex
	results = map[string]map[string]float64{}
)

// Measure returns Python's figures for which ("thread" or "process"): ns
// per task by benchmark name. The script runs once per process and kind.
func Measure(ctx context.Context, which string) (map[string]float64, error) {
	mu.Lock()
	defer mu.Unlock()
	if r, ok := results[which]; ok {
		return r, nil
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		return nil, fmt.Errorf("pybench: %w", err)
	}
	// A file, not -c: the forkserver and spawn start methods import the
	// main module in their children, by path.
	dir, err := os.MkdirTemp("", "pybench")
	if err != nil {
		return nil, fmt.Errorf("pybench: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "executors.py")
	if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
		return nil, fmt.Errorf("pybench: %w", err)
	}
	var out, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, py, path, which)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("pybench: python3: %w: %s", err, stderr.String())
	}
	r := map[string]float64{}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return nil, fmt.Errorf("pybench: %w", err)
	}
	results[which] = r
	return r, nil
}

// Report makes b report Python's figure for name as its ns/op, skipping b
// when python3 is absent. The Python run takes far longer than b's time
// budget, so b runs once.
func Report(b *testing.B, which, name string) {
	b.Helper()
	r, err := Measure(b.Context(), which)
	if err != nil {
		b.Skip(err)
	}
	v, ok := r[name]
	if !ok {
		b.Fatalf("pybench: no figure %q", name)
	}
	b.ReportMetric(v, "ns/op")
	b.ReportMetric(r["python"]/100, "python-version")
}

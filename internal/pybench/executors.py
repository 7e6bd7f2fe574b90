"""Python's concurrent.futures measured on this machine, for comparison
with actorfutures' benchmarks (run through internal/pybench from Go).

Prints one JSON object: {"name": nanoseconds per task (or per start), ...}.
Usage: python3 executors.py [thread|process|all]
"""
import concurrent.futures as cf
import json
import multiprocessing as mp
import sys
import time


def noop(x=None):
    return x


def per_task(fn, n, repeat=3):
    """Best of `repeat` runs of fn(n), in ns per task."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter_ns()
        fn(n)
        best = min(best, (time.perf_counter_ns() - t) / n)
    return best


def thread_pool(results):
    with cf.ThreadPoolExecutor(max_workers=2) as ex:
        def submit_all(n):
            fs = [ex.submit(noop) for _ in range(n)]
            for f in fs:
                f.result()

        def round_trip(n):
            for _ in range(n):
                ex.submit(noop).result()

        def map_all(n):
            for _ in ex.map(noop, range(n)):
                pass

        results["ThreadPoolSubmitAll"] = per_task(submit_all, 20000)
        results["ThreadPoolRoundTrip"] = per_task(round_trip, 5000)
        results["ThreadPoolMap"] = per_task(map_all, 20000)


def process_pool(results):
    for method in ("fork", "forkserver"):
        ctx = mp.get_context(method)

        def cold(n):
            for _ in range(n):
                with cf.ProcessPoolExecutor(max_workers=2, mp_context=ctx) as ex:
                    ex.submit(noop, 1).result()

        results["ProcessPoolColdStart/" + method] = per_task(cold, 5, repeat=2)

    ctx = mp.get_context("fork")
    with cf.ProcessPoolExecutor(max_workers=2, mp_context=ctx) as ex:
        ex.submit(noop).result()  # warm

        def round_trip(n):
            for _ in range(n):
                ex.submit(noop, 1).result()

        def submit_all(n):
            fs = [ex.submit(noop, i) for i in range(n)]
            for f in fs:
                f.result()

        def map_chunked(n):
            for _ in ex.map(noop, range(n), chunksize=100):
                pass

        results["ProcessPoolRoundTrip"] = per_task(round_trip, 2000)
        results["ProcessPoolSubmitAll"] = per_task(submit_all, 5000)
        results["ProcessPoolMapChunked"] = per_task(map_chunked, 50000)


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    results = {"python": float(sys.version_info[0] * 100 + sys.version_info[1])}
    if which in ("thread", "all"):
        thread_pool(results)
    if which in ("process", "all"):
        process_pool(results)
    json.dump(results, sys.stdout)

"""Acknowledgement latency of the webhook receiver for a burst of 1,000 deliveries.

The receiver runs in a child process (as it would on its own host), tuned as `incident-bot
serve` tunes it. Two cases: the receiver alone (a handle that does nothing), and the receiver
while its 4 workers reconcile, each event standing in for a reconcile with 5 ms of Python work
(parsing, deciding, rendering: it holds the GIL) and 15 ms of waiting on GitLab. The burst comes
over 1 and over 8 keep-alive connections at once, as GitLab's workers send it. A latency is the
time from sending a request to reading its whole answer. Prints a Markdown section.

    python benchmarks/bench_receiver.py [--deliveries 1000] [--connections 8]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SECRET = "benchmark-webhook-secret"
TARGET_P99_MS = 20.0
CASES = {"receiver alone": (0.0, 0.0), "while reconciling (5 ms CPU + 15 ms I/O)": (0.005, 0.015)}


def serve(cpu: float, wait: float) -> None:
    """Child process: run the receiver until stdin closes."""
    from automation.server import create_app, favour_acknowledgements, serve_in_thread

    def simulated_reconcile(event: object) -> None:
        deadline = time.perf_counter() + cpu
        while time.perf_counter() < deadline:
            pass
        time.sleep(wait)

    favour_acknowledgements()
    # A queue large enough for every burst of the run: this measures answers, not drops.
    app = create_app(SECRET, "incident-bot", simulated_reconcile, workers=4, queue_size=10_000)
    server = serve_in_thread(app)
    print(server.url, flush=True)
    sys.stdin.read()
    server.stop()


def delivery(n: int, tag: str) -> tuple[bytes, dict[str, str]]:
    body = json.loads((ROOT / "tests/fixtures/webhooks/issue_label_change.json").read_text())
    body["object_attributes"]["iid"] = n % 50
    headers = {
        "Content-Type": "application/json",
        "X-Gitlab-Event": "Issue Hook",
        "X-Gitlab-Token": SECRET,
        "Idempotency-Key": f"{tag}-{n}",
        "User-Agent": "GitLab/17.6.0",
    }
    return json.dumps(body).encode(), headers


def burst(url: str, deliveries: int, connections: int, tag: str) -> tuple[list[float], float]:
    """Send the deliveries over `connections` keep-alive connections; latencies in ms."""
    where = urlsplit(url)
    prepared = [delivery(n, tag) for n in range(deliveries)]
    local = threading.local()

    def send(n: int) -> float:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection(where.hostname, where.port)
        body, headers = prepared[n]
        started = time.perf_counter()
        conn.request("POST", "/webhook", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 202:
            raise RuntimeError(f"delivery {n} answered {response.status}")
        return elapsed

    started = time.perf_counter()
    with ThreadPoolExecutor(connections) as pool:
        latencies = list(pool.map(send, range(deliveries)))
    return latencies, time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(cpu: float, wait: float, deliveries: int, connections: int) -> list[tuple]:
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(cpu), str(wait)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        url = child.stdout.readline().strip()
        burst(url, 50, connections, "warm-up")  # code paths, connections
        rows = []
        for count in (1, connections):
            latencies, seconds = burst(url, deliveries, count, f"c{count}")
            rows.append((count, latencies, seconds))
        return rows
    finally:
        child.stdin.close()
        child.wait(120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deliveries", type=int, default=1000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3, help="bursts per figure; medians shown")
    parser.add_argument("--serve", nargs=2, type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(*args.serve)

    print("## Receiver: acknowledgement latency\n")
    print(
        f"A burst of {args.deliveries} `Issue Hook` deliveries on loopback to a receiver in its "
        f"own process (4 workers); each figure is the median over {args.runs} bursts, each "
        f"against a fresh receiver. Target: p99 ≤ {TARGET_P99_MS:.0f} ms.\n"
    )
    print("| case | connections | p50 ms | p99 ms | max ms | deliveries/s | p99 ≤ target |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | :---: |")
    for case, (cpu, wait) in CASES.items():
        figures: dict[int, list[tuple[float, float, float, float]]] = {}
        for _ in range(args.runs):
            for count, latencies, seconds in measure(cpu, wait, args.deliveries, args.connections):
                figures.setdefault(count, []).append(
                    (
                        statistics.median(latencies),
                        percentile(latencies, 0.99),
                        max(latencies),
                        len(latencies) / seconds,
                    )
                )
        for count, runs in figures.items():
            p50, p99, worst, rate = (
                statistics.median(column) for column in zip(*runs, strict=True)
            )
            print(
                f"| {case} | {count} | {p50:.2f} | {p99:.2f} | {worst:.2f} | {rate:.0f} | "
                f"{'yes' if p99 <= TARGET_P99_MS else 'no'} |"
            )
    print(
        f"\nReproduce: `python benchmarks/bench_receiver.py --deliveries {args.deliveries} "
        f"--connections {args.connections} --runs {args.runs}`"
    )


if __name__ == "__main__":
    main()

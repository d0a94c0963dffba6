"""How fast Response acknowledges Slack, against a bare Django view on the same server.

    .venv/bin/python bench/slack_ack.py [--requests 1500] [--levels 1,8,32]

1. Starts `response web` (waitress, the production server) in a subprocess on a fresh SQLite data
   directory, with a bench-only URL that answers "ok" from a bare Django view.
2. Sends signed Events API deliveries (each a new event_id: verify, record, enqueue, answer) and
   plain POSTs to the bare view, at each concurrency level, from a separate load process, and
   prints p50/p99 latency and throughput for both, and their ratio.
3. Starts `response run` (web + worker) wired to fakeslack and measures the time from submitting
   the declare modal to the headline post appearing in fakeslack.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import throwaway_postgres  # noqa: E402

RESPONSE = str(Path(sys.executable).parent / "response")
SECRET = "bench-signing-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def start(command: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT
    )


DATABASE_URL = ""  # --database-url: a PostgreSQL database to use instead of SQLite


def base_env(data_dir: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    if DATABASE_URL:
        env["DATABASE_URL"] = DATABASE_URL
    env.update(
        RESPONSE_DATA_DIR=data_dir,
        RESPONSE_LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="bench.bench_settings",
    )
    env.update(extra)
    return env


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def load(url: str, make_request, *, total: int, concurrency: int) -> dict:
    """Send `total` requests with `concurrency` workers; latencies in milliseconds."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    counter = iter(range(total))

    def worker():
        nonlocal errors
        for n in counter:
            request = make_request(url, n)
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
                    ok = response.status == 200
            except Exception:
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for _ in range(concurrency):
            pool.submit(worker)
    wall = time.perf_counter() - started
    return {
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "rps": total / wall,
        "errors": errors,
    }


def signed_event(url: str, n: int) -> urllib.request.Request:
    from fakeslack import signature

    body = json.dumps(
        {
            "token": "x",
            "team_id": "T0BENCH",
            "api_app_id": "A0BENCH",
            "type": "event_callback",
            "event_id": f"EvBENCH{n:08d}{time.time_ns()}",
            "event_time": int(time.time()),
            "event": {
                "type": "reaction_added",
                "user": "U0BENCH",
                "reaction": "eyes",
                "item": {"type": "message", "channel": "C0BENCH", "ts": "1764000000.000100"},
            },
        }
    ).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature(SECRET, timestamp, body),
    }
    return urllib.request.Request(url, data=body, headers=headers, method="POST")


def bare(url: str, n: int) -> urllib.request.Request:
    return urllib.request.Request(url, data=b"{}", method="POST")


def ack_latency(total: int, levels: list[int]) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as data_dir:
        env = base_env(data_dir, SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=SECRET)
        subprocess.run([RESPONSE, "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
        port = free_port()
        server = start([RESPONSE, "web", "--port", str(port)], env)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_serving(f"{base}/health")
            load(f"{base}/slack/events", signed_event, total=100, concurrency=4)  # warm up
            load(f"{base}/bench/bare", bare, total=100, concurrency=4)
            for level in levels:
                baseline = load(f"{base}/bench/bare", bare, total=total, concurrency=level)
                ack = load(f"{base}/slack/events", signed_event, total=total, concurrency=level)
                rows.append({"concurrency": level, "bare": baseline, "ack": ack})
        finally:
            server.terminate()
            server.wait(timeout=30)
    return rows


def submit_to_headline(runs: int) -> list[float]:
    from fakeslack import FakeSlack

    slack = FakeSlack().start()
    timings = []
    with tempfile.TemporaryDirectory() as data_dir:
        port = free_port()
        env = base_env(
            data_dir,
            SLACK_BOT_TOKEN=slack.bot_token,
            SLACK_SIGNING_SECRET=slack.signing_secret,
            SLACK_API_URL=slack.api_url,
            RESPONSE_AUTO_CREATE_CHANNEL="1",
        )
        server = start([RESPONSE, "run", "--port", str(port)], env)
        try:
            wait_until_serving(f"http://127.0.0.1:{port}/health")
            slack.configure_app(request_url=f"http://127.0.0.1:{port}/slack/events")
            alice = slack.actor("alice")
            incidents = slack.channel_id("incidents")
            for run in range(runs):
                before = len(slack.messages(incidents))
                alice.slash_command("/incident", f"Bench incident {run}", channel="general")
                view = slack.open_views(slack.user_id("alice"))[-1]
                started = time.perf_counter()
                alice.submit_view(view["id"])
                slack.wait_for(lambda b=before: len(slack.messages(incidents)) > b, timeout=30)
                timings.append((time.perf_counter() - started) * 1000)
        finally:
            server.terminate()
            server.wait(timeout=30)
            slack.stop()
    return timings


def main() -> None:
    global DATABASE_URL
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1500)
    parser.add_argument("--levels", default="1,8,32")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", default="", help="PostgreSQL (a fresh database is made)")
    args = parser.parse_args()
    levels = [int(level) for level in re.split(r"[, ]+", args.levels) if level]
    drop = None
    if args.database_url:
        DATABASE_URL, drop = throwaway_postgres(args.database_url)
    try:
        report(args, levels)
    finally:
        if drop is not None:
            drop()


def report(args, levels: list[int]) -> None:

    print(f"Signed event deliveries vs a bare Django view, {args.requests} requests per cell")
    database = "PostgreSQL" if DATABASE_URL else "SQLite WAL"
    print(f"(waitress via `response web`, {database}, one machine; latencies in ms)\n")
    print(
        f"{'conc':>4} | {'bare p50':>8} {'bare p99':>8} {'bare rps':>8} | "
        f"{'ack p50':>8} {'ack p99':>8} {'ack rps':>8} | {'p99 ratio':>9} | errors"
    )
    for row in ack_latency(args.requests, levels):
        b, a = row["bare"], row["ack"]
        print(
            f"{row['concurrency']:>4} | {b['p50']:8.2f} {b['p99']:8.2f} {b['rps']:8.0f} | "
            f"{a['p50']:8.2f} {a['p99']:8.2f} {a['rps']:8.0f} | {a['p99'] / b['p99']:9.2f} | "
            f"{b['errors'] + a['errors']}"
        )
    timings = submit_to_headline(args.runs)
    print(
        f"\nModal submit -> headline post in fakeslack ({len(timings)} incidents, `response run`):"
        f" p50 {statistics.median(timings):.0f} ms, max {max(timings):.0f} ms"
    )


if __name__ == "__main__":
    main()

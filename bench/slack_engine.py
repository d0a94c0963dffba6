"""What a responder feels: how soon the bot answers, in a quiet moment, under a burst, and after
a Slack outage. Each figure is printed beside a baseline measured in the same run.

    .venv/bin/python bench/slack_engine.py                       # SQLite
    .venv/bin/python bench/slack_engine.py --database-url postgres://postgres@127.0.0.1:5432/postgres
    .venv/bin/python bench/slack_engine.py --quick               # small numbers, a short outage

Three processes, as in production: fakeslack (`python -m fakeslack`, its own process, so Slack's
side costs Response nothing), `response run` (web, engine and Huey in one process, the default)
wired to it, and this script, which acts as the people in Slack through fakeslack's control API
(each post is delivered to Response, signed, and answered before the call returns) and reads
what Response did in fakeslack's record of Web API calls.

1. Idle: after the worker has been idle (a minute with --idle-minute, else a few seconds), one
   `@Response severity …`: from its acknowledgement to its ✅ at Slack. Baseline: the same
   delivery's acknowledgement alone, plus one `reactions.add` from here to fakeslack.
2. Burst: N `@Response severity …` mentions over 20 incidents, 8 at a time: each command's
   first visible reaction (its ✅) after its acknowledgement (p50, p95), and the rate at which
   the whole burst was drained (acknowledged, applied, every reply and edit made). Baseline: the
   rate at which the same deliveries are acknowledged (what Slack could send us).
3. Plain messages: N messages (no mention) in the incidents' channels, 8 at a time: the rate at
   which they were acknowledged and processed.
4. `/incident`: acknowledgement time at 8 concurrent (Response opens the modal with `views.open`
   before it answers). Baseline: the `views.open` call's own time, and fakeslack's delivery of a
   command to a bare answer (the acknowledgement of an event).
5. Outage: Slack answers 503 for --outage-seconds while 20 status updates are posted: after it
   answers again, how long until every update is in the channel, once and in order.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import throwaway_postgres  # noqa: E402
from bench.slack_ack import free_port, percentile, wait_until_serving  # noqa: E402

RESPONSE = str(Path(sys.executable).parent / "response")
SEVERITIES = ["critical", "major", "minor", "trivial"]
INCIDENTS = 20
CONCURRENCY = 8


class Slack:
    """fakeslack in its own process, driven and read through its control API."""

    def __init__(self, request_url: str, keep_calls: int) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "fakeslack",
                "--port",
                str(self.port),
                "--request-url",
                request_url,
                "--keep-calls",
                str(keep_calls),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.env: dict[str, str] = {}
        for line in self.process.stdout:
            if "=" in line and line.strip().startswith("SLACK_"):
                name, value = line.strip().split("=", 1)
                self.env[name] = value
            if "SLACK_CLIENT_SECRET" in line:
                break
        self.url = f"http://127.0.0.1:{self.port}"
        self._local = threading.local()

    def control(self, path: str, body: dict | None = None, method: str = "POST") -> dict:
        """A control API call, over this thread's kept-alive connection (as a Slack client
        keeps its connections: a new one per call would measure TCP set-up, not Response)."""
        data = json.dumps(body).encode() if body is not None else None
        verb = method if data is not None or method != "POST" else "GET"
        return self._request(verb, f"/_fakeslack/{path}", data, {})

    def _request(self, verb: str, path: str, data: bytes | None, headers: dict) -> dict:
        connections = self._local.__dict__.setdefault("connections", {})
        for attempt in (1, 2):
            connection = connections.get("slack")
            if connection is None:
                connection = connections["slack"] = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=120
                )
            try:
                connection.request(
                    verb, path, body=data, headers={"Content-Type": "application/json", **headers}
                )
                response = connection.getresponse()
                return json.loads(response.read())
            except (http.client.HTTPException, ConnectionError):
                connection.close()
                connections.pop("slack", None)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def web_api(self, method: str, **arguments) -> dict:
        return self._request(
            "POST",
            f"/api/{method}",
            json.dumps(arguments).encode(),
            {
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.env['SLACK_BOT_TOKEN']}",
            },
        )

    def act(self, user: str, action: str, **arguments) -> dict:
        return self.control("act", {"user": user, "action": action, **arguments})["result"]

    def state(self) -> dict:
        return self.control("state", method="GET")

    def calls(self, method: str) -> list[dict]:
        return self.control(f"calls?method={method}", method="GET")["calls"]

    def counts(self) -> dict[str, int]:
        return self.control("calls/counts", method="GET")["counts"]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class Response:
    """`response run` on a fresh data directory (and database); with `split`, production's
    shape instead: `response web` and `response worker`, the worker woken through the queue."""

    def __init__(
        self, data_dir: str, database_url: str, *, split: str = "", workers: int = 1
    ) -> None:
        self.split = split  # the queue between them: a RESPONSE_QUEUE_URL
        self.workers = workers  # `response worker` processes, with `split`
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE"))}
        self.env.update(
            RESPONSE_DATA_DIR=data_dir,
            RESPONSE_LOG_LEVEL="WARNING",
            SITE_URL="https://response.example.com",
            # The reminders would post in the channels during the outage; they are measured in
            # bench/notifications_scheduler.py.
            RESPONSE_REMIND_NO_LEAD="0",
            RESPONSE_REMIND_NO_SEVERITY="0",
            RESPONSE_REMIND_UPDATE_CADENCE="0",
            RESPONSE_REMIND_LONG_RUNNING="0",
        )
        if database_url:
            self.env["DATABASE_URL"] = database_url
        if split:
            self.env["RESPONSE_QUEUE_URL"] = split
        self.processes: list[subprocess.Popen] = []

    def start(self, slack: Slack) -> None:
        self.env.update(slack.env)
        self.env.pop("SLACK_APP_TOKEN", None)  # HTTP deliveries, not Socket Mode
        subprocess.run([RESPONSE, "migrate", "-v", "0"], env=self.env, check=True, cwd=ROOT)
        commands = (
            [["web", "--port", str(self.port)], *[["worker"]] * self.workers]
            if self.split
            else [["run", "--port", str(self.port), "--no-migrate"]]
        )
        for command in commands:
            self.processes.append(
                subprocess.Popen(
                    [RESPONSE, *command],
                    env=self.env,
                    cwd=ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        wait_until_serving(f"{self.url}/health")

    @property
    def pids(self) -> list[int]:
        return [process.pid for process in self.processes]

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            process.wait(timeout=60)


def use_its_database(data_dir: str, database_url: str) -> None:
    """This process reads the database `response run` writes (to count its jobs)."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="response.settings",
        RESPONSE_DATA_DIR=data_dir,
        RESPONSE_LOG_LEVEL="WARNING",
        **({"DATABASE_URL": database_url} if database_url else {}),
    )
    import django

    django.setup()


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (Linux), user and system."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU used by Response (all its processes), fakeslack and this script between start() and
    stop()."""

    def __init__(self, **pids: list[int]) -> None:
        self.pids = {**pids, "bench": [os.getpid()]}

    def _used(self) -> dict[str, float]:
        return {name: sum(cpu_seconds(pid) for pid in pids) for name, pids in self.pids.items()}

    def start(self) -> None:
        self.began = self._used()
        self.wall = time.monotonic()

    def stop(self) -> dict[str, float]:
        wall = time.monotonic() - self.wall
        used = self._used()
        return {**{name: used[name] - self.began[name] for name in used}, "wall": wall}


def wait_for(predicate, timeout: float, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise TimeoutError("gave up waiting")


# --- Setting the scene ----------------------------------------------------------------------------


def declare_incidents(slack: Slack, count: int) -> list[str]:
    """Declare `count` incidents in Slack, as alice; returns their channels' ids (bob joins)."""
    for n in range(count):
        delivery = slack.act("alice", "slash_command", command="/incident", text=f"Incident {n}")
        assert delivery["ok"], delivery
        view = slack.state()["views"][-1]
        slack.act("alice", "submit_view", view_id=view["id"])

    def channels() -> list[str] | None:
        found = [c["id"] for c in slack.state()["channels"] if c["name"].startswith("inc-")]
        return found if len(found) == count else None

    found = wait_for(channels, timeout=120, every=0.5)
    for channel in found:
        slack.act("bob", "join", channel=channel)
    return found


def bot_id(slack: Slack) -> str:
    return slack.state()["bot"]["user_id"]


def mention(slack: Slack, channel: str, text: str) -> tuple[str, float]:
    """Post `@Response <text>` as bob; returns the message ts and when its delivery was answered."""
    ts = slack.act("bob", "post_message", channel=channel, text=f"<@{BOT}> {text}")
    return ts, time.time()


def reactions_by_ts(slack: Slack) -> dict[str, float]:
    """When each message first got a reaction from the bot: {ts: time of the call}."""
    first: dict[str, float] = {}
    for call in slack.calls("reactions.add"):
        ts = call["args"].get("timestamp")
        if ts and ts not in first:
            first[ts] = call["time"]
    return first


def settle(slack: Slack, quiet: float = 1.5, timeout: float = 600) -> float:
    """Wait until fakeslack has seen no Web API call for `quiet` seconds; returns when the last
    call was made."""
    deadline = time.monotonic() + timeout
    last_total, last_change = -1, time.monotonic()
    while time.monotonic() < deadline:
        total = sum(slack.counts().values())
        if total != last_total:
            last_total, last_change = total, time.monotonic()
        elif time.monotonic() - last_change > quiet:
            return time.time() - (time.monotonic() - last_change)
        time.sleep(0.1)
    raise TimeoutError("Response kept calling Slack")


# --- The measurements -----------------------------------------------------------------------------


def idle(slack: Slack, channels: list[str], *, idle_seconds: float, samples: int) -> dict:
    latencies, baseline = [], []
    severities = itertools.cycle(SEVERITIES)
    for _ in range(samples):
        time.sleep(idle_seconds)
        started = time.time()
        ts, acked = mention(slack, channels[0], f"severity {next(severities)}")
        reacted = wait_for(lambda t=ts: reactions_by_ts(slack).get(t), timeout=30, every=0.005)
        latencies.append((reacted - acked) * 1000)
        # Baseline: the acknowledgement alone, then one reactions.add from here.
        call_started = time.time()
        slack.web_api("reactions.add", channel=channels[0], timestamp=ts, name="eyes")
        baseline.append(((acked - started) + (time.time() - call_started)) * 1000)
    return {"latency": latencies, "baseline": baseline}


def in_parallel(work, items, concurrency: int = CONCURRENCY) -> list:
    results: list = []
    lock = threading.Lock()
    iterator = iter(items)

    def worker() -> None:
        for item in iterator:
            value = work(item)
            with lock:
                results.append(value)

    with ThreadPoolExecutor(concurrency) as pool:
        for _ in range(concurrency):
            pool.submit(worker)
    return results


def burst(slack: Slack, channels: list[str], commands: int, meter: CpuMeter) -> dict:
    before = slack.counts()
    meter.start()
    started = time.time()

    def command(n: int) -> tuple[str, float, float]:
        sent = time.time()
        ts, acked = mention(
            slack, channels[n % len(channels)], f"severity {SEVERITIES[(n // len(channels)) % 4]}"
        )
        return ts, sent, acked

    sent = in_parallel(command, range(commands))
    acked_all = time.time()
    wait_for(
        lambda: len(reactions_by_ts(slack).keys() & {s[0] for s in sent}) == commands, 600, 0.5
    )
    finished = settle(slack)
    cpu = meter.stop()
    reacted = reactions_by_ts(slack)
    delays = [(reacted[ts] - acked) * 1000 for ts, _, acked in sent]
    calls = {m: n for m, n in slack_counts_since(slack, before).items() if m != "users.info"}
    return {
        "commands": commands,
        "ack_rate": commands / (acked_all - started),
        "drain_rate": commands / (finished - started),
        "first_reaction_p50": percentile(delays, 0.5),
        "first_reaction_p95": percentile(delays, 0.95),
        "first_reaction_max": max(delays),
        "calls": calls,
        "calls_per_command": sum(calls.values()) / commands,
        "cpu": cpu,
    }


def slack_counts_since(slack: Slack, before: dict[str, int]) -> dict[str, int]:
    return slack.control("calls/counts", {"since": before})["counts"]


def plain_messages(slack: Slack, channels: list[str], count: int, meter: CpuMeter) -> dict:
    from django.db.models import Max, Min

    from response.engine.models import Job

    first_id = (Job.objects.aggregate(last=Max("id"))["last"] or 0) + 1
    meter.start()
    started = time.time()

    def post(n: int) -> None:
        slack.act("bob", "post_message", channel=channels[n % len(channels)], text=f"status {n}")

    in_parallel(post, range(count))
    acked_all = time.time()
    events = Job.objects.filter(kind="slack.event", id__gte=first_id)
    wait_for(lambda: events.count() >= count and not events.filter(state="pending").exists(), 600)
    span = events.aggregate(first=Min("created_at"), last=Max("done_at"))
    return {
        "cpu": meter.stop(),
        "messages": count,
        "ack_rate": count / (acked_all - started),
        "drain_rate": count / (span["last"].timestamp() - started),
    }


def slash_commands(slack: Slack, count: int) -> dict:
    def open_modal(n: int) -> float:
        started = time.perf_counter()
        slack.act("carol", "slash_command", command="/incident", text=f"Bench {n}")
        return (time.perf_counter() - started) * 1000

    in_parallel(open_modal, range(20))  # warm up
    before = len(slack.calls("views.open"))
    acks = in_parallel(open_modal, range(count))
    opens = [c for c in slack.calls("views.open")[before:]]
    # fakeslack records when each call arrived; how long it took it to answer is negligible,
    # so the views.open cost seen by Response is its round trip: measure it from here.
    round_trips = in_parallel(lambda n: _timed(slack.web_api, "auth.test"), range(count))
    return {
        "count": count,
        "ack_p50": percentile(acks, 0.5),
        "ack_p99": percentile(acks, 0.99),
        "views_open_calls": len(opens),
        "web_api_p99": percentile(round_trips, 0.99),
    }


def _timed(function, *args, **kwargs) -> float:
    started = time.perf_counter()
    function(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


def outage(slack: Slack, channel: str, *, seconds: float, updates: int = 20) -> dict:
    slack.control("outage", {"mode": "503"})
    began = time.monotonic()
    texts = [f"Update {n:02d} from the bench" for n in range(updates)]
    for n, text in enumerate(texts):
        wait_until = began + seconds * (n + 0.5) / updates
        time.sleep(max(wait_until - time.monotonic(), 0))
        mention(slack, channel, f"update {text}")
    time.sleep(max(began + seconds - time.monotonic(), 0))
    early = posted_updates(slack, channel, texts)
    slack.control("restore", {})
    restored = time.time()

    def posted() -> list[str] | None:
        found = posted_updates(slack, channel, texts)
        return found if len(found) >= updates else None

    found = wait_for(posted, timeout=max(600, seconds), every=0.2)
    delivered = time.time()
    return {
        "seconds": seconds,
        "updates": updates,
        "after_restore": delivered - restored,
        "posted_during_outage": len(early),
        "once": len(found) == updates,
        "in_order": found == texts,
    }


def posted_updates(slack: Slack, channel: str, texts: list[str]) -> list[str]:
    """The updates the bot has posted in the channel, in the channel's order."""
    [state] = [c for c in slack.state()["channels"] if c["id"] == channel]
    return [
        text
        for m in state["messages"]
        if m.get("bot_id") or m.get("user") == BOT
        for text in texts
        if text in (m.get("text") or "")
    ]


# --- Running it -----------------------------------------------------------------------------------

BOT = ""


def main() -> None:
    global BOT
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="", help="PostgreSQL (a fresh database is made)")
    parser.add_argument("--commands", type=int, default=1000)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--slash", type=int, default=200)
    parser.add_argument("--idle-minute", action="store_true", help="idle 60 s before each sample")
    parser.add_argument("--idle-samples", type=int, default=10)
    parser.add_argument("--outage-seconds", type=float, default=300)
    parser.add_argument("--quick", action="store_true", help="small numbers, a 20 s outage")
    parser.add_argument("--only", default="idle,burst,plain,slash,outage")
    parser.add_argument(
        "--split",
        default="",
        metavar="QUEUE_URL",
        help="run `response web` and `response worker` (production's shape) with this queue",
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="with --split: how many `response worker` processes"
    )
    args = parser.parse_args()
    if args.quick:
        args.commands, args.messages, args.slash = 200, 200, 50
        args.outage_seconds, args.idle_samples = 20, 5
    only = set(args.only.split(","))
    database_url, drop = ("", None)
    if args.database_url:
        database_url, drop = throwaway_postgres(args.database_url, "engine")
    with tempfile.TemporaryDirectory(prefix="response-bench-") as data_dir:
        response = Response(data_dir, database_url, split=args.split, workers=args.workers)
        slack = Slack(f"{response.url}/slack/events", keep_calls=200_000)
        try:
            response.start(slack)
            use_its_database(data_dir, database_url)
            BOT = bot_id(slack)
            meter = CpuMeter(response=response.pids, fakeslack=[slack.process.pid])
            run(args, only, slack, database_url, meter)
        finally:
            response.stop()
            slack.stop()
            if drop is not None:
                drop()


def cpu_text(cpu: dict[str, float], count: int, what: str) -> str:
    per = ", ".join(
        f"{name} {cpu[name] / count * 1000:.1f} ms" for name in ("response", "fakeslack", "bench")
    )
    busy = sum(cpu[name] for name in ("response", "fakeslack", "bench")) / cpu["wall"]
    return f"CPU per {what}: {per} (the three together kept {busy:.2f} of 2 cores busy)"


def run(args, only: set[str], slack: Slack, database_url: str, meter: CpuMeter) -> None:
    database = "PostgreSQL" if database_url else "SQLite"
    load = os.getloadavg()[0]
    shape = (
        f"`response web` + {args.workers} × `response worker`, queue {args.split}"
        if args.split
        else "`response run`"
    )
    print(f"# Slack engine bench: {database}, {shape}, load average {load:.1f}\n")
    channels = declare_incidents(slack, INCIDENTS)
    settle(slack)
    if "idle" in only:
        seconds = 60 if args.idle_minute else 3
        result = idle(slack, channels, idle_seconds=seconds, samples=args.idle_samples)
        print(
            f"idle ({seconds:.0f} s before each of {args.idle_samples}): mention -> ✅ "
            f"p50 {statistics.median(result['latency']):.1f} ms, "
            f"max {max(result['latency']):.1f} ms; "
            f"baseline (ack + one reactions.add) p50 {statistics.median(result['baseline']):.1f} ms"
        )
    if "burst" in only:
        result = burst(slack, channels, args.commands, meter)
        print(
            f"burst: {result['commands']} `severity` mentions over {INCIDENTS} incidents, "
            f"{CONCURRENCY} at a time: acknowledged at {result['ack_rate']:.0f}/s (baseline), "
            f"drained at {result['drain_rate']:.1f} commands/s; first reaction after ack "
            f"p50 {result['first_reaction_p50']:.0f} ms, p95 {result['first_reaction_p95']:.0f} ms,"
            f" max {result['first_reaction_max']:.0f} ms; "
            f"{result['calls_per_command']:.2f} Slack calls per command {result['calls']}"
        )
        print("  " + cpu_text(result["cpu"], result["commands"], "command"))
        settle(slack)
    if "plain" in only:
        result = plain_messages(slack, channels, args.messages, meter)
        print(
            f"plain messages: {result['messages']}, {CONCURRENCY} at a time: acknowledged at "
            f"{result['ack_rate']:.0f}/s (baseline), drained at {result['drain_rate']:.1f}/s"
        )
        print("  " + cpu_text(result["cpu"], result["messages"], "message"))
        settle(slack)
    if "slash" in only:
        result = slash_commands(slack, args.slash)
        print(
            f"/incident at {CONCURRENCY} concurrent ({result['count']}): ack p50 "
            f"{result['ack_p50']:.1f} ms, p99 {result['ack_p99']:.1f} ms (it includes views.open; "
            f"baseline: one Web API round trip from here at {CONCURRENCY} concurrent, p99 "
            f"{result['web_api_p99']:.1f} ms)"
        )
        settle(slack)
    if "outage" in only:
        result = outage(slack, channels[1], seconds=args.outage_seconds)
        print(
            f"outage: Slack down {result['seconds']:.0f} s while {result['updates']} updates were "
            f"posted: all in the channel {result['after_restore']:.1f} s after it answered again; "
            f"once: {result['once']}, in order: {result['in_order']} "
            f"({result['posted_during_outage']} were posted during the outage)"
        )


if __name__ == "__main__":
    main()

"""Production's shape, proven: several `response web` and `response worker` processes on
PostgreSQL with the Redis queue, under signed Slack deliveries and REST API edits at once.

    .venv/bin/python bench/scale_out.py                    # 1+1, then 2+2 (web+worker)
    .venv/bin/python bench/scale_out.py --shapes 2+2 --incidents 10 --steps 10
    .venv/bin/python bench/scale_out.py --postgres postgres://postgres@127.0.0.1:5432/postgres \\
        --queue redis://127.0.0.1:6379/9

For each shape, on a fresh PostgreSQL database and a Redis database of its own (flushed first):
fakeslack in its own process delivers Slack's signed requests to the web processes in turn (as a
load balancer would share them out); `response migrate` runs once; the web and worker processes
start. `--incidents` incidents are declared through the API, then one thread per incident sends
`--steps` changes to it, each once the one before was acknowledged: even steps are
`@Response severity …` mentions in its channel (fakeslack signs and delivers them), odd steps
`PATCH /api/incidents/{id}` status edits through the web processes in turn. Half-way through, every
incident's `take_a_break` reminder is made due (its row and its job moved to now, as if half an
hour had passed). When everything is drained it checks, and prints:

- every delivery applied once: one `slack.event` job per mention (no dead job, nothing pending),
  one severity entry on the timeline per mention, one ✅ per mention at fakeslack, one status
  entry per API edit;
- per-incident order: the incident's severity entries are in the order its mentions were
  acknowledged, and its status entries in the order of its edits;
- every reminder sent once: one "take a break" message in each incident's channel at fakeslack,
  and `sent_count` 1 on each row;
- throughput: changes applied per second, from the first change sent to the last one's ✅ (or
  timeline entry), and the same as a ratio of the first shape's (the baseline) in the same run.

The driver reads what Response did only through its boundaries: fakeslack's record of Web API
calls, the REST API, and SQL for the rows. tests/server/test_scale_out.py runs the
same code with a small load.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import throwaway_postgres  # noqa: E402
from bench.slack_engine import cpu_seconds  # noqa: E402

RESPONSE = str(Path(sys.executable).parent / "response")
SEVERITIES = ["critical", "major", "minor", "trivial"]
STATUSES = ["identified", "monitoring", "investigating"]  # from investigating, each a move
BREAK_TEXT = "Think about taking a few minutes away from the screen"


@dataclass(frozen=True)
class Shape:
    webs: int
    workers: int

    @classmethod
    def parse(cls, text: str) -> Shape:
        webs, workers = text.split("+")
        return cls(int(webs), int(workers))

    def __str__(self) -> str:
        return f"{self.webs}+{self.workers}"


# --- The processes --------------------------------------------------------------------------------


class Process:
    """A child process whose output goes to a file; stopped with Ctrl-C, killed if it lingers."""

    def __init__(self, args: list[str], *, env: dict[str, str], log: Path) -> None:
        self.args, self.log = args, log
        self._file = log.open("w")
        self.popen = subprocess.Popen(
            args,
            env={**env, "PYTHONUNBUFFERED": "1"},
            cwd=ROOT,
            stdout=self._file,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def wait_for_line(self, pattern: str, timeout: float = 120) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if match := re.search(pattern, self.log.read_text(), re.MULTILINE):
                return match
            if self.popen.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"{' '.join(self.args)}: no {pattern!r} in\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGINT)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        self._file.close()


class Http:
    """JSON over one kept-alive connection per thread and host (as a client keeps them)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def call(self, method: str, url: str, body: object = None, headers: dict | None = None):
        parts = urlsplit(url)
        connections = self._local.__dict__.setdefault("connections", {})
        data = json.dumps(body).encode() if body is not None else None
        for attempt in (1, 2):
            connection = connections.get(parts.netloc)
            if connection is None:
                connection = connections[parts.netloc] = http.client.HTTPConnection(
                    parts.hostname, parts.port, timeout=120
                )
            try:
                connection.request(
                    method,
                    parts.path + (f"?{parts.query}" if parts.query else ""),
                    body=data,
                    headers={"Content-Type": "application/json", **(headers or {})},
                )
                response = connection.getresponse()
                raw = response.read()
            except (http.client.HTTPException, ConnectionError):
                connection.close()
                connections.pop(parts.netloc, None)
                if attempt == 2:
                    raise
                continue
            if response.status >= 300:
                raise RuntimeError(f"{method} {url}: {response.status} {raw[:500]!r}")
            return json.loads(raw) if raw else None
        raise AssertionError("unreachable")


@dataclass
class Cluster:
    """fakeslack, `response web` × webs and `response worker` × workers on a fresh PostgreSQL
    database and a Redis queue; `with Cluster(...) as cluster:` stops everything, always."""

    shape: Shape
    postgres: str  # a server URL; a fresh database is made on it and dropped at the end
    queue: str  # redis://host:port/N
    workdir: Path
    label: str = "scaleout"
    processes: list[Process] = field(default_factory=list)
    web_urls: list[str] = field(default_factory=list)
    http: Http = field(default_factory=Http)

    def __enter__(self) -> Cluster:
        try:
            self._start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        for process in reversed(self.processes):
            process.stop()
        self.processes.clear()
        if getattr(self, "_drop", None):
            self._drop()
            self._drop = None

    def _start(self) -> None:
        self.database, self._drop = throwaway_postgres(self.postgres, self.label)
        flush_redis(self.queue)
        slack = self._spawn("fakeslack", [sys.executable, "-m", "fakeslack", "--port", "0"])
        self.slack_url = slack.wait_for_line(r"fakeslack serving .* at (http://\S+)").group(1)
        printed = slack.wait_for_line(r"SLACK_CLIENT_SECRET").string  # its whole output so far
        slack_env = dict(re.findall(r"^\s+(SLACK_\w+)=(\S+)$", printed, re.MULTILINE))
        data_dir = self.workdir / "data"
        data_dir.mkdir(exist_ok=True)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE"))},
            **{k: v for k, v in slack_env.items() if k != "SLACK_APP_TOKEN"},  # HTTP, not sockets
            "DATABASE_URL": self.database,
            "RESPONSE_QUEUE_URL": self.queue,
            "RESPONSE_DATA_DIR": str(data_dir),
            "SECRET_KEY": "scale-out-bench-" + "x" * 40,
            "RESPONSE_LOG_LEVEL": "WARNING",
            "SITE_URL": "https://response.example.com",
            # Production's processes, not its HTTPS-only settings: everything here is plain HTTP.
            "RESPONSE_ENV": "development",
            # One reminder, made due by the bench: the others would fire at their own times.
            "RESPONSE_REMIND_NO_LEAD": "0",
            "RESPONSE_REMIND_NO_SEVERITY": "0",
            "RESPONSE_REMIND_UPDATE_CADENCE": "0",
            "RESPONSE_REMIND_LONG_RUNNING": "0",
            "RESPONSE_REMIND_WRITE_UP": "0",
            "RESPONSE_REMIND_OVERDUE_ACTIONS": "0",
            "RESPONSE_REMIND_TAKE_A_BREAK": "1",
        }
        self.response("migrate", "-v", "0")
        # Everything else starts side by side: each is a Django start-up of a few seconds.
        webs = [
            self._spawn(f"web{n}", [RESPONSE, "web", "--port", "0"]) for n in range(self.shape.webs)
        ]
        for n in range(self.shape.workers):
            self._spawn(f"worker{n}", [RESPONSE, "worker"])
        token = self._spawn("token", [RESPONSE, "shell", "--no-imports", "-c", MAKE_TOKEN])
        for web in webs:
            self.web_urls.append(web.wait_for_line(r"serving on (http://[\d.:]+)").group(1))
        self.token = token.wait_for_line(r"^(rsp_\S+)$").group(1)
        request_urls = " ".join(f"{url}/slack/events" for url in self.web_urls)
        self.control("configure", {"request_url": request_urls})

    def _spawn(self, name: str, args: list[str]) -> Process:
        env = getattr(self, "env", dict(os.environ))
        process = Process(args, env=env, log=self.workdir / f"{name}.log")
        self.processes.append(process)
        return process

    def response(self, *args: str, **env: str) -> str:
        """A `response` command against the cluster's database; its output."""
        done = subprocess.run(
            [RESPONSE, *args],
            env={**self.env, **env},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
        )
        if done.returncode:
            raise RuntimeError(f"response {' '.join(args)}: {done.stdout}{done.stderr}")
        return done.stdout

    # What the driver says and reads --------------------------------------------------------------

    def control(self, path: str, body: dict | None = None) -> dict:
        method = "POST" if body is not None else "GET"
        return self.http.call(method, f"{self.slack_url}/_fakeslack/{path}", body)

    def act(self, user: str, action: str, **arguments) -> object:
        return self.control("act", {"user": user, "action": action, **arguments})["result"]

    def api(self, method: str, path: str, body: object = None, *, web: int = 0):
        url = f"{self.web_urls[web % len(self.web_urls)]}/api/{path}"
        return self.http.call(method, url, body, {"Authorization": f"Bearer {self.token}"})

    def sql(self, statement: str) -> list[tuple]:
        """The rows, read (or written) in the cluster's database, as any SQL client would."""
        import psycopg

        with psycopg.connect(self.database, autocommit=True) as connection:
            cursor = connection.execute(statement)
            return cursor.fetchall() if cursor.description else []

    def cpu(self) -> dict[str, float]:
        """CPU seconds used so far by the web processes and by the workers."""
        used = {"web": 0.0, "worker": 0.0}
        for process in self.processes:
            if process.args[:2] in ([RESPONSE, "web"], [RESPONSE, "worker"]):
                used[process.args[1]] += cpu_seconds(process.popen.pid)
        return used


def flush_redis(queue_url: str) -> None:
    """The queue only carries wake-ups, but a stale one from an earlier run is still noise."""
    import redis

    redis.Redis.from_url(queue_url).flushdb()


# --- The load -------------------------------------------------------------------------------------

MAKE_TOKEN = """
from django.contrib.auth import get_user_model
from response.api.tokens import create_api_token
user = get_user_model().objects.create_user("scaleout", is_staff=True, is_superuser=True)
print(create_api_token(user, name="scale-out")[1])
"""

# As if half an hour had passed for every incident's `take_a_break` reminder: its row and its
# job are due now. Nobody wakes a worker: they find due work on their own, as when time passes.
MAKE_BREAKS_DUE = """
WITH due AS (
    UPDATE notifications_schedulednotification SET next_due_at = now()
    WHERE key LIKE '%take_a_break' AND state = 'scheduled' RETURNING id
)
UPDATE engine_job SET not_before = now()
WHERE state = 'pending' AND key IN (SELECT 'reminder:' || id FROM due) RETURNING id
"""


def facts(cluster: Cluster) -> dict:
    """What the database holds after the run."""
    [(events, events_done, due_pending)] = cluster.sql(
        "SELECT count(*) FILTER (WHERE kind = 'slack.event'),"
        " count(*) FILTER (WHERE kind = 'slack.event' AND state = 'done'),"
        " count(*) FILTER (WHERE state = 'pending' AND not_before <= now()) FROM engine_job"
    )
    dead = cluster.sql("SELECT kind, last_error FROM engine_job WHERE state = 'dead'")
    breaks = cluster.sql(
        "SELECT incident_id, sent_count, state FROM notifications_schedulednotification"
        " WHERE key LIKE '%take_a_break'"
    )
    return {
        "events": events,
        "events_done": events_done,
        "due_pending": due_pending,
        "dead": dead,
        "breaks": {str(i): [n, state] for i, n, state in breaks},
    }


@dataclass
class Incident:
    id: int
    channel: str
    mentions: list[tuple[str, str]] = field(default_factory=list)  # (ts, severity), ack order
    edits: list[str] = field(default_factory=list)  # statuses, in the order they were answered


@dataclass
class Outcome:
    shape: Shape
    incidents: list[Incident]
    changes: int
    seconds: float  # first change sent to the last one applied
    ack_seconds: float  # first change sent to the last one acknowledged
    problems: list[str]
    facts: dict
    cpu: dict[str, float]  # CPU seconds used during the load: web, worker processes, all
    load_average: float

    @property
    def rate(self) -> float:
        return self.changes / self.seconds

    @property
    def ack_rate(self) -> float:
        return self.changes / self.ack_seconds


def declare(cluster: Cluster, count: int) -> tuple[list[Incident], str]:
    ids = [
        cluster.api("POST", "incidents", {"title": f"Scale-out {n}"}, web=n)["id"]
        for n in range(count)
    ]

    def channels() -> dict[int, str] | None:
        found = {i: cluster.api("GET", f"incidents/{i}")["links"]["channel_id"] for i in ids}
        return found if all(found.values()) else None

    found = wait_for(channels, timeout=180, every=0.5)
    bot = cluster.control("state")["bot"]["user_id"]
    incidents = [Incident(i, found[i]) for i in ids]
    for incident in incidents:
        cluster.act("bob", "join", channel=incident.channel)
    return incidents, bot


def drive(cluster: Cluster, incidents: list[Incident], bot: str, steps: int) -> tuple[float, float]:
    """Each incident's steps in order, the incidents side by side; half-way, the reminders fall
    due. Returns when the first change was sent and when the last was acknowledged."""
    halfway = threading.Barrier(len(incidents) + 1)
    acknowledged: list[float] = []

    def one_incident(n: int, incident: Incident) -> None:
        for step in range(steps):
            if step == steps // 2:
                halfway.wait(timeout=600)
            if step % 2 == 0:
                severity = SEVERITIES[(step // 2 + n) % len(SEVERITIES)]
                text = f"<@{bot}> severity {severity}"
                ts = cluster.act("bob", "post_message", channel=incident.channel, text=text)
                incident.mentions.append((ts, severity))
            else:
                status = STATUSES[(step // 2) % len(STATUSES)]
                cluster.api("PATCH", f"incidents/{incident.id}", {"status": status}, web=n + step)
                incident.edits.append(status)
            acknowledged.append(time.time())

    started = time.time()
    with ThreadPoolExecutor(len(incidents) + 1) as pool:
        futures = [pool.submit(one_incident, n, i) for n, i in enumerate(incidents)]
        halfway.wait(timeout=600)
        # The reminders fall due while the second half of the changes arrives.
        futures.append(pool.submit(cluster.sql, MAKE_BREAKS_DUE))
        for future in futures:
            future.result()
    return started, max(acknowledged)


def reactions(cluster: Cluster) -> dict[str, list[float]]:
    """The bot's ✅s by message ts: when each was added."""
    seen: dict[str, list[float]] = {}
    for call in cluster.control("calls?method=reactions.add")["calls"]:
        if call["ok"] and call["args"].get("name") == "white_check_mark":
            seen.setdefault(call["args"]["timestamp"], []).append(call["time"])
    return seen


def timeline(cluster: Cluster, incident: Incident) -> list[dict]:
    return cluster.api("GET", f"incidents/{incident.id}/timeline?limit=200")["items"]


def run_load(cluster: Cluster, *, incidents: int, steps: int, quiet: float = 2.0) -> Outcome:
    declared, bot = declare(cluster, incidents)
    if quiet:  # the declarations' own Slack work done first, out of the measurement
        settle(cluster, quiet)
    load_average = os.getloadavg()[0]
    cpu_before = cluster.cpu()
    started, acked = drive(cluster, declared, bot, steps)
    all_ts = {ts for i in declared for ts, _ in i.mentions}
    wait_for(lambda: all_ts <= reactions(cluster).keys(), timeout=600, every=0.25)
    wait_for(lambda: breaks_posted(cluster, declared) >= incidents, timeout=600, every=0.5)
    last_reaction = max(min(times) for ts, times in reactions(cluster).items() if ts in all_ts)
    timelines = {i.id: timeline(cluster, i) for i in declared}
    last_edit = max(
        entry_time(e) for t in timelines.values() for e in t if e["kind"] in {"status", "severity"}
    )
    cpu = {name: used - cpu_before[name] for name, used in cluster.cpu().items()}
    settle(cluster, quiet or 1.0)
    found = facts(cluster)
    changes = sum(len(i.mentions) + len(i.edits) for i in declared)
    return Outcome(
        shape=cluster.shape,
        incidents=declared,
        changes=changes,
        seconds=max(last_reaction, last_edit) - started,
        ack_seconds=acked - started,
        problems=check(cluster, declared, timelines, found),
        facts=found,
        cpu=cpu,
        load_average=load_average,
    )


def entry_time(entry: dict) -> float:
    from datetime import datetime

    return datetime.fromisoformat(entry["timestamp"]).timestamp()


def breaks_posted(cluster: Cluster, incidents: list[Incident]) -> int:
    return sum(len(break_messages(cluster, i.channel)) for i in incidents)


def break_messages(cluster: Cluster, channel: str) -> list[dict]:
    calls = cluster.control("calls?method=chat.postMessage")["calls"]
    return [
        c
        for c in calls
        if c["ok"]
        and c["args"].get("channel") == channel
        and BREAK_TEXT in c["args"].get("text", "")
    ]


def changed_to(text: str) -> str:
    """ "critical" from "Severity changed from Major to Critical", and "identified" from "Status
    changed to Identified (through the API)" (where a change outside Slack was asked for)."""
    return re.sub(r" \([^()]*\)$", "", text).rsplit(" to ", 1)[-1].lower()


def check(cluster: Cluster, incidents: list[Incident], timelines: dict, facts: dict) -> list[str]:
    """What went wrong, in words; empty when every change was applied once and in order."""
    problems: list[str] = []
    seen = reactions(cluster)
    delivered = {
        d["payload"]["event_id"]
        for d in cluster.control("deliveries")["deliveries"]
        if d["kind"] == "event" and d["ok"]
    }
    if not facts["events"] == facts["events_done"] == len(delivered):
        problems.append(
            f"{len(delivered)} events delivered, {facts['events']} event jobs "
            f"({facts['events_done']} done)"
        )
    if facts["dead"]:
        problems.append(f"dead jobs: {facts['dead']}")
    if facts["due_pending"]:
        problems.append(f"{facts['due_pending']} jobs still due after the run")
    for incident in incidents:
        name = f"incident #{incident.id}"
        for ts, _ in incident.mentions:
            if len(seen.get(ts, [])) != 1:
                problems.append(f"{name}: message {ts} got {len(seen.get(ts, []))} ✅")
        entries = timelines[incident.id]
        severities = [changed_to(e["text"]) for e in entries if e["kind"] == "severity"]
        if severities != [s for _, s in incident.mentions]:
            problems.append(f"{name}: severities {severities}, sent {incident.mentions}")
        statuses = [changed_to(e["text"]) for e in entries if e["kind"] == "status"]
        if statuses != incident.edits:
            problems.append(f"{name}: statuses {statuses}, sent {incident.edits}")
        posted = len(break_messages(cluster, incident.channel))
        sent, state = facts["breaks"].get(str(incident.id), [0, "missing"])
        if posted != 1 or sent != 1:
            problems.append(f"{name}: take_a_break posted {posted}×, counted {sent}× ({state})")
    return problems


# --- Waiting --------------------------------------------------------------------------------------


def wait_for(predicate: Callable, timeout: float, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(every)
    raise TimeoutError("gave up waiting")


def settle(cluster: Cluster, quiet: float = 2.0, timeout: float = 600) -> None:
    """Until fakeslack has seen no Web API call for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    last_total, last_change = -1, time.monotonic()
    while time.monotonic() < deadline:
        total = cluster.control("calls/counts")["total"]
        if total != last_total:
            last_total, last_change = total, time.monotonic()
        elif time.monotonic() - last_change > quiet:
            return
        time.sleep(0.2)
    raise TimeoutError("Response kept calling Slack")


# --- Running it -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--queue", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--shapes", default="1+1,2+2", help="web+worker, the first the baseline")
    parser.add_argument("--incidents", type=int, default=20)
    parser.add_argument("--steps", type=int, default=30, help="changes sent to each incident")
    args = parser.parse_args()
    shapes = [Shape.parse(s) for s in args.shapes.split(",")]
    print(
        f"# Scale-out bench: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
        f"PostgreSQL, queue {args.queue}; {args.incidents} incidents × {args.steps} changes "
        "(mentions and API status edits alternating)\n"
    )
    outcomes: list[Outcome] = []
    failed = False
    for shape in shapes:
        with (
            tempfile.TemporaryDirectory(prefix="response-scaleout-") as workdir,
            Cluster(shape, args.postgres, args.queue, Path(workdir)) as cluster,
        ):
            outcome = run_load(cluster, incidents=args.incidents, steps=args.steps)
        outcomes.append(outcome)
        failed |= bool(outcome.problems)
        report(outcome, outcomes[0])
    sys.exit(1 if failed else 0)


def report(outcome: Outcome, baseline: Outcome) -> None:
    mentions = sum(len(i.mentions) for i in outcome.incidents)
    edits = sum(len(i.edits) for i in outcome.incidents)
    print(
        f"{outcome.shape} (web+worker): {outcome.changes} changes ({mentions} mentions, "
        f"{edits} API edits) applied at {outcome.rate:.1f}/s "
        f"({outcome.rate / baseline.rate:.2f}× the {baseline.shape} baseline), acknowledged at "
        f"{outcome.ack_rate:.1f}/s; {len(outcome.incidents)} reminders made due"
    )
    cpu = outcome.cpu
    print(
        f"  CPU per change: web {cpu['web'] / outcome.changes * 1000:.0f} ms, worker "
        f"{cpu['worker'] / outcome.changes * 1000:.0f} ms; Response kept "
        f"{(cpu['web'] + cpu['worker']) / outcome.seconds:.2f} of {os.cpu_count()} cores busy "
        f"(load average {outcome.load_average:.1f} when the load began)"
    )
    if outcome.problems:
        print("  PROBLEMS:\n    " + "\n    ".join(outcome.problems))
    else:
        print(
            "  every delivery applied once (one event job, one timeline entry and one ✅ each), "
            "per-incident order kept (severities and statuses), every reminder sent once"
        )


if __name__ == "__main__":
    main()

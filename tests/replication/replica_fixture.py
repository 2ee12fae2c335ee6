"""Shared pieces of the replication tests: hotline processes around a NATS
cluster (nats_cluster.py), what their stores hold, and gRPC load.

- Writer: `hotline serve --nats ...` (serve_fixture.Service, on any store).
- Follower: `hotline follow --nats ...` running in the background.
- follow_once(): `hotline follow ... --until-caught-up` (and the like) to
  its exit.
- Store reads through the read-only subcommands: head() (stats), export
  (events, lines, command ids), verify(), report().
- Load: threads issuing `receive` commands to a Writer, each call's outcome
  recorded: acknowledged (OK) command ids, and refused ones with their gRPC
  code and message.

Children are started with nats_cluster.death_signal_prefix() (they die with
the test) and the ones still running at interpreter exit are killed.
"""

import atexit
import base64
import collections
import dataclasses
import datetime
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import zoneinfo

import grpc

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))              # serve_fixture
sys.path.insert(0, os.path.join(HERE, "..", "service"))   # hotline_client
import hotline_client as hc  # noqa: E402
import serve_fixture  # noqa: E402
from nats_cluster import death_signal_prefix, process_state  # noqa: E402

# Children that may still run: killed at interpreter exit.
_children = set()
_children_lock = threading.Lock()


@atexit.register
def _kill_children():
    with _children_lock:
        procs = list(_children)
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def track(proc):
    """Kills proc at interpreter exit if it still runs; returns it."""
    with _children_lock:
        _children.add(proc)
    return proc


def wait_for(condition, timeout, what, detail=None, interval=0.05):
    """Polls condition() until true; AssertionError naming `what` after
    timeout seconds (with detail(), when given)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            extra = f": {detail()}" if detail else ""
            raise AssertionError(f"not {what} within {timeout}s{extra}")
        time.sleep(interval)


def current_month():
    """This month in Asia/Shanghai, the zone of a fresh store's policy."""
    now = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai"))
    return now.strftime("%Y-%m")


# One-shot subcommands.

def run(hotline, args, timeout=180, input=None):
    """`hotline ARGS` to its exit: the CompletedProcess (text)."""
    return subprocess.run([hotline, *args], input=input, capture_output=True,
                          text=True, timeout=timeout)


def check_run(hotline, args, timeout=180, input=None):
    """run(), which must exit 0."""
    done = run(hotline, args, timeout, input)
    if done.returncode != 0:
        raise AssertionError(
            f"hotline {' '.join(args)} exited {done.returncode}:\n"
            f"{done.stderr}\n{done.stdout[-2000:]}")
    return done


def parse_stats(out):
    """`hotline stats`'s output as {name: value}."""
    return dict(re.split(r"\s{2,}", line.strip(), maxsplit=1)
                for line in out.splitlines() if line.strip())


def stats(hotline, db):
    """`hotline stats` as {name: value}: "head sequence", "head hash", ..."""
    return parse_stats(check_run(hotline, ["stats", "--db", db]).stdout)


def head(hotline, db):
    """(head sequence, head hash in hex) of the store."""
    found = head_if_any(hotline, db)
    if found is None:
        raise AssertionError(f"no event log at {db}")
    return found


def head_if_any(hotline, db):
    """head(), or None where there is no event log yet: no database, or one
    whose creation a kill cut short (a reader refuses it as NOT_FOUND)."""
    done = run(hotline, ["stats", "--db", db])
    if done.returncode != 0 and "NOT_FOUND: no event log at" in done.stderr:
        return None
    if done.returncode != 0:
        raise AssertionError(f"hotline stats --db {db} exited {done.returncode}:\n"
                             f"{done.stderr}")
    s = parse_stats(done.stdout)
    return int(s["head sequence"]), s["head hash"]


def export_text(hotline, db):
    """`hotline export` (jsonl): the whole log, one event a line."""
    return check_run(hotline, ["export", "--db", db]).stdout


def export_events(hotline, db):
    """The exported events as dicts, "sequence" made an int."""
    events = []
    for line in export_text(hotline, db).splitlines():
        event = json.loads(line)
        event["sequence"] = int(event["sequence"])
        events.append(event)
    return events


def command_ids(events):
    return {e.get("commandId") for e in events}


def stream_name(events):
    """HOTLINE_ and 16 hex digits of record 1's hash: the log's stream."""
    first = base64.b64decode(events[0]["hash"])
    return "HOTLINE_" + first[:8].hex()


def verify(hotline, db):
    """`hotline verify` to its exit (check returncode and stdout)."""
    return run(hotline, ["verify", "--db", db], timeout=300)


def report(hotline, db, month, fmt="table"):
    """The month's report as bytes."""
    done = subprocess.run([hotline, "report", "--db", db, "--month", month,
                           "--format", fmt], capture_output=True, timeout=180)
    if done.returncode != 0:
        raise AssertionError(f"report {month} of {db} exited "
                             f"{done.returncode}: {done.stderr.decode()}")
    return done.stdout


def add_token(hotline, tokens, principal_id, role):
    """A fresh token of `hotline token add` to the tokens file."""
    out = check_run(hotline, ["token", "add", "--tokens", tokens, "--id",
                              principal_id, "--role", role]).stdout
    lines = out.split()
    if len(lines) != 1:
        raise AssertionError(f"token add printed {out!r}, want one token")
    return lines[0]


def receive_json(command_id, ticket_id, actor_id="op-1"):
    """A Receive command in protobuf JSON, for `hotline apply`."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return {
        "commandId": command_id, "ticketId": ticket_id,
        "at": now.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "actor": {"id": actor_id, "role": "OPERATOR"},
        "receive": {"channel": "PHONE", "appealType": "COMPLAINT",
                    "category": "road", "urgency": "NORMAL",
                    "title": "Pothole", "content": "A deep pothole outside No. 12.",
                    "citizen": {"name": "Li Hua", "phone": "13800000000"}}}


def apply(hotline, db, commands, extra=()):
    """`hotline apply --db DB EXTRA` of the commands; each must succeed."""
    lines = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in commands)
    done = run(hotline, ["apply", "--db", db, *extra], input=lines)
    results = [json.loads(line) for line in done.stdout.splitlines()]
    refused = [r for r in results if not r["ok"]]
    if done.returncode != 0 or refused or len(results) != len(commands):
        raise AssertionError(f"apply failed (exit {done.returncode}): "
                             f"{refused or done.stdout}\n{done.stderr}")
    return results


def follow_once(hotline, nats, db, *flags, timeout=180):
    """`hotline follow --nats NATS --db DB FLAGS` to its exit (e.g. with
    --until-caught-up): the CompletedProcess."""
    return run(hotline, ["follow", "--nats", nats, "--db", db, *flags],
               timeout=timeout)


def dropped_command_ids(stdout):
    """The command ids in follow --drop-unreplicated's lines
    ("SEQUENCE STREAM vVERSION COMMAND_ID TYPE")."""
    ids = set()
    for line in stdout.splitlines():
        fields = line.split()
        if len(fields) >= 4:
            ids.add(fields[3])
    return ids


# Long-running processes.

class Writer(serve_fixture.Service):
    """`hotline serve --nats NATS` on `db` (a fresh store by default) with
    the tokens file `tokens`; extra: more serve flags (--promote)."""

    def __init__(self, hotline, nats, db=None, tokens=None, extra=()):
        super().__init__(hotline, ["--nats", nats, *extra])
        if db is not None:
            self.db = db
        if tokens is not None:
            self.tokens = tokens

    def serve_command(self, listen="127.0.0.1:0"):
        return [*death_signal_prefix(), *super().serve_command(listen)]

    def start(self, timeout=120):
        super().start(timeout)
        track(self.proc)
        return self

    def pause(self):
        """SIGSTOP; returns once the process is stopped."""
        self.proc.send_signal(signal.SIGSTOP)
        wait_for(lambda: process_state(self.proc.pid) == "T", 10,
                 "serve stopped by SIGSTOP")

    def resume(self):
        """SIGCONT; returns once the process runs again."""
        self.proc.send_signal(signal.SIGCONT)
        wait_for(lambda: process_state(self.proc.pid) != "T", 10,
                 "serve running again after SIGCONT")

    def stop_any(self, timeout=60):
        """SIGTERM (and SIGCONT, in case it is stopped); its exit code, or
        None when it had to be killed."""
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGCONT)
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None
        self.proc = None
        return code

    def start_refused(self, timeout=120):
        """Runs serve, which must exit without listening; (code, stderr)."""
        self._starts += 1
        out_path = os.path.join(self.dir, f"stdout.{self._starts}")
        err_path = os.path.join(self.dir, f"stderr.{self._starts}")
        self._stderr_path = err_path
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            proc = track(subprocess.Popen(self.serve_command(),
                                           stdin=subprocess.DEVNULL,
                                           stdout=out, stderr=err))
        deadline = time.monotonic() + timeout
        while proc.poll() is None:
            with open(out_path, "rb") as f:
                listening = b"\n" in f.read()
            if listening or time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                raise AssertionError(
                    f"serve on {self.db} was not refused: "
                    f"{'it listens' if listening else f'still running after {timeout}s'}"
                    f"\n{self.stderr()}")
            time.sleep(0.05)
        return proc.returncode, self.stderr()


class Follower:
    """`hotline follow --nats NATS --db DB` in the background; its output
    goes to files in log_dir."""

    def __init__(self, hotline, nats, db, log_dir, extra=()):
        self.command = [hotline, "follow", "--nats", nats, "--db", db, *extra]
        self.db = db
        self.log_dir = log_dir
        self.proc = None
        self.starts = 0

    def start(self):
        assert self.proc is None, "already running"
        self.starts += 1
        name = os.path.basename(self.db.rstrip("/"))
        self._out = os.path.join(self.log_dir, f"follow-{name}.{self.starts}.out")
        self._err = os.path.join(self.log_dir, f"follow-{name}.{self.starts}.err")
        with open(self._out, "wb") as out, open(self._err, "wb") as err:
            self.proc = track(subprocess.Popen(
                [*death_signal_prefix(), *self.command],
                stdin=subprocess.DEVNULL, stdout=out, stderr=err))
        return self

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def assert_running(self):
        if not self.running():
            code = self.proc.returncode if self.proc else None
            raise AssertionError(f"follow on {self.db} exited {code}: "
                                 f"{self.stderr()}")

    def stop(self, timeout=60):
        """SIGTERM, which it must answer by exit 0."""
        self.assert_running()
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"follow still running {timeout}s after "
                                 f"SIGTERM: {self.stderr()}") from None
        self.proc = None
        if code != 0:
            raise AssertionError(f"follow exited {code} on SIGTERM: "
                                 f"{self.stderr()}")

    def kill(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            self.proc = None

    close = kill

    def stderr(self):
        try:
            with open(self._err, errors="replace") as f:
                return f.read()[-4000:]
        except (AttributeError, OSError):
            return ""


# Load.

@dataclasses.dataclass
class Outcome:
    """One Execute call: OK when code is None."""
    command_id: str
    ticket_id: str
    thread: int
    started: float   # time.monotonic()
    ended: float
    code: object     # grpc.StatusCode, or None
    details: str = ""

    @property
    def ok(self):
        return self.code is None

    @property
    def fenced(self):
        return (self.code == grpc.StatusCode.FAILED_PRECONDITION and
                "fenced" in self.details.lower())

    def __str__(self):
        code = "OK" if self.ok else self.code.name
        return f"{self.command_id}: {code} {self.details}".rstrip()


class Load:
    """`threads` threads issuing receive commands to a Writer until stop().

    Command ids are PREFIX-THREAD-N (ticket ids PREFIX-TTHREAD-N); every
    call's Outcome is kept in order. After a failed call a thread waits
    `after_error` seconds (a writer that is down refuses at once)."""

    def __init__(self, pb, writer, token, prefix, threads=4, timeout=90,
                 after_error=0.05):
        self.pb, self.address, self.token = pb, writer.grpc_address, token
        self.prefix, self.timeout, self.after_error = prefix, timeout, after_error
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._outcomes = []
        self._errors = []
        self._threads = [threading.Thread(target=self._run, args=(n,),
                                          daemon=True,
                                          name=f"load-{prefix}-{n}")
                         for n in range(threads)]

    def start(self):
        for thread in self._threads:
            thread.start()
        return self

    def _run(self, number):
        try:
            with grpc.insecure_channel(self.address) as channel:
                client = hc.Client(self.pb, channel, self.token)
                client.TIMEOUT = self.timeout
                count = 0
                while not self._stop.is_set():
                    count += 1
                    command_id = f"{self.prefix}-{number}-{count}"
                    ticket_id = f"{self.prefix}-T{number}-{count}"
                    started = time.monotonic()
                    try:
                        client.receive(ticket_id, command_id=command_id)
                        code, details = None, ""
                    except grpc.RpcError as error:
                        code, details = error.code(), error.details() or ""
                    with self._lock:
                        self._outcomes.append(Outcome(
                            command_id, ticket_id, number, started,
                            time.monotonic(), code, details))
                    if code is not None:
                        self._stop.wait(self.after_error)
        except Exception as error:  # a bug here, not an RPC outcome
            with self._lock:
                self._errors.append(f"thread {number}: {error!r}")

    def stop(self, timeout=None):
        """Stops issuing; waits for the calls in flight."""
        self._stop.set()
        for thread in self._threads:
            if thread.ident is not None:
                thread.join(timeout or self.timeout + 30)
        hung = [t.name for t in self._threads if t.is_alive()]
        if hung:
            raise AssertionError(f"load threads hung: {hung}")
        if self._errors:
            raise AssertionError(f"load threads failed: {self._errors}")

    close = stop

    def outcomes(self):
        with self._lock:
            return list(self._outcomes)

    def acknowledged(self):
        """Command ids answered OK."""
        return [o.command_id for o in self.outcomes() if o.ok]

    def refused(self):
        return [o for o in self.outcomes() if not o.ok]

    def ack_count(self):
        with self._lock:
            return sum(1 for o in self._outcomes if o.ok)

    def summary(self):
        counts = collections.Counter(
            "OK" if o.ok else o.code.name for o in self.outcomes())
        last = [str(o) for o in self.refused()[-3:]]
        return f"{self.prefix}: {dict(counts)}; last refusals {last}"

    def wait_acks(self, count, timeout=90):
        """Waits until `count` commands were acknowledged in all."""
        wait_for(lambda: self.ack_count() >= count or self._errors, timeout,
                 f"{count} commands acknowledged", self.summary)
        if self._errors:
            raise AssertionError(f"load threads failed: {self._errors}")

    def wait_outcomes(self, predicate, count, timeout=90, what="outcomes"):
        """Waits until `count` outcomes match predicate."""
        wait_for(lambda: sum(1 for o in self.outcomes() if predicate(o)) >= count,
                 timeout, f"{count} {what}", self.summary)

"""Shared fixture of the HTTP tests: a seeded store, tokens and a running `hotline serve`.

The tests drive the real binary as a child process, so what they check is what an
Open311 client or a browser sees. The scripts that import this module run as
`/usr/bin/python3 tests/http/<name>_test.py --hotline PATH [unittest options]`.
"""

import argparse
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

CURL = "/usr/bin/curl"
HOTLINE = None  # the binary under test, set by main()

# Business time of the hotline: the policy's default zone, Asia/Shanghai, which
# has no daylight saving time, so a fixed offset is exact.
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))

# What serve prints once both ports listen.
_LISTENING = re.compile(r"^hotline serve: grpc (\S+):(\d+) http (\S+):(\d+)$")


def main():
    """Takes --hotline PATH off the command line and runs the __main__ module's tests."""
    global HOTLINE
    parser = argparse.ArgumentParser()
    parser.add_argument("--hotline", required=True, help="path of the hotline binary")
    args, rest = parser.parse_known_args()
    HOTLINE = os.path.abspath(args.hotline)
    unittest.main(module="__main__", argv=[sys.argv[0]] + rest)


def rfc3339(t):
    """A UTC instant as RFC 3339 with a Z (no '+', which a query string would mangle)."""
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def now():
    return datetime.datetime.now(datetime.timezone.utc)


# The directory and policy both tests seed (ADMIN commands): two units and the two
# categories that become the Open311 services.
UNITS = {"D01": "住建局", "D02": "城管局"}
CATEGORIES = [
    {"code": "noise", "name": "噪音扰民", "description": "Noise", "group": "environment"},
    {"code": "pothole", "name": "道路破损"},
]


def directory_commands(at):
    admin = {"id": "admin", "role": "ADMIN"}
    commands = [{"commandId": f"unit-{unit}", "at": rfc3339(at), "actor": admin,
                 "registerUnit": {"unitId": unit, "name": name, "kind": "DEPARTMENT"}}
                for unit, name in UNITS.items()]
    commands.append({"commandId": "p1", "at": rfc3339(at), "actor": admin,
                     "publishPolicy": {"policy": {"categories": CATEGORIES}}})
    return commands


OPERATOR = {"id": "li", "role": "OPERATOR"}
DISPATCHER = {"id": "zhao", "role": "DISPATCHER"}


def receive(category, location, citizen, urgency="NORMAL"):
    """A phoned-in complaint: the payload of a receive command."""
    return {"receive": {"channel": "PHONE", "appealType": "COMPLAINT", "category": category,
                        "urgency": urgency, "title": f"{category}：{location}",
                        "content": f"市民反映{location}{category}，请尽快处理。",
                        "location": location, "citizen": citizen}}


def command(command_id, ticket_id, at, actor, payload):
    """One ticket command in the JSON of hotline.v1.Command; payload is {name: body}."""
    return {"commandId": command_id, "ticketId": ticket_id, "at": rfc3339(at),
            "actor": actor, **payload}


class Response:
    def __init__(self, status, content_type, body):
        self.status = status
        self.content_type = content_type
        self.body = body

    def json(self):
        return json.loads(self.body)


def curl(url, form=None):
    """GET url, or POST form (a list of (name, value), URL-encoded by curl) to it."""
    args = [CURL, "-s", "--max-time", "20", "-w", "\n%{http_code} %{content_type}"]
    for name, value in form or []:
        args += ["--data-urlencode", f"{name}={value}"]
    done = subprocess.run(args + [url], capture_output=True)
    if done.returncode != 0:
        raise AssertionError(f"curl {url} failed (exit {done.returncode}): {done.stderr!r}")
    out = done.stdout.decode("utf-8")
    # -w appends its line after the body; the body itself may hold newlines.
    body, _, trailer = out.rpartition("\n")
    status, _, content_type = trailer.partition(" ")
    return Response(int(status), content_type, body)


class Hotline:
    """A temporary store, its tokens file and (after serve()) a serve process on it."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="hotline-http-test-")
        self.db = os.path.join(self.dir, "db")
        self.tokens = os.path.join(self.dir, "tokens")
        self.proc = None
        self.base = None  # http://host:port of the HTTP side

    def token(self, principal_id, role, unit=None):
        args = [HOTLINE, "token", "add", "--tokens", self.tokens, "--id", principal_id,
                "--role", role]
        if unit:
            args += ["--unit", unit]
        done = subprocess.run(args, capture_output=True, text=True)
        token = done.stdout.strip()
        if done.returncode != 0 or not token:
            raise AssertionError(
                f"token add for {principal_id} failed (exit {done.returncode}): {done.stderr}")
        return token

    def apply(self, commands):
        """Applies the commands (dicts) with `hotline apply`; every one must succeed."""
        lines = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in commands)
        done = subprocess.run([HOTLINE, "apply", "--db", self.db], input=lines,
                              capture_output=True, text=True)
        results = [json.loads(line) for line in done.stdout.splitlines()]
        refused = [r for r in results if not r["ok"]]
        if done.returncode != 0 or refused or len(results) != len(commands):
            raise AssertionError(f"seeding failed (exit {done.returncode}): "
                                 f"{refused or done.stdout}\n{done.stderr}")

    def serve(self, timeout=30):
        """Starts serve and waits for its one line naming the ports."""
        # stdout goes to a file rather than a pipe nobody drains after the first line.
        self.stdout_path = os.path.join(self.dir, "serve.stdout")
        self.stderr_path = os.path.join(self.dir, "serve.stderr")
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                [HOTLINE, "serve", "--db", self.db, "--listen", "127.0.0.1:0",
                 "--http", "127.0.0.1:0", "--tokens", self.tokens],
                stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self.stdout_path, encoding="utf-8") as f:
                first = f.readline()
            if first.endswith("\n"):
                match = _LISTENING.match(first.rstrip("\n"))
                if not match:
                    raise AssertionError(f"unexpected first line from serve: {first!r}")
                self.base = f"http://{match.group(3)}:{match.group(4)}"
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"serve did not report its ports (exit {self.proc.poll()}): "
                             f"{self.stderr()}")

    def stderr(self):
        with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self):
        """SIGTERM must stop serve cleanly: exit 0 within the timeout. A serve that
        died on its own before is reported here too."""
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        how = "on its own, before SIGTERM"
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                raise AssertionError("serve ignored SIGTERM for 30 s; killed")
            how = "after SIGTERM"
        if proc.returncode != 0:
            raise AssertionError(f"serve exited {proc.returncode} {how}: {self.stderr()}")

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def get(self, path):
        return curl(self.base + path)

    def post(self, path, form):
        return curl(self.base + path, form)


def start(test_class, seed):
    """For setUpClass: seeds a new store with seed(hotline), serves it, and registers
    the cleanups (stop serve, then remove the directory) even if a step fails."""
    hotline = Hotline()
    test_class.addClassCleanup(hotline.remove)
    seed(hotline)
    test_class.addClassCleanup(hotline.stop)
    hotline.serve()
    return hotline

"""A `hotline serve` child process over a store in a temporary directory.

Shared by the service's tests (tests/service/, gRPC) and the HTTP tests
(tests/http/, Open311, metrics, dashboard): tokens made with `hotline token
add`, commands seeded with `hotline apply`, the ports read from serve's one
line, and SIGTERM answered by exit 0. Only the standard library.
"""

import argparse
import contextlib
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

_PORTS_LINE = re.compile(r"^hotline serve: grpc (\S+:\d+) http (\S+:\d+)$")


def argument_parser(description, proto_dir=False):
    """--hotline PATH (and --proto-dir DIR): what every script here takes."""
    parser = argparse.ArgumentParser(
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hotline", required=True,
                        help="path of the hotline binary")
    if proto_dir:
        parser.add_argument("--proto-dir", required=True,
                            help="directory holding hotline/v1/*.proto")
    return parser


def main(description, namespace, stubs=None):
    """The main of every test script here: its options, then unittest.

    namespace is the script's globals(): HOTLINE becomes --hotline's value.
    With stubs (hotline_client.stubs) the script also takes --proto-dir, and
    PB holds the stubs generated from it while the tests run. The arguments
    left over go to unittest (-v, -k PATTERN, test names).
    """
    parser = argument_parser(description, proto_dir=stubs is not None)
    args, unittest_args = parser.parse_known_args()
    namespace["HOTLINE"] = args.hotline
    with contextlib.ExitStack() as cleanup:
        if stubs is not None:
            namespace["PB"] = cleanup.enter_context(stubs(args.proto_dir))
        unittest.main(module="__main__", argv=[sys.argv[0], *unittest_args])


class Service:
    """A `hotline serve` child over a store in a temporary directory.

    Tokens added after start() take effect on reload() (SIGHUP).
    """

    def __init__(self, hotline, serve_args=()):
        self.hotline = hotline
        self.serve_args = list(serve_args)
        self.dir = tempfile.mkdtemp(prefix="hotline-serve-")
        self.db = os.path.join(self.dir, "db")
        self.tokens = os.path.join(self.dir, "tokens.jsonl")
        self.proc = None
        self.grpc_address = None
        self.http_address = None
        self._starts = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def add_token(self, principal_id, role, unit=None):
        """A fresh token for the principal, as `hotline token add` prints it."""
        args = [self.hotline, "token", "add", "--tokens", self.tokens,
                "--id", principal_id, "--role", role]
        if unit:
            args += ["--unit", unit]
        run = subprocess.run(args, capture_output=True, text=True, timeout=30)
        lines = run.stdout.splitlines()
        if run.returncode != 0 or len(lines) != 1 or not lines[0].strip():
            raise AssertionError(
                f"token add exited {run.returncode}, printed {run.stdout!r}, "
                f"want one line: {run.stderr}")
        return lines[0].strip()

    def apply(self, commands):
        """Seeds the store with `hotline apply` (before start(): one writer);
        every command (a dict in hotline.v1.Command's JSON) must succeed."""
        lines = "".join(json.dumps(c, ensure_ascii=False) + "\n" for c in commands)
        done = subprocess.run([self.hotline, "apply", "--db", self.db], input=lines,
                              capture_output=True, text=True, timeout=120)
        results = [json.loads(line) for line in done.stdout.splitlines()]
        refused = [r for r in results if not r["ok"]]
        if done.returncode != 0 or refused or len(results) != len(commands):
            raise AssertionError(f"seeding failed (exit {done.returncode}): "
                                 f"{refused or done.stdout}\n{done.stderr}")

    def reload(self):
        """SIGHUP: serve re-reads the tokens file."""
        self.proc.send_signal(signal.SIGHUP)

    def serve_command(self, listen="127.0.0.1:0"):
        return [self.hotline, "serve", "--db", self.db, "--listen", listen,
                "--http", "127.0.0.1:0", "--tokens", self.tokens,
                *self.serve_args]

    def start(self, timeout=30):
        """Starts serve on the store and waits for its ports line."""
        assert self.proc is None, "already running"
        self._starts += 1
        # Output goes to files, not pipes: a chatty server never blocks on a
        # pipe nobody drains, and stderr is there to show when a test fails.
        self._stdout_path = os.path.join(self.dir, f"stdout.{self._starts}")
        self._stderr_path = os.path.join(self.dir, f"stderr.{self._starts}")
        with open(self._stdout_path, "wb") as out, \
                open(self._stderr_path, "wb") as err:
            self.proc = subprocess.Popen(self.serve_command(),
                                         stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=err)
        line = self._wait_for_first_line(timeout)
        match = _PORTS_LINE.match(line)
        if not match:
            self.kill()
            raise AssertionError(
                f"unexpected first line {line!r}: {self.stderr()}")
        self.grpc_address, self.http_address = match.groups()
        return self

    def _wait_for_first_line(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with open(self._stdout_path, "rb") as f:
                data = f.read()
            if b"\n" in data:
                return data.split(b"\n", 1)[0].decode()
            if self.proc.poll() is not None:
                code = self.proc.returncode
                self.proc = None
                raise AssertionError(
                    f"serve exited {code} before listening: {self.stderr()}")
            time.sleep(0.02)
        self.kill()
        raise AssertionError(
            f"no ports line within {timeout}s: {self.stderr()}")

    def stop(self, timeout=60):
        """SIGTERM, then exit 0: in-flight calls finished, store closed."""
        self.terminate()
        self.wait_exit_zero(timeout)

    def terminate(self):
        self.proc.send_signal(signal.SIGTERM)

    def wait_exit_zero(self, timeout=60):
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(
                f"serve still running {timeout}s after SIGTERM")
        self.proc = None
        if code != 0:
            raise AssertionError(f"serve exited {code}: {self.stderr()}")

    def kill(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def stderr(self):
        with open(self._stderr_path, errors="replace") as f:
            return f.read()

    def close(self):
        """Kills a server left running (a test failed), removes the files."""
        self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

"""Shared helpers of the `hotline serve` client tests.

Only Debian's python3-grpcio and python3-protobuf are assumed, so the stubs
are generated at run time with protoc and grpc_python_plugin (override with
the PROTOC and GRPC_PYTHON_PLUGIN environment variables; PROTO_INCLUDE names
the directory holding google/protobuf/timestamp.proto, /usr/include unless
set).

A Service owns a temporary directory (the store and the tokens file), makes
tokens with `hotline token add`, runs `hotline serve` as a child and stops it
with SIGTERM, insisting on exit 0.
"""

import argparse
import contextlib
import glob
import importlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import types
import uuid

import grpc

_PORTS_LINE = re.compile(r"^hotline serve: grpc (\S+:\d+) http (\S+:\d+)$")
_STUB_MODULES = ("commands", "common", "enums", "events", "report", "service",
                 "state")


def argument_parser(description):
    """The options every script here takes: the binary and the proto tree."""
    parser = argparse.ArgumentParser(
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hotline", required=True,
                        help="path of the hotline binary")
    parser.add_argument("--proto-dir", required=True,
                        help="directory holding hotline/v1/*.proto")
    return parser


def generate_stubs(proto_dir, out_dir):
    """Writes the Python modules of proto_dir/hotline/v1/*.proto to out_dir."""
    protos = sorted(
        glob.glob(os.path.join(proto_dir, "hotline", "v1", "*.proto")))
    if not protos:
        raise RuntimeError(f"no hotline/v1/*.proto under {proto_dir}")
    plugin = os.environ.get("GRPC_PYTHON_PLUGIN",
                            shutil.which("grpc_python_plugin") or "")
    subprocess.run(
        [os.environ.get("PROTOC", "protoc"), f"-I{proto_dir}",
         f"-I{os.environ.get('PROTO_INCLUDE', '/usr/include')}",
         f"--python_out={out_dir}", f"--grpc_python_out={out_dir}",
         f"--plugin=protoc-gen-grpc_python={plugin}", *protos],
        check=True)


def import_stubs(out_dir):
    """Imports generated stubs; `pb.commands.Command`, `pb.service_grpc`...

    `pb.dir` is out_dir, for child processes to import the same stubs.
    """
    if out_dir not in sys.path:
        sys.path.insert(0, out_dir)
    pb = types.SimpleNamespace(dir=out_dir)
    for name in _STUB_MODULES:
        setattr(pb, name, importlib.import_module(f"hotline.v1.{name}_pb2"))
    pb.service_grpc = importlib.import_module("hotline.v1.service_pb2_grpc")
    return pb


@contextlib.contextmanager
def stubs(proto_dir):
    """Generated and imported stubs, their directory removed afterwards."""
    out_dir = tempfile.mkdtemp(prefix="hotline-stubs-")
    try:
        generate_stubs(proto_dir, out_dir)
        yield import_stubs(out_dir)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


class Service:
    """A `hotline serve` child over a store in a temporary directory.

    Add every token before start(): the contract does not say that serve
    re-reads the tokens file.
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

    def channel(self):
        return grpc.insecure_channel(self.grpc_address)


class Client:
    """A principal's view of the Hotline service: its token on every call."""

    TIMEOUT = 30  # seconds; a hung server fails a test instead of hanging it

    def __init__(self, pb, channel, token):
        self.pb = pb
        self.stub = pb.service_grpc.HotlineStub(channel)
        self.metadata = [("authorization", f"Bearer {token}")] if token else []

    def execute(self, ticket_id="", command_id=None, **payload):
        """Executes one command; payload: e.g. receive=pb.commands.Receive()."""
        command = self.pb.commands.Command(
            command_id=command_id or unique("cmd"), ticket_id=ticket_id,
            **payload)
        return self.execute_command(command)

    def execute_command(self, command):
        return self.stub.Execute(command, metadata=self.metadata,
                                 timeout=self.TIMEOUT)

    def get_ticket(self, ticket_id):
        return self.stub.GetTicket(
            self.pb.service.GetTicketRequest(ticket_id=ticket_id),
            metadata=self.metadata, timeout=self.TIMEOUT)

    def history(self, ticket_id):
        return list(self.stub.History(
            self.pb.service.HistoryRequest(ticket_id=ticket_id),
            metadata=self.metadata, timeout=self.TIMEOUT).events)

    def subscribe(self, after_sequence=0, timeout=120):
        """The streaming call; iterate it, cancel() it when done."""
        return self.stub.Subscribe(
            self.pb.service.SubscribeRequest(after_sequence=after_sequence),
            metadata=self.metadata, timeout=timeout)

    def report(self, month):
        return self.stub.Report(self.pb.service.ReportRequest(month=month),
                                metadata=self.metadata, timeout=self.TIMEOUT)

    # The commands of the workflow, with the fields the engine requires.

    def receive(self, ticket_id, command_id=None, category="road"):
        pb = self.pb
        return self.execute(ticket_id, command_id, receive=pb.commands.Receive(
            channel=pb.enums.Channel.PHONE,
            appeal_type=pb.enums.AppealType.COMPLAINT,
            category=category, urgency=pb.enums.Urgency.NORMAL,
            title="Pothole", content="A deep pothole outside No. 12.",
            citizen=pb.common.Citizen(name="Li Hua", phone="13800000000")))

    def register_unit(self, unit_id):
        pb = self.pb
        return self.execute(register_unit=pb.commands.RegisterUnit(
            unit_id=unit_id, name=f"Unit {unit_id}",
            kind=pb.enums.UnitKind.DEPARTMENT))

    def dispatch(self, ticket_id, lead_unit, assist_units=()):
        return self.execute(ticket_id, dispatch=self.pb.commands.Dispatch(
            lead_unit=lead_unit, assist_units=list(assist_units)))

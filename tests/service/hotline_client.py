"""Shared helpers of the `hotline serve` gRPC client tests.

Only Debian's python3-grpcio and python3-protobuf are assumed, so the stubs
are generated at run time with protoc and grpc_python_plugin (override with
the PROTOC and GRPC_PYTHON_PLUGIN environment variables; PROTO_INCLUDE names
the directory holding google/protobuf/timestamp.proto, /usr/include unless
set).

The server process itself is tests/serve_fixture.py's Service.
"""

import contextlib
import glob
import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import types
import uuid

import grpc

_STUB_MODULES = ("commands", "common", "enums", "events", "report", "service",
                 "state")


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


def channel(service):
    """A plaintext channel to a serve_fixture.Service's gRPC port."""
    return grpc.insecure_channel(service.grpc_address)


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

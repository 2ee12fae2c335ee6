"""Client tests of `hotline serve`'s gRPC service, against a real child process.

Usage:
  /usr/bin/python3 tests/service/grpc_service_test.py \\
      --hotline build/tools/hotline/hotline --proto-dir proto [unittest args]

Exits non-zero when a test fails. Needs protoc, grpc_python_plugin and openssl.
"""

import datetime
import json
import os
import queue
import subprocess
import sys
import threading
import time
import unittest
import zoneinfo

import grpc

import hotline_client as hc

# serve_fixture.py is shared with tests/http/, so it sits in tests/.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import serve_fixture  # noqa: E402 (needs the path above)

# Set by serve_fixture.main(): the binary under test and the generated stubs.
HOTLINE = None
PB = None

UNIT_A, UNIT_B, UNIT_C = "U-A", "U-B", "U-C"

# Client attribute, principal id, role, unit: one token each.
PRINCIPALS = (
    ("operator", "op-1", "OPERATOR", None),
    ("dispatcher", "disp-1", "DISPATCHER", None),
    ("admin", "admin-1", "ADMIN", None),
    ("auditor", "audit-1", "AUDITOR", None),
    ("staff_a", "staff-a", "UNIT_STAFF", UNIT_A),
    ("staff_b", "staff-b", "UNIT_STAFF", UNIT_B),
    ("staff_c", "staff-c", "UNIT_STAFF", UNIT_C),
)


class RpcTestCase(unittest.TestCase):

    def assertCode(self, code, function, *args):
        """function(*args) fails with the gRPC status code."""
        with self.assertRaises(grpc.RpcError,
                               msg=f"succeeded, want {code}") as raised:
            function(*args)
        self.assertEqual(raised.exception.code(), code,
                         raised.exception.details())


class ServiceTest(RpcTestCase):
    """One server for the whole class; every test uses fresh ticket ids."""

    @classmethod
    def setUpClass(cls):
        cls.service = serve_fixture.Service(HOTLINE)
        # Runs even when setUpClass fails, which tearDownClass does not.
        cls.addClassCleanup(cls.service.close)
        tokens = {attr: cls.service.add_token(pid, role, unit)
                  for attr, pid, role, unit in PRINCIPALS}
        cls.service.start()
        cls.channel = hc.channel(cls.service)
        for attr, token in tokens.items():
            setattr(cls, attr, hc.Client(PB, cls.channel, token))
        # A fresh store has no units; dispatches need them.
        for unit in (UNIT_A, UNIT_B, UNIT_C):
            cls.admin.register_unit(unit)

    @classmethod
    def tearDownClass(cls):
        cls.channel.close()
        cls.service.stop()

    def received_ticket(self):
        ticket_id = hc.unique("T")
        self.operator.receive(ticket_id)
        return ticket_id

    def assertState(self, ticket_id, state):
        # By name, so that a failure says which states differ.
        name = PB.enums.TicketStatus.Value.Name
        self.assertEqual(name(self.operator.get_ticket(ticket_id).state),
                         name(state))

    def test_lifecycle_by_four_principals_ends_closed(self):
        commands, enums, status = PB.commands, PB.enums, PB.enums.TicketStatus
        ticket_id = hc.unique("T")
        before = time.time()

        self.operator.receive(ticket_id)
        self.assertState(ticket_id, status.RECEIVED)
        self.dispatcher.dispatch(ticket_id, UNIT_A)
        # The default policy requires the unit to sign for it.
        self.assertState(ticket_id, status.DISPATCHED)
        self.staff_a.execute(ticket_id, accept=commands.Accept())
        self.assertState(ticket_id, status.IN_PROGRESS)
        self.staff_a.execute(ticket_id, reply=commands.Reply(
            result="Filled the pothole.", outcome=enums.Outcome.RESOLVED))
        self.assertState(ticket_id, status.REPLIED)
        self.dispatcher.execute(ticket_id, review=commands.Review(approve=True))
        self.assertState(ticket_id, status.AWAITING_RATING)
        self.operator.execute(ticket_id, rate=commands.Rate(
            contacted=True, satisfaction=enums.Satisfaction.SATISFIED,
            resolved=True))
        after = time.time()

        state = self.operator.get_ticket(ticket_id)
        self.assertEqual(state.ticket_id, ticket_id)
        self.assertEqual(state.state, status.CLOSED)
        self.assertEqual(state.close_reason, enums.CloseReason.RATED)
        self.assertEqual(state.lead_unit, UNIT_A)
        self.assertEqual(state.version, 7)

        events = self.operator.history(ticket_id)
        self.assertEqual([e.event.WhichOneof("payload") for e in events], [
            "ticket_received", "ticket_dispatched", "ticket_accepted",
            "ticket_replied", "reply_approved", "ticket_rated",
            "ticket_closed"])
        self.assertEqual([e.stream_id for e in events], [ticket_id] * 7)
        self.assertEqual([e.stream_version for e in events], list(range(1, 8)))
        # The empty actor of every command was filled in from its token.
        role = PB.enums.Role
        operator = ("op-1", role.OPERATOR, "")
        dispatcher = ("disp-1", role.DISPATCHER, "")
        staff_a = ("staff-a", role.UNIT_STAFF, UNIT_A)
        self.assertEqual(
            [(e.actor.id, e.actor.role, e.actor.unit_id) for e in events],
            [operator, dispatcher, staff_a, staff_a, dispatcher, operator,
             operator])
        # An unset `at` became the server's clock.
        for event in events:
            self.assertTrue(
                before - 2 <= event.at.ToMilliseconds() / 1000 <= after + 2,
                f"at {event.at.ToJsonString()} outside the test's run")

    def test_missing_or_unknown_token_is_unauthenticated(self):
        ticket_id = self.received_ticket()
        for token in (None, "not-a-token"):
            client = hc.Client(PB, self.channel, token)
            with self.subTest(token=token):
                self.assertCode(grpc.StatusCode.UNAUTHENTICATED,
                                client.get_ticket, ticket_id)
                self.assertCode(grpc.StatusCode.UNAUTHENTICATED,
                                client.receive, hc.unique("T"))

    def test_forged_actor_is_denied_and_appends_nothing(self):
        ticket_id = self.received_ticket()
        history = self.operator.history(ticket_id)
        role = PB.enums.Role
        for actor in (
                PB.common.Actor(id="someone-else", role=role.DISPATCHER),
                PB.common.Actor(id="op-1", role=role.DISPATCHER)):
            with self.subTest(actor=str(actor)):
                # Both roles may answer directly: neither trusting the forged
                # actor nor quietly replacing it with the principal is refused
                # by the engine; only the service's check says no.
                command = PB.commands.Command(
                    command_id=hc.unique("cmd"), ticket_id=ticket_id,
                    actor=actor,
                    answer_directly=PB.commands.AnswerDirectly(
                        answer="The road office will call you."))
                self.assertCode(grpc.StatusCode.PERMISSION_DENIED,
                                self.operator.execute_command, command)
        self.assertEqual(self.operator.history(ticket_id), history)
        # The principal's own actor, spelled out, is no forgery.
        self.operator.execute_command(PB.commands.Command(
            command_id=hc.unique("cmd"), ticket_id=ticket_id,
            actor=PB.common.Actor(id="op-1", role=role.OPERATOR),
            withdraw=PB.commands.Withdraw(reason="The citizen called back.")))
        self.assertState(ticket_id, PB.enums.TicketStatus.CLOSED)

    def test_auditor_reads_but_executes_no_command(self):
        ticket_id = self.received_ticket()
        self.assertEqual(self.auditor.get_ticket(ticket_id).ticket_id,
                         ticket_id)
        self.assertCode(grpc.StatusCode.PERMISSION_DENIED,
                        self.auditor.receive, hc.unique("T"))

    def test_unit_staff_read_only_tickets_dispatched_to_their_unit(self):
        ticket_id = self.received_ticket()
        self.dispatcher.dispatch(ticket_id, UNIT_A, assist_units=[UNIT_C])
        for name, client in (("lead", self.staff_a), ("assist", self.staff_c)):
            with self.subTest(unit=name):
                self.assertEqual(client.get_ticket(ticket_id).lead_unit, UNIT_A)
                self.assertEqual(len(client.history(ticket_id)), 2)
        self.assertCode(grpc.StatusCode.PERMISSION_DENIED,
                        self.staff_b.get_ticket, ticket_id)
        self.assertCode(grpc.StatusCode.PERMISSION_DENIED,
                        self.staff_b.history, ticket_id)

    def test_former_lead_unit_still_reads_after_its_return(self):
        # "Ever dispatched": a unit whose return was approved keeps reading.
        ticket_id = self.received_ticket()
        self.dispatcher.dispatch(ticket_id, UNIT_A)
        self.staff_a.execute(ticket_id, request_return=(
            PB.commands.RequestReturn(reason="Not our district.")))
        self.dispatcher.execute(ticket_id, decide_return=(
            PB.commands.DecideReturn(approve=True)))
        self.assertState(ticket_id, PB.enums.TicketStatus.RETURNED)
        self.dispatcher.dispatch(ticket_id, UNIT_B)
        self.assertEqual(self.staff_a.get_ticket(ticket_id).lead_unit, UNIT_B)
        self.assertEqual(self.staff_b.get_ticket(ticket_id).lead_unit, UNIT_B)
        self.assertCode(grpc.StatusCode.PERMISSION_DENIED,
                        self.staff_c.get_ticket, ticket_id)

    def test_subscribe_sees_later_commands_and_reads(self):
        first = self.operator.receive(hc.unique("T"))
        call = self.auditor.subscribe(after_sequence=first.first_sequence - 1)
        subscription = Subscription(call)
        try:
            # The first envelope is the event just after after_sequence; once
            # it arrived the stream is open, and what follows is appended later.
            seen = subscription.collect_until(lambda e: True)
            self.assertEqual(seen[0].sequence, first.first_sequence)

            ticket_id = hc.unique("T")
            executed = self.operator.receive(ticket_id)
            seen += subscription.collect_until(
                lambda e: e.stream_id == ticket_id)
            received = seen[-1]
            self.assertEqual(received.sequence, executed.first_sequence)
            self.assertEqual(received.event.WhichOneof("payload"),
                             "ticket_received")
            self.assertEqual(received.actor.id, "op-1")

            self.operator.get_ticket(ticket_id)
            seen += subscription.collect_until(
                lambda e: e.stream_id == "$access" and
                e.event.ticket_data_read.ticket_id == ticket_id)
            access = seen[-1]
            self.assertEqual(access.event.WhichOneof("payload"),
                             "ticket_data_read")
            self.assertTrue(access.event.ticket_data_read.what)
            self.assertEqual((access.actor.id, access.actor.role),
                             ("op-1", PB.enums.Role.OPERATOR))

            # The global log is gapless, and so is what a subscriber sees.
            self.assertEqual(
                [e.sequence for e in seen],
                list(range(first.first_sequence,
                           first.first_sequence + len(seen))))
        finally:
            subscription.close()

    def test_subscribe_and_report_refused_to_operator_and_unit_staff(self):
        for name, client in (("operator", self.operator),
                             ("unit staff", self.staff_a)):
            with self.subTest(principal=name):
                call = client.subscribe()
                try:
                    self.assertCode(grpc.StatusCode.PERMISSION_DENIED,
                                    next, call)
                finally:
                    call.cancel()
                self.assertCode(grpc.StatusCode.PERMISSION_DENIED,
                                client.report, current_month())

    def test_a_token_added_while_serving_works_after_sighup(self):
        token = self.service.add_token(hc.unique("late"), "DISPATCHER")
        late = hc.Client(PB, self.channel, token)
        ticket_id = self.received_ticket()
        self.assertCode(grpc.StatusCode.UNAUTHENTICATED, late.get_ticket, ticket_id)
        self.service.reload()
        # The server re-reads the file on its signal thread: poll briefly.
        deadline = time.monotonic() + 10
        while True:
            try:
                self.assertEqual(late.get_ticket(ticket_id).ticket_id, ticket_id)
                break
            except grpc.RpcError as e:
                if (e.code() != grpc.StatusCode.UNAUTHENTICATED
                        or time.monotonic() > deadline):
                    raise

    def test_report_for_the_current_month(self):
        self.received_ticket()
        month = current_month()
        report = self.dispatcher.report(month)
        self.assertEqual(report.month, month)
        parsed = json.loads(report.json)
        self.assertEqual(parsed["month"], month)
        self.assertGreaterEqual(parsed["total"]["received"], 1)
        self.assertEqual(parsed["total"]["received"], report.total.received)

    def test_engine_errors_keep_their_codes(self):
        ticket_id = self.received_ticket()
        code = grpc.StatusCode
        stale = PB.commands.Command(
            command_id=hc.unique("cmd"), ticket_id=ticket_id,
            expected_version=5, dispatch=PB.commands.Dispatch(lead_unit=UNIT_A))
        cases = (
            ("receive of an existing id", code.ALREADY_EXISTS,
             lambda: self.operator.receive(ticket_id)),
            ("unknown ticket", code.NOT_FOUND,
             lambda: self.operator.get_ticket(hc.unique("T"))),
            ("empty category", code.INVALID_ARGUMENT,
             lambda: self.operator.receive(hc.unique("T"), category="")),
            ("review before a reply", code.FAILED_PRECONDITION,
             lambda: self.dispatcher.execute(
                 ticket_id, review=PB.commands.Review(approve=True))),
            ("stale expected version", code.ABORTED,
             lambda: self.dispatcher.execute_command(stale)),
        )
        for name, want, call in cases:
            with self.subTest(name):
                self.assertCode(want, call)
        self.assertState(ticket_id, PB.enums.TicketStatus.RECEIVED)

    def test_repeated_command_id_returns_the_original_result(self):
        ticket_id, command_id = hc.unique("T"), hc.unique("cmd")
        first = self.operator.receive(ticket_id, command_id)
        again = self.operator.receive(ticket_id, command_id)
        self.assertFalse(first.duplicate)
        self.assertTrue(again.duplicate)
        self.assertEqual((again.first_sequence, again.event_count),
                         (first.first_sequence, first.event_count))
        self.assertEqual(len(self.operator.history(ticket_id)), 1)


class TlsTest(RpcTestCase):

    def test_tls_serves_a_secure_channel_and_refuses_plaintext(self):
        with serve_fixture.Service(HOTLINE) as service:
            cert, key = self_signed_certificate(service.dir)
            service.serve_args = ["--tls-cert", cert, "--tls-key", key]
            token = service.add_token("op-tls", "OPERATOR")
            service.start()
            with open(cert, "rb") as f:
                credentials = grpc.ssl_channel_credentials(
                    root_certificates=f.read())
            ticket_id = hc.unique("T")
            # 127.0.0.1, as printed: the certificate's IP name must match.
            with grpc.secure_channel(service.grpc_address,
                                     credentials) as channel:
                client = hc.Client(PB, channel, token)
                client.receive(ticket_id)
                self.assertEqual(client.get_ticket(ticket_id).state,
                                 PB.enums.TicketStatus.RECEIVED)
            with hc.channel(service) as plaintext:
                self.assertCode(grpc.StatusCode.UNAVAILABLE,
                                hc.Client(PB, plaintext, token).get_ticket,
                                ticket_id)
            service.stop()


class ListenTest(unittest.TestCase):

    def test_non_loopback_listen_without_tls_is_refused(self):
        with serve_fixture.Service(HOTLINE) as service:
            # A valid tokens file, so that only the missing TLS is wrong.
            service.add_token("op-1", "OPERATOR")
            try:
                run = subprocess.run(service.serve_command("0.0.0.0:0"),
                                     capture_output=True, text=True, timeout=20)
            except subprocess.TimeoutExpired:
                self.fail("serve listened on 0.0.0.0 without TLS")
        self.assertEqual(run.returncode, 2, run.stderr)
        self.assertIn("tls", run.stderr.lower())
        self.assertNotIn("hotline serve:", run.stdout)


class Subscription:
    """Reads a Subscribe call in a thread, so that waits can time out."""

    def __init__(self, call):
        self.call = call
        self.items = queue.Queue()
        self.thread = threading.Thread(target=self._pump, daemon=True)
        self.thread.start()

    def _pump(self):
        # Envelopes, then one string saying why the stream ended.
        try:
            for envelope in self.call:
                self.items.put(envelope)
            self.items.put("the server ended the subscription")
        except grpc.RpcError as error:
            self.items.put(f"the subscription failed: {error.code()} "
                           f"{error.details()}")

    def collect_until(self, predicate, timeout=15):
        """Envelopes up to and including the first that matches."""
        seen = []
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                item = self.items.get(timeout=max(remaining, 0))
            except queue.Empty:
                raise AssertionError(
                    f"no matching envelope within {timeout}s "
                    f"({len(seen)} others)") from None
            if isinstance(item, str):
                raise AssertionError(item)
            seen.append(item)
            if predicate(item):
                return seen

    def close(self):
        self.call.cancel()
        self.thread.join(10)


def current_month():
    # Months are local to the policy's zone; a fresh store has the default.
    now = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai"))
    return now.strftime("%Y-%m")


def self_signed_certificate(directory):
    """A one-day certificate for 127.0.0.1 and localhost; (cert, key) paths."""
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec",
         "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
         "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", key, "-out", cert],
        check=True, capture_output=True, timeout=30)
    return cert, key


if __name__ == "__main__":
    serve_fixture.main(__doc__, globals(), stubs=hc.stubs)

"""`hotline serve` stopped by SIGTERM under load loses nothing it acknowledged.

Usage:
  /usr/bin/python3 tests/service/shutdown_under_load_test.py \\
      --hotline build/tools/hotline/hotline --proto-dir proto [unittest args]

Eight threads submit receive commands as fast as they can; SIGTERM arrives
mid-way. The server must exit 0, and after a restart on the same store every
ticket whose receive was answered OK must be there.
"""

import concurrent.futures
import os
import sys
import threading
import time
import unittest

import grpc

import hotline_client as hc

# serve_fixture.py is shared with tests/http/, so it sits in tests/.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import serve_fixture  # noqa: E402 (needs the path above)

# Set by serve_fixture.main(): the binary under test and the generated stubs.
HOTLINE = None
PB = None

THREADS = 8
LOAD_SECONDS = 2.0
SIGTERM_AFTER_SECONDS = 1.0
# How a call the stopping server did not take ends; it was not acknowledged.
SHUTDOWN_CODES = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED)


class Submitter(threading.Thread):
    """Receives new tickets until told to stop or the server goes away."""

    def __init__(self, service, token, number, terminated, stop):
        super().__init__(daemon=True)
        self.channel = hc.channel(service)
        self.client = hc.Client(PB, self.channel, token)
        self.number = number
        self.terminated = terminated
        self.stop = stop
        self.acknowledged = []  # ticket ids whose receive was answered OK
        self.unexpected = []    # errors that are neither OK nor shutdown

    def run(self):
        try:
            self._submit()
        finally:
            self.channel.close()

    def _submit(self):
        count = 0
        while not self.stop.is_set():
            count += 1
            ticket_id = f"L{self.number}-{count}"
            try:
                self.client.receive(ticket_id, command_id=f"load-{ticket_id}")
            except grpc.RpcError as error:
                # Before SIGTERM no call may fail.
                if (error.code() not in SHUTDOWN_CODES or
                        not self.terminated.is_set()):
                    self.unexpected.append(
                        f"{ticket_id}: {error.code()} {error.details()}")
                return
            self.acknowledged.append(ticket_id)


class ShutdownUnderLoadTest(unittest.TestCase):

    def test_nothing_acknowledged_is_lost(self):
        with serve_fixture.Service(HOTLINE) as service:
            token = service.add_token("op-load", "OPERATOR")
            service.start()
            acknowledged, before_sigterm = self._load_and_terminate(
                service, token)
            self.assertGreater(before_sigterm, 0,
                               "no command was acknowledged before SIGTERM")

            service.start()
            with hc.channel(service) as channel:
                missing = missing_tickets(hc.Client(PB, channel, token),
                                          acknowledged)
            service.stop()
        self.assertEqual(missing, [],
                         f"{len(missing)} of {len(acknowledged)} acknowledged "
                         f"tickets lost")

    def _load_and_terminate(self, service, token):
        """Runs the load, SIGTERMs mid-way; (acknowledged ids, count before)."""
        terminated, stop = threading.Event(), threading.Event()
        submitters = [Submitter(service, token, n, terminated, stop)
                      for n in range(THREADS)]
        for submitter in submitters:
            submitter.start()
        time.sleep(SIGTERM_AFTER_SECONDS)
        before = sum(len(s.acknowledged) for s in submitters)
        terminated.set()
        service.terminate()
        time.sleep(LOAD_SECONDS - SIGTERM_AFTER_SECONDS)
        stop.set()
        service.wait_exit_zero()
        for submitter in submitters:
            submitter.join(hc.Client.TIMEOUT + 5)
            self.assertFalse(submitter.is_alive(), "a submitter hung")
        unexpected = [e for s in submitters for e in s.unexpected]
        self.assertEqual(unexpected, [], "calls failed other than by shutdown")
        return [t for s in submitters for t in s.acknowledged], before


def missing_tickets(client, ticket_ids):
    """The ids GetTicket does not find; concurrent, as reads are many."""
    def found(ticket_id):
        try:
            return client.get_ticket(ticket_id).ticket_id == ticket_id
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.NOT_FOUND:
                return False
            raise

    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        return [t for t, ok in zip(ticket_ids, pool.map(found, ticket_ids))
                if not ok]


if __name__ == "__main__":
    serve_fixture.main(__doc__, globals(), stubs=hc.stubs)

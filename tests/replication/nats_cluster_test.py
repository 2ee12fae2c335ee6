"""Self-test of nats_cluster.py: the harness the replication tests stand on.

Usage:
  /usr/bin/python3 tests/replication/nats_cluster_test.py [--hotline PATH] [unittest args]

Needs nats-server (/usr/sbin/nats-server, or NATS_SERVER). Starts real
three-node JetStream clusters on loopback: readiness, SIGKILL and restart of
a node, SIGSTOP and SIGCONT, and that neither close(), nor the interpreter's
exit, nor a SIGKILLed test leaves a nats-server behind.
"""

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import unittest

import nats_cluster
from nats_cluster import ClusterError, NatsCluster

HERE = os.path.dirname(os.path.abspath(__file__))


def alive(pid):
    """pid names a process that is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def process_state(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0]


def wait_gone(pids, timeout=10):
    deadline = time.monotonic() + timeout
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [p for p in pids if alive(p)]


class ClusterTest(unittest.TestCase):
    """One cluster for these tests; each leaves all three nodes running."""

    @classmethod
    def setUpClass(cls):
        cls.cluster = NatsCluster()
        cls.addClassCleanup(cls.cluster.close)
        cls.cluster.start()

    def meta(self, i):
        status, jsz = self.cluster.get(i, "/jsz")
        self.assertEqual(status, 200)
        return jsz["meta_cluster"]

    def meta_leader(self):
        leader = self.meta(1)["leader"]
        return int(leader[1:])

    def meta_leader_among_others(self, down):
        up = next(j for j in (1, 2, 3) if j != down)
        return int(self.meta(up)["leader"][1:])

    def a_follower(self):
        return next(i for i in (1, 2, 3) if i != self.meta_leader())

    def test_ready_for_r3_streams(self):
        cluster = self.cluster
        urls = cluster.urls().split(",")
        self.assertEqual(urls, [cluster.url(i) for i in (1, 2, 3)])
        self.assertEqual(len(set(urls)), 3)
        for url in urls:
            self.assertRegex(url, r"^nats://127\.0\.0\.1:\d+$")
        leaders = set()
        for i in (1, 2, 3):
            status, health = cluster.get(i, "/healthz")
            self.assertEqual((status, health), (200, {"status": "ok"}))
            meta = self.meta(i)
            self.assertEqual(meta["cluster_size"], 3)
            leaders.add(meta["leader"])
            self.assertEqual(cluster.get(i, "/routez")[1]["num_routes"], 2)
        self.assertEqual(len(leaders), 1)
        leader = leaders.pop()
        self.assertIn(leader, ("n1", "n2", "n3"))
        replicas = self.meta(int(leader[1:]))["replicas"]
        self.assertEqual(sorted(r["name"] for r in replicas),
                         sorted({"n1", "n2", "n3"} - {leader}))
        self.assertTrue(all(r["current"] for r in replicas), replicas)
        # No stream yet: nothing to report, and every node answered.
        self.assertEqual(cluster.stream_names(), set())
        info = cluster.stream_info("HOTLINE_0123456789abcdef")
        self.assertEqual((info.replicas, info.unreachable), ({}, []))
        self.assertIsNone(info.last_seq)
        self.assertFalse(info.caught_up(["n1"]))

    def test_killed_meta_leader_restarts_on_its_ports_and_store(self):
        cluster = self.cluster
        i = self.meta_leader()
        node = cluster.node(i)
        ports = (node.client_port, node.cluster_port, node.http_port)
        pid = node.proc.pid
        cluster.kill(i)
        self.assertFalse(alive(pid))
        self.assertIsNone(node.proc)
        # The other two elect a meta leader between them (raft's election
        # timeout is 4 to 9 s).
        cluster.wait_ready(timeout=20)
        self.assertNotEqual(self.meta_leader_among_others(i), i)
        with self.assertRaises(OSError):
            cluster.get(i, "/healthz")
        self.assertIn(f"n{i}", cluster.stream_info("X").unreachable)

        cluster.restart(i)
        self.assertEqual((node.client_port, node.cluster_port,
                          node.http_port), ports)
        self.assertNotEqual(node.proc.pid, pid)
        cluster.wait_ready()
        self.assertEqual(self.meta(i)["cluster_size"], 3)
        # The same store: its meta log is back, not a fresh bootstrap.
        with open(node.log) as f:
            log = f.read()
        second = log[log.index("start #2"):]
        self.assertNotIn("JetStream cluster bootstrapping", second)
        self.assertIn("JetStream cluster recovering state", second)

    def test_paused_node_answers_nothing_until_resumed(self):
        cluster = self.cluster
        i = self.a_follower()
        node = cluster.node(i)
        cluster.pause(i)
        try:
            self.assertEqual(process_state(node.proc.pid), "T")
            self.assertEqual(cluster.stream_info("X").unreachable, [f"n{i}"])
            with self.assertRaises(OSError):  # a timeout
                cluster.get(i, "/healthz")
            cluster.wait_ready(timeout=20)  # the two others still are
        finally:
            cluster.resume(i)
        self.assertNotEqual(process_state(node.proc.pid), "T")
        cluster.wait_ready()
        self.assertEqual(cluster.get(i, "/healthz")[0], 200)

    def test_restart_of_a_running_node_is_refused(self):
        with self.assertRaises(AssertionError):
            self.cluster.restart(1)
        with self.assertRaises(ValueError):
            self.cluster.kill(4)


class CleanupTest(unittest.TestCase):

    def test_close_kills_every_node_and_removes_the_directory(self):
        cluster = NatsCluster().start()
        try:
            cluster.pause(2)
            pids, directory = cluster.pids(), cluster.dir
            self.assertEqual(len(pids), 3)
        finally:
            cluster.close()
        self.assertEqual([p for p in pids if alive(p)], [])
        self.assertFalse(os.path.exists(directory))
        cluster.close()  # twice is harmless

    def test_context_manager_closes_on_an_exception(self):
        with self.assertRaises(KeyError):
            with NatsCluster() as cluster:
                pids, directory = cluster.pids(), cluster.dir
                raise KeyError("a failing test")
        self.assertEqual([p for p in pids if alive(p)], [])
        self.assertFalse(os.path.exists(directory))

    def test_failed_start_leaves_nothing(self):
        # A node that cannot become ready (its config is broken).
        cluster = NatsCluster(ready_timeout=5)
        original = cluster._write_config

        def broken(node):
            original(node)
            if node.number == 3:
                with open(node.config, "a") as f:
                    f.write("this is not { valid\n")
        cluster._write_config = broken
        with self.assertRaises(ClusterError) as raised:
            cluster.start()
        self.assertIn("n3 exited", str(raised.exception))
        self.assertFalse(os.path.exists(cluster.dir))
        self.assertEqual(cluster.pids(), [])

    def test_a_taken_port_makes_start_try_again(self):
        taken = socket.socket()
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        real, calls = nats_cluster._free_ports, []

        def first_one_taken(count):
            calls.append(count)
            ports = real(count)
            return [port, *ports[1:]] if len(calls) == 1 else ports
        nats_cluster._free_ports = first_one_taken
        try:
            with NatsCluster() as cluster:
                self.assertEqual(len(calls), 2)
                self.assertNotIn(port, [cluster.node(i).client_port
                                        for i in (1, 2, 3)])
                self.assertEqual(len(cluster.pids()), 3)
        finally:
            nats_cluster._free_ports = real
            taken.close()

    def run_child(self, body):
        """A child python that starts a cluster, prints its pids and dir,
        then runs body; (the child, pids, dir)."""
        script = textwrap.dedent(f"""\
            import json, os, sys, time
            sys.path.insert(0, {HERE!r})
            from nats_cluster import NatsCluster
            cluster = NatsCluster().start()
            print(json.dumps([cluster.pids(), cluster.dir]), flush=True)
            """) + textwrap.dedent(body)
        child = subprocess.Popen([sys.executable, "-c", script],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True)
        line = child.stdout.readline()
        if not line:
            child.wait(30)
            self.fail(f"child printed nothing: {child.stderr.read()}")
        pids, directory = json.loads(line)
        return child, pids, directory

    def test_interpreter_exit_closes_a_cluster_left_open(self):
        child, pids, directory = self.run_child(
            "raise RuntimeError('a test died without closing')\n")
        _, err = child.communicate(timeout=30)
        self.assertNotEqual(child.returncode, 0)
        self.assertIn("a test died", err)
        self.assertEqual(wait_gone(pids), [])
        self.assertFalse(os.path.exists(directory))

    def test_nodes_die_with_a_sigkilled_test(self):
        child, pids, directory = self.run_child("time.sleep(60)\n")
        try:
            child.send_signal(signal.SIGKILL)
            child.wait(30)
            self.assertEqual(wait_gone(pids), [],
                             "nats-server outlived its SIGKILLed parent "
                             "(no setpriv --pdeathsig?)")
        finally:
            for pid in pids:
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)
            child.stdout.close()
            child.stderr.close()
            # No atexit ran: the directory is left, remove it here.
            subprocess.run(["rm", "-rf", directory], check=False)


if __name__ == "__main__":
    # --hotline is taken (and unused) so that the test can be registered
    # like the others; the other arguments go to unittest.
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hotline", help="unused")
    _, unittest_args = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0], *unittest_args])

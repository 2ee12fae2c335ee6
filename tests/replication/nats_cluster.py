"""A real three-node NATS JetStream cluster on loopback, for the replication tests.

Each node is a `nats-server` child process (Debian's, /usr/sbin/nats-server,
v2.9.10; override with the NATS_SERVER environment variable) with its own
client, cluster (route) and HTTP monitoring port on 127.0.0.1, its own
JetStream store directory and its own config file, all under one temporary
directory. The nodes are named n1, n2, n3, and every method here takes the
node's number i (1..3), never a 0-based index.

Nothing here speaks the NATS protocol: the cluster is observed only through
the monitoring port (/healthz, /jsz, /routez), and used by the hotline binary.
What nats-server 2.9.10 serves there, and what "ready" means:

  /healthz                       200 {"status":"ok"} once the node accepts
                                 connections, has JetStream on, knows the meta
                                 leader and is current with it, and every
                                 stream replica it holds is current; 503 with
                                 {"status":"unavailable","error":...} before.
  /healthz?js-server-only=true   the same without the per-stream check.
  /jsz                           "meta_cluster": {"leader", "cluster_size",
                                 and on the meta leader only "replicas":
                                 [{"name","current","offline",...}]}.
  /jsz?streams=true              adds "account_details": [{"stream_detail":
                                 [{"name", "state": {"messages", "bytes",
                                 "first_seq", "last_seq", ...}, "cluster":
                                 {"leader", "replicas": [{"name", "current",
                                 "lag", ...}]}}]}]; "state" is this node's
                                 own replica, so comparing the nodes' last_seq
                                 tells whether a restarted node caught up.
  /routez                        "num_routes".

start() waits until every node is healthy, agrees on the meta leader, sees a
meta group of 3, has a route to both others, and the meta leader lists both
other peers as current: then an R3 stream can be created at once.

Output of each node goes to a log file (not a pipe) that assertion messages
quote (logs()). close() kills every node and removes the directory; it runs
on __exit__, on a failed start(), and at interpreter exit for clusters left
open. Where util-linux's setpriv is present the nodes are also started with
a parent-death signal, so that not even a SIGKILLed test leaves nats-server
running (the signal follows the thread that started the node: start and
restart nodes from the main thread or another thread that outlives them).
"""

import atexit
import contextlib
import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

NATS_SERVER = os.environ.get("NATS_SERVER", "/usr/sbin/nats-server")

# Clusters not closed yet, closed at interpreter exit whatever happened.
_open_clusters = set()
_open_lock = threading.Lock()


@atexit.register
def _close_open_clusters():
    with _open_lock:
        clusters = list(_open_clusters)
    for cluster in clusters:
        cluster.close()


# Loopback HTTP without any proxy the environment may name.
_http = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get_json(port, path, timeout):
    """(HTTP status, parsed JSON or None) of GET 127.0.0.1:port/path."""
    url = f"http://127.0.0.1:{port}{path}"
    try:
        with _http.open(url, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:  # 503 from /healthz
        status, body = error.code, error.read()
    try:
        return status, json.loads(body)
    except ValueError:
        return status, None


def _free_ports(count):
    """count distinct ports the kernel had free on 127.0.0.1 just now.

    All sockets stay bound until all are chosen, so no port repeats; another
    process may still take one before the node binds it (start() retries).
    """
    with contextlib.ExitStack() as stack:
        ports = []
        for _ in range(count):
            sock = stack.enter_context(
                socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind(("127.0.0.1", 0))
            ports.append(sock.getsockname()[1])
        return ports


_death_signal = None


def death_signal_prefix():
    """["setpriv", "--pdeathsig", "KILL"] when setpriv is there, else []:
    put before a child's command, the child (same pid, setpriv execs it)
    gets SIGKILL when the thread that started it dies."""
    global _death_signal
    if _death_signal is None:
        setpriv = shutil.which("setpriv")
        probe = setpriv and subprocess.run(
            [setpriv, "--pdeathsig", "KILL", "true"], capture_output=True,
            timeout=10)
        _death_signal = ([setpriv, "--pdeathsig", "KILL"]
                         if probe and probe.returncode == 0 else [])
    return list(_death_signal)


def process_state(pid):
    """The state letter of /proc/PID/stat: R, S, T (stopped), Z..."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return None


class ClusterError(AssertionError):
    """The cluster did not start, become ready or answer; says why and shows
    the logs."""


class _PortClash(Exception):
    pass


@dataclasses.dataclass
class Node:
    """One nats-server: its ports and files; proc is None while killed."""
    number: int
    client_port: int
    cluster_port: int
    http_port: int
    dir: str
    config: str
    log: str
    proc: subprocess.Popen = None
    paused: bool = False
    starts: int = 0

    @property
    def name(self):
        return f"n{self.number}"

    @property
    def url(self):
        return f"nats://127.0.0.1:{self.client_port}"

    @property
    def running(self):
        """Started, not killed, not paused: it answers."""
        return self.proc is not None and not self.paused


@dataclasses.dataclass
class StreamInfo:
    """A stream as each node's monitoring port shows it.

    replicas: {node name: that node's StreamDetail dict ("state", "cluster")}
    for every answering node that holds a replica; unreachable nodes (killed,
    paused) are in `unreachable` instead.
    """
    name: str
    replicas: dict
    unreachable: list

    @property
    def leader(self):
        """The stream leader's name, as the answering nodes agree, or None."""
        leaders = {r.get("cluster", {}).get("leader") for r in
                   self.replicas.values()}
        leaders.discard(None)
        leaders.discard("")
        return leaders.pop() if len(leaders) == 1 else None

    def state(self, node=None):
        """The "state" dict of the node's replica (default: the leader's)."""
        node = node or self.leader
        replica = self.replicas.get(node)
        return replica["state"] if replica else None

    @property
    def last_seq(self):
        state = self.state()
        return state["last_seq"] if state else None

    @property
    def first_seq(self):
        state = self.state()
        return state["first_seq"] if state else None

    @property
    def messages(self):
        state = self.state()
        return state["messages"] if state else None

    def last_seqs(self):
        """{node name: last_seq of its replica}."""
        return {n: r["state"]["last_seq"] for n, r in self.replicas.items()}

    def caught_up(self, nodes):
        """Every named node holds a replica with the leader's messages,
        first and last sequence, and the leader sees them all current."""
        leader = self.leader
        if leader is None or leader not in self.replicas:
            return False
        want = self.state(leader)
        key = ("messages", "first_seq", "last_seq")
        for node in nodes:
            state = self.state(node)
            if state is None or any(state[k] != want[k] for k in key):
                return False
        peers = {p.get("name"): p for p in
                 self.replicas[leader].get("cluster", {}).get("replicas", [])}
        return all(peers.get(n, {}).get("current") and
                   not peers.get(n, {}).get("lag")
                   for n in nodes if n != leader)

    def __str__(self):
        parts = [f"{n}: {r['state']['messages']} msgs "
                 f"{r['state']['first_seq']}..{r['state']['last_seq']}"
                 for n, r in sorted(self.replicas.items())]
        return (f"stream {self.name} (leader {self.leader}): "
                f"{'; '.join(parts) or 'no replica'}"
                f"{'; unreachable ' + ','.join(self.unreachable) if self.unreachable else ''}")


class NatsCluster:
    """Three JetStream nodes on loopback; a context manager (start, close)."""

    SIZE = 3
    START_ATTEMPTS = 5

    def __init__(self, cluster_name="hotline-test", ready_timeout=30,
                 http_timeout=2.0):
        self.cluster_name = cluster_name
        self.ready_timeout = ready_timeout
        self.http_timeout = http_timeout
        self.dir = None
        self.nodes = []
        self._prefix = None
        self._closed = False

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    # Starting and stopping.

    def start(self):
        """Starts the three nodes and waits until R3 streams can be made."""
        assert not self.nodes, "already started"
        with _open_lock:
            _open_clusters.add(self)
        try:
            self._prefix = death_signal_prefix()
            self.dir = tempfile.mkdtemp(prefix="hotline-nats-")
            for attempt in range(1, self.START_ATTEMPTS + 1):
                try:
                    self._start_once(attempt)
                    return self
                except _PortClash:
                    self._kill_all()
                    self.nodes = []
            raise ClusterError(
                f"no free ports after {self.START_ATTEMPTS} attempts:\n"
                f"{self.logs()}")
        except BaseException:
            self.close()
            raise

    def _start_once(self, attempt):
        ports = _free_ports(3 * self.SIZE)
        self.nodes = []
        for i in range(1, self.SIZE + 1):
            node_dir = os.path.join(self.dir, f"try{attempt}", f"n{i}")
            os.makedirs(node_dir)
            self.nodes.append(Node(
                number=i, client_port=ports[3 * i - 3],
                cluster_port=ports[3 * i - 2], http_port=ports[3 * i - 1],
                dir=node_dir, config=os.path.join(node_dir, "nats.conf"),
                log=os.path.join(node_dir, "nats.log")))
        for node in self.nodes:
            self._write_config(node)
        for node in self.nodes:
            self._spawn(node)
        self.wait_ready(self.ready_timeout)

    def _write_config(self, node):
        routes = ", ".join(json.dumps(f"nats-route://127.0.0.1:{n.cluster_port}")
                           for n in self.nodes if n is not node)
        store = os.path.join(node.dir, "store")
        q = json.dumps  # a quoted string nats-server's config parser accepts
        text = (f"server_name: {q(node.name)}\n"
                f"listen: {q(f'127.0.0.1:{node.client_port}')}\n"
                f"http: {q(f'127.0.0.1:{node.http_port}')}\n"
                f"jetstream {{\n"
                f"  store_dir: {q(store)}\n"
                f"  max_memory_store: 268435456\n"
                f"  max_file_store: 4294967296\n"
                f"}}\n"
                f"cluster {{\n"
                f"  name: {q(self.cluster_name)}\n"
                f"  listen: {q(f'127.0.0.1:{node.cluster_port}')}\n"
                f"  routes: [{routes}]\n"
                f"}}\n")
        with open(node.config, "w") as f:
            f.write(text)

    def _spawn(self, node):
        node.starts += 1
        self._mark(node, f"start #{node.starts}")
        with open(node.log, "ab") as log:
            node.proc = subprocess.Popen(
                [*self._prefix, NATS_SERVER, "-c", node.config],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                cwd=node.dir)
        node.paused = False

    def _mark(self, node, what):
        """A line in the node's log saying what the harness did, and when."""
        with open(node.log, "ab") as log:
            log.write(f"=== harness {time.strftime('%H:%M:%S')}: "
                      f"{node.name} {what}\n".encode())

    def kill(self, i):
        """SIGKILL node i and reap it."""
        node = self.node(i)
        assert node.proc is not None, f"{node.name} is not running"
        node.proc.kill()
        node.proc.wait()
        node.proc, node.paused = None, False
        self._mark(node, "SIGKILLed")

    def restart(self, i, timeout=None):
        """Starts killed node i again (same ports, config and store) and
        waits until it knows the meta leader, is current with it, and has
        routes to the other answering nodes. Its streams may still be
        catching up: see wait_caught_up()."""
        node = self.node(i)
        assert node.proc is None, f"{node.name} is still running"
        self._spawn(node)
        try:
            self._wait(
                lambda: self._node_ready(node, self._running_others(node)),
                timeout or self.ready_timeout, f"{node.name} ready again")
        except _PortClash:
            raise ClusterError(f"{node.name}'s ports were taken while it was "
                               f"down:\n{self.logs()}") from None

    def pause(self, i):
        """SIGSTOP node i: it keeps its sockets, answers nothing."""
        node = self.node(i)
        assert node.running, f"{node.name} is not running"
        node.proc.send_signal(signal.SIGSTOP)
        node.paused = True
        # The signal is delivered asynchronously: return once it stopped.
        self._wait(lambda: process_state(node.proc.pid) == "T", 10,
                   f"{node.name} stopped")
        self._mark(node, "SIGSTOPped")

    def resume(self, i):
        """SIGCONT node i."""
        node = self.node(i)
        assert node.proc is not None and node.paused, f"{node.name} not paused"
        node.proc.send_signal(signal.SIGCONT)
        self._wait(lambda: process_state(node.proc.pid) != "T", 10,
                   f"{node.name} running again")
        node.paused = False
        self._mark(node, "SIGCONTed")

    def close(self):
        """Kills every node (paused ones too) and removes the directory."""
        if self._closed:
            return
        self._closed = True
        self._kill_all()
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
        with _open_lock:
            _open_clusters.discard(self)

    def _kill_all(self):
        for node in self.nodes:
            if node.proc is not None:
                with contextlib.suppress(ProcessLookupError):
                    node.proc.kill()  # SIGKILL ends a stopped process too
                node.proc.wait()
                node.proc, node.paused = None, False

    # Addresses.

    def node(self, i):
        if not 1 <= i <= len(self.nodes):
            raise ValueError(f"no node {i}: nodes are 1..{len(self.nodes)}")
        return self.nodes[i - 1]

    def url(self, i):
        return self.node(i).url

    def urls(self):
        """The --nats value: every node's client URL, comma-separated."""
        return ",".join(n.url for n in self.nodes)

    # The monitoring port.

    def get(self, i, path):
        """(status, JSON) of node i's monitoring path, e.g. "/jsz"."""
        return _get_json(self.node(i).http_port, path, self.http_timeout)

    def _try_get(self, node, path):
        if not node.running:
            return None, None
        try:
            return _get_json(node.http_port, path, self.http_timeout)
        except (OSError, urllib.error.URLError):
            return None, None

    def stream_names(self):
        """Names of the streams any answering node holds a replica of."""
        names = set()
        for node in self.nodes:
            for detail in self._stream_details(node) or ():
                names.add(detail["name"])
        return names

    def _stream_details(self, node):
        status, jsz = self._try_get(node, "/jsz?accounts=true&streams=true")
        if status != 200 or jsz is None:
            return None
        return [d for account in jsz.get("account_details") or ()
                for d in account.get("stream_detail") or ()]

    def stream_info(self, name):
        """The stream on every node: a StreamInfo (see its docstring)."""
        replicas, unreachable = {}, []
        for node in self.nodes:
            details = self._stream_details(node)
            if details is None:
                unreachable.append(node.name)
                continue
            for detail in details:
                if detail["name"] == name:
                    replicas[node.name] = detail
        return StreamInfo(name, replicas, unreachable)

    def wait_caught_up(self, name, timeout=30, nodes=None):
        """Waits until every running node (or the named ones) holds the
        stream as the leader does; returns the StreamInfo."""
        names = nodes or [n.name for n in self.nodes if n.running]
        last = [None]

        def caught_up():
            last[0] = self.stream_info(name)
            return last[0].caught_up(names)

        self._wait(caught_up, timeout,
                   f"{', '.join(names)} caught up on {name}",
                   lambda: str(last[0]))
        return last[0]

    # Readiness.

    def wait_ready(self, timeout=None):
        """Waits until every running node is ready (see the module doc)."""
        def ready():
            running = [n for n in self.nodes if n.running]
            return (all(self._node_ready(n, self._running_others(n))
                        for n in running)
                    and self._leader_sees(running))
        self._wait(ready, timeout or self.ready_timeout, "cluster ready")

    def _running_others(self, node):
        return [n for n in self.nodes if n is not node and n.running]

    def _check_exits(self):
        """Raises if a node the harness did not kill has exited."""
        for node in self.nodes:
            if node.proc is None or node.proc.poll() is None:
                continue
            code, node.proc = node.proc.returncode, None
            with open(node.log, errors="replace") as f:
                log = f.read()
            if "address already in use" in log:
                raise _PortClash()
            raise ClusterError(f"{node.name} exited {code}:\n{self.logs()}")

    def _node_ready(self, node, others):
        status, health = self._try_get(node, "/healthz?js-server-only=true")
        if status != 200 or (health or {}).get("status") != "ok":
            return False
        status, jsz = self._try_get(node, "/jsz")
        meta = (jsz or {}).get("meta_cluster") or {}
        if not meta.get("leader") or meta.get("cluster_size") != self.SIZE:
            return False
        status, routez = self._try_get(node, "/routez")
        return (routez or {}).get("num_routes", 0) >= len(others)

    def _leader_sees(self, running):
        """All running nodes name one meta leader, which lists every other
        running node as a current, online peer."""
        leaders = set()
        for node in running:
            _, jsz = self._try_get(node, "/jsz")
            leaders.add(((jsz or {}).get("meta_cluster") or {}).get("leader"))
        if len(leaders) != 1 or None in leaders:
            return False
        leader = next((n for n in running if n.name in leaders), None)
        if leader is None:
            return False
        _, jsz = self._try_get(leader, "/jsz")
        peers = {p["name"]: p for p in
                 ((jsz or {}).get("meta_cluster") or {}).get("replicas") or ()}
        return all(peers.get(n.name, {}).get("current") and
                   not peers.get(n.name, {}).get("offline")
                   for n in running if n is not leader)

    def _wait(self, condition, timeout, what, detail=None):
        deadline = time.monotonic() + timeout
        while True:
            self._check_exits()
            if condition():
                return
            if time.monotonic() > deadline:
                extra = f"{detail()}\n" if detail else ""
                raise ClusterError(f"not {what} within {timeout}s\n"
                                   f"{extra}{self.logs()}")
            time.sleep(0.1)

    # Diagnostics.

    def logs(self, tail_lines=40):
        """The last lines of every node's log, for assertion messages."""
        parts = []
        for node in self.nodes:
            try:
                with open(node.log, errors="replace") as f:
                    lines = f.read().splitlines()[-tail_lines:]
            except OSError:
                lines = ["(no log)"]
            if node.proc is None:
                state = "killed"
            elif node.proc.poll() is not None:
                state = (f"pid {node.proc.pid} EXITED {node.proc.returncode},"
                         f" not by the harness")
            else:
                state = f"paused pid {node.proc.pid}" if node.paused else \
                    f"pid {node.proc.pid}"
            parts.append(f"--- {node.name} ({state}) {node.log}\n" +
                         "\n".join(lines))
        return "\n".join(parts)

    def pids(self):
        """Pids of the nodes' processes (running or paused)."""
        return [n.proc.pid for n in self.nodes if n.proc is not None]

"""Measures receive commands per second through `hotline serve` (not a test).

Usage:
  /usr/bin/python3 tests/service/grpc_throughput.py \\
      --hotline build/tools/hotline/hotline --proto-dir proto \\
      [--seconds 10] [--clients 8]

Starts serve on a fresh temporary store with its default options (sync on),
then runs --clients client processes, each with its own channel, submitting
receive commands (fresh ticket ids) one after another for --seconds, and prints
the acknowledged commands per second. Processes rather than threads, so that
Python's global interpreter lock does not cap the load the clients make.
"""

import multiprocessing
import os
import sys
import time

import grpc

import hotline_client as hc

# serve_fixture.py is shared with tests/http/, so it sits in tests/.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
import serve_fixture  # noqa: E402 (needs the path above)


def client_process(address, token, stubs_dir, number, seconds, start, results):
    """One client: waits for the others, then submits for `seconds`."""
    pb = hc.import_stubs(stubs_dir)
    with grpc.insecure_channel(address) as channel:
        client = hc.Client(pb, channel, token)
        # Connect before the clock starts: the handshake is not throughput.
        grpc.channel_ready_future(channel).result(timeout=30)
        start.wait(timeout=60)  # a client that died must not hang the rest
        acknowledged = failed = 0
        began = time.monotonic()
        while time.monotonic() - began < seconds:
            ticket_id = f"P{number}-{acknowledged + failed}"
            try:
                client.receive(ticket_id, command_id=f"bench-{ticket_id}")
                acknowledged += 1
            except grpc.RpcError:
                failed += 1
        results.put((acknowledged, failed, time.monotonic() - began))


def measure(service, token, stubs_dir, clients, seconds):
    """(acknowledged, failed, seconds) over all client processes."""
    # spawn, not fork: gRPC's state must not be copied into a child.
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(clients)
    results = context.Queue()
    processes = [
        context.Process(target=client_process,
                        args=(service.grpc_address, token, stubs_dir, n,
                              seconds, start, results))
        for n in range(clients)]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=seconds + 120) for _ in processes]
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise RuntimeError(f"a client process exited {process.exitcode}")
    return (sum(o[0] for o in outcomes), sum(o[1] for o in outcomes),
            max(o[2] for o in outcomes))


def main():
    parser = serve_fixture.argument_parser(__doc__, proto_dir=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    with hc.stubs(args.proto_dir) as pb, \
            serve_fixture.Service(args.hotline) as service:
        token = service.add_token("op-bench", "OPERATOR")
        service.start()
        acknowledged, failed, elapsed = measure(
            service, token, pb.dir, args.clients, args.seconds)
        service.stop()
    print(f"{args.clients} clients, {elapsed:.1f} s: {acknowledged} commands "
          f"acknowledged, {failed} failed, "
          f"{acknowledged / elapsed:.0f} commands/s")


if __name__ == "__main__":
    main()

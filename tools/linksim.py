#!/usr/bin/env python3
"""linksim: a loopback TCP relay that behaves like an internet link, for this project's tests and benches.

    linksim.py LISTEN_PORT TARGET_PORT [--delay-ms 25] [--up-mbit 20] [--down-mbit 50] [--ready-file PATH]

Each direction of each connection is a pipe with a fixed one-way delay and a rate cap: a byte read from one side
is written to the other once the bottleneck has had time to send everything before it (size / rate) and the delay
has passed. A round trip therefore costs 2 x delay, as on a real path. Order and half-closes are kept per
direction. When the listening socket is bound, the port is written to --ready-file (so a caller polls for a file
instead of sleeping). SIGTERM or SIGINT stops it.

Threads, not asyncio: two per connection, each owning one direction, so a slow reader on one side never delays
the other direction.
"""
import argparse
import collections
import os
import signal
import socket
import sys
import threading
import time

BLOCK = 32 * 1024


class Direction(threading.Thread):
    """Moves bytes from src to dst: a reader thread fills a timed queue, this thread drains it when due."""

    def __init__(self, src, dst, delay, rate):
        super().__init__(daemon=True)
        self.src, self.dst, self.delay, self.rate = src, dst, delay, rate
        self.due = collections.deque()  # (time the bytes may leave, bytes or None for end of stream)
        self.cond = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)

    def _read(self):
        free_at = 0.0  # when the simulated bottleneck has sent everything queued so far
        while True:
            try:
                data = self.src.recv(BLOCK)
            except OSError:
                data = b""
            now = time.monotonic()
            if data:
                free_at = max(now, free_at) + len(data) / self.rate
                item = (free_at + self.delay, data)
            else:
                item = (max(now, free_at) + self.delay, None)
            with self.cond:
                self.due.append(item)
                self.cond.notify()
            if not data:
                return

    def run(self):
        self.reader.start()
        while True:
            with self.cond:
                while not self.due:
                    self.cond.wait()
                when, data = self.due.popleft()
            pause = when - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            try:
                if data is None:
                    self.dst.shutdown(socket.SHUT_WR)
                    return
                self.dst.sendall(data)
            except OSError:
                # The far side is gone: stop reading too, so the other direction sees the end.
                try:
                    self.src.shutdown(socket.SHUT_RD)
                except OSError:
                    pass
                return


def relay(client, target_port, host, delay, up, down):
    try:
        server = socket.create_connection((host, target_port))
    except OSError:
        client.close()
        return
    for s in (client, server):
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    ways = [Direction(client, server, delay, up), Direction(server, client, delay, down)]
    for w in ways:
        w.start()
    for w in ways:
        w.join()
    client.close()
    server.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("listen_port", type=int)
    p.add_argument("target_port", type=int)
    p.add_argument("--delay-ms", type=float, default=25.0, help="one-way delay")
    p.add_argument("--up-mbit", type=float, default=20.0, help="client to target")
    p.add_argument("--down-mbit", type=float, default=50.0, help="target to client")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--ready-file")
    a = p.parse_args()
    delay = a.delay_ms / 1000.0
    up, down = a.up_mbit * 125000.0, a.down_mbit * 125000.0  # bytes per second

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((a.host, a.listen_port))
    listener.listen(64)

    def stop(*_):
        os._exit(0)  # daemon threads end with the process; nothing is buffered that a caller waits for

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if a.ready_file:
        tmp = a.ready_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % listener.getsockname()[1])
        os.replace(tmp, a.ready_file)
    while True:
        client, _ = listener.accept()
        threading.Thread(target=relay, args=(client, a.target_port, a.host, delay, up, down), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())

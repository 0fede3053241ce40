#!/usr/bin/env python3
"""tests/tool/flood.py — holds many idle TCP connections to a server and checks what the
server does meanwhile (used by server_load.sh; 127.0.0.1 only, every socket closed at exit).

  flood.py PORT N [--pid PID] [--rss-max-mb M] [--client CMD]... [--closed-within S]
           [--not-before S] [--settle S]

Opens N connections that never send a byte, then: runs each --client command (a shell
command; it must exit 0, and the best of three runs must take under a second); reads the
server's RSS (PID) and checks it stays under M MB; with --closed-within, waits until every
connection has been closed by the server, which must happen within S seconds of its opening
and (--not-before) not before. Prints one line per fact, FAIL lines for what did not hold,
and exits 1 if anything failed."""
import argparse
import resource
import selectors
import socket
import subprocess
import sys
import threading
import time

failed = False


def say(line):
    print(line, flush=True)


def fail(line):
    global failed
    failed = True
    say("FAIL: " + line)


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def open_all(port, n):
    """Opens n connections in batches of 500. For each, two times: when connect was called
    (the server cannot have it before: the lower bound for "closed too early") and when this
    process saw it completed (the upper bound for "closed too late")."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n + 100:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 100), hard))
    socks = []
    called = []
    opened = []
    sel = selectors.DefaultSelector()
    limit = time.monotonic() + 60
    while len(socks) < n and time.monotonic() < limit:
        batch = []
        t_call = time.monotonic()
        for _ in range(min(500, n - len(socks))):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            sel.register(s, selectors.EVENT_WRITE)
            batch.append(s)
        done = {}
        while len(done) < len(batch) and time.monotonic() < limit:
            for key, _ in sel.select(1):
                sel.unregister(key.fileobj)
                done[key.fileobj] = time.monotonic()
        for s in batch:
            if s in done:
                socks.append(s)
                called.append(t_call)
                opened.append(done[s])
            else:
                sel.unregister(s)
                s.close()
    sel.close()
    if len(socks) < n:
        fail(f"only {len(socks)} of {n} connections completed")
    return socks, called, opened


def run_client(cmd):
    best = None
    for _ in range(3):
        t0 = time.monotonic()
        r = subprocess.run(cmd, shell=True, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=30)
        took = time.monotonic() - t0
        if r.returncode != 0:
            fail(f"client exited {r.returncode}: {cmd}: {r.stderr.decode()[-300:]}")
            return
        best = took if best is None else min(best, took)
        if best < 1.0:
            break
    say(f"client ok in {best:.2f} s: {cmd}")
    if best >= 1.0:
        fail(f"client took {best:.2f} s (best of 3): {cmd}")


class Watcher(threading.Thread):
    """Notes when the server closes each connection, from the moment they are all open."""

    def __init__(self, socks, called, opened, within):
        super().__init__(daemon=True)
        self.socks, self.called, self.opened, self.within = socks, called, opened, within
        self.closed_after = {}  # since the connect completed
        self.closed_since_call = {}
        self.data = 0

    def run(self):
        sel = selectors.DefaultSelector()
        for i, s in enumerate(self.socks):
            sel.register(s, selectors.EVENT_READ, i)
        limit = max(self.opened) + self.within + 1
        while len(self.closed_after) < len(self.socks) and time.monotonic() < limit:
            for key, _ in sel.select(0.2):
                try:
                    got = key.fileobj.recv(1)
                except (ConnectionResetError, BrokenPipeError):
                    got = b""
                except BlockingIOError:
                    continue
                sel.unregister(key.fileobj)
                self.data += len(got)
                now = time.monotonic()
                self.closed_after[key.data] = now - self.opened[key.data]
                self.closed_since_call[key.data] = now - self.called[key.data]
        sel.close()

    def report(self, not_before):
        self.join()
        n = len(self.socks)
        if self.data:
            fail(f"{self.data} connections got data from the server")
        if not self.closed_after:
            fail(f"none of {n} connections was closed within {self.within} s")
            return
        first = min(self.closed_since_call.values())
        last = max(self.closed_after.values())
        say(f"closed {len(self.closed_after)} of {n}, first after {first:.2f} s, "
            f"last after {last:.2f} s")
        if len(self.closed_after) < n:
            fail(f"{n - len(self.closed_after)} connections still open after {self.within} s")
        if last > self.within:
            fail(f"a connection was closed {last:.2f} s after it opened (limit {self.within} s)")
        if first < not_before:
            fail(f"a connection was closed after only {first:.2f} s (not before {not_before} s)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("port", type=int)
    ap.add_argument("n", type=int)
    ap.add_argument("--pid", type=int)
    ap.add_argument("--rss-max-mb", type=float, default=64)
    ap.add_argument("--client", action="append", default=[])
    ap.add_argument("--closed-within", type=float)
    ap.add_argument("--not-before", type=float, default=0)
    ap.add_argument("--settle", type=float, default=0.2, help="seconds to wait before clients")
    a = ap.parse_args()
    socks, called, opened = open_all(a.port, a.n)
    say(f"opened {len(socks)}")
    watcher = None
    if a.closed_within is not None:
        watcher = Watcher(socks, called, opened, a.closed_within)
        watcher.start()
    time.sleep(a.settle)
    for cmd in a.client:
        run_client(cmd)
    if a.pid:
        kb = rss_kb(a.pid)
        say(f"server rss {kb / 1024:.1f} MB with {a.n} idle connections")
        if kb < 0 or kb > a.rss_max_mb * 1024:
            fail(f"server RSS {kb} kB, limit {a.rss_max_mb} MB")
    if watcher is not None:
        watcher.report(a.not_before)
    for s in socks:
        s.close()
    sys.exit(1 if failed else 0)


main()

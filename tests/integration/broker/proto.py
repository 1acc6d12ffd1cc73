#!/usr/bin/env python3
"""A client of the daemon's socket protocol for tests/integration/broker.sh (frames as in
managed/PamMySqlNet.Core/Helper/HelperProtocol.cs). ARGS is the module's pam.d arguments as one
string; every request is a pam_authenticate of USER, answered with PASSWORD.

    proto.py login  SOCK USER PASSWORD ARGS    one request; prints "rc=N", "V=N" or "eof frames=N"
    proto.py load   SOCK USER PASSWORD ARGS N  N connections at once; prints "answered=N codes=..."
    proto.py half   SOCK N READY               N clients send half a header and stall; touches
                                               READY once all are sent; prints when each was closed
    proto.py killmid SOCK USER PASSWORD ARGS   a child asks, gets 'A', is SIGKILLed; prints "got_A=1"
    proto.py fuzz   SOCK ARGS N                N malformed requests, 32 at a time; prints counts
    proto.py endure SOCK USER PASSWORD ARGS N P  N logins in P processes; prints "right=N of N"
"""
import os
import random
import selectors
import signal
import socket
import struct
import sys
import time

ABI = 5


def frame(kind, payload=b""):
    return kind + struct.pack("<I", len(payload)) + payload


def s(value):
    if value is None:
        return struct.pack("<i", -1)
    b = value.encode() if isinstance(value, str) else value
    return struct.pack("<i", len(b)) + b


def request(user, args, abi=ABI, op=1, argc=None):
    argv = args.split()
    head = struct.pack("<iiii", abi, op, 0, len(argv) if argc is None else argc)
    # ... caller uid, caller pid, and the account memo (none)
    tail = s(user) + s("broker-py") + s(None) + struct.pack("<ii", 0, os.getpid()) + s(None)
    return frame(b"Q", head + b"".join(s(a) for a in argv) + tail)


def connect(path, timeout=15):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.settimeout(timeout)
    c.connect(path)
    return c


def recv_exact(c, n):
    data = b""
    while len(data) < n:
        try:
            chunk = c.recv(n - len(data))
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            return None
        data += chunk
    return data


def converse(c, password, on_ask=None):
    """Serves one request's frames; returns "rc=N", "V=N" or "eof frames=N"."""
    frames = 0
    while True:
        head = recv_exact(c, 5)
        if head is None:
            return "eof frames=%d" % frames
        frames += 1
        kind, length = head[:1], struct.unpack("<I", head[1:])[0]
        payload = recv_exact(c, length) if length else b""
        if payload is None:
            return "eof frames=%d" % frames
        if kind == b"A" and on_ask:
            on_ask()
        reply, result = answer(kind, payload, password)
        if reply:
            c.sendall(reply)
        if result:
            return result


def login(path, user, password, args):
    c = None
    try:
        c = connect(path)
        try:
            c.sendall(request(user, args))
        except (BrokenPipeError, ConnectionResetError):
            pass  # closed before reading (a refused peer): what it answers is read below
        return converse(c, password)
    except OSError as e:
        return "error %s" % e.__class__.__name__
    finally:
        if c is not None:
            c.close()


def answer(kind, payload, password):
    """The reply a client owes to a frame (None: no reply), and the outcome once there is one."""
    if kind == b"A":
        return frame(b"T", struct.pack("<i", 0) + s(password)), None
    if kind == b"S":
        return frame(b"T", struct.pack("<i", 0) + s(None)), None
    if kind in (b"R", b"V"):
        return None, "%s=%d" % (kind.decode().replace("R", "rc"), struct.unpack("<i", payload[:4])[0])
    return None, None


def load(path, user, password, args, n):
    # All connected and sent before any answer is read: N requests in the daemon at once. Every
    # connection is served as its frames come (the daemon serves them in its own order).
    sel = selectors.DefaultSelector()
    for _ in range(n):
        c = connect(path, timeout=60)
        c.sendall(request(user, args))
        c.setblocking(False)
        sel.register(c, selectors.EVENT_READ, [b""])
    codes, deadline = {}, time.monotonic() + 120
    while len(sel.get_map()) and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=1):
            c, buf = key.fileobj, key.data
            try:
                data = c.recv(65536)
            except OSError:
                data = b""
            buf[0] += data
            result = None if data else "eof"
            while result is None and len(buf[0]) >= 5:
                length = struct.unpack("<I", buf[0][1:5])[0]
                if len(buf[0]) < 5 + length:
                    break
                kind, payload, buf[0] = buf[0][:1], buf[0][5:5 + length], buf[0][5 + length:]
                reply, result = answer(kind, payload, password)
                if reply:
                    c.setblocking(True)
                    c.sendall(reply)
                    c.setblocking(False)
            if result is not None:
                codes[result] = codes.get(result, 0) + 1
                sel.unregister(c)
                c.close()
    codes["unanswered"] = len(sel.get_map()) or None
    codes = {k: v for k, v in codes.items() if v}
    print("answered=%d codes=%s" % (codes.get("rc=0", 0), sorted(codes.items())))


def half(path, n, ready):
    sel = selectors.DefaultSelector()
    start = time.monotonic()
    for _ in range(n):
        c = connect(path)
        c.setblocking(False)
        c.send(b"Q\x40\x00")  # 3 of the 5 header bytes
        sel.register(c, selectors.EVENT_READ)
    open(ready, "w").close()
    closed = []
    while len(closed) < n and time.monotonic() - start < 20:
        for key, _ in sel.select(timeout=1):
            try:
                data = key.fileobj.recv(64)
            except OSError:
                data = b""
            if not data:
                closed.append(time.monotonic() - start)
                sel.unregister(key.fileobj)
                key.fileobj.close()
    print("closed=%d of %d first_s=%.1f last_s=%.1f" % (len(closed), n, min(closed or [0]), max(closed or [0])))


def killmid(path, user, password, args):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        c = connect(path)
        c.sendall(request(user, args))

        def die():
            os.write(w, b"A")
            os.kill(os.getpid(), signal.SIGKILL)
        converse(c, password, on_ask=die)
        os._exit(0)
    os.close(w)
    got = os.read(r, 1)
    os.waitpid(pid, 0)
    print("got_A=%d" % (got == b"A"))


def fuzz_cases(args, n):
    rnd = random.Random(5)
    good = request("alice@example.test", args)
    body = good[5:]
    kinds = ["random", "type", "huge", "truncated", "strlen", "argc", "abi", "short", "prefix"]
    for i in range(n):
        k = kinds[i % len(kinds)]
        if k == "random":
            yield k, bytes(rnd.getrandbits(8) for _ in range(rnd.randint(1, 300)))
        elif k == "type":
            yield k, frame(bytes([rnd.choice(b"ATRLHVSDGMxZ\0\xff")]), body)
        elif k == "huge":
            yield k, b"Q" + struct.pack("<I", rnd.choice([1 << 20 | 1, 0x7FFFFFFF, 0xFFFFFFFF])) + body[:20]
        elif k == "truncated":
            yield k, good[: rnd.randint(5, len(good) - 1)]
        elif k == "strlen":
            bad = bytearray(body)
            at = 16 + rnd.randrange(0, max(1, len(body) - 24))
            bad[at:at + 4] = struct.pack("<i", rnd.choice([-2, -0x80000000, 0x7FFFFFFF, len(body)]))
            yield k, frame(b"Q", bytes(bad))
        elif k == "argc":
            yield k, request("alice@example.test", args, argc=rnd.choice([1025, 0x7FFFFFFF, -1, 100000]))
        elif k == "abi":
            yield k, request("alice@example.test", args, abi=rnd.choice([0, 4, 6, -1, 1 << 30]))
        elif k == "short":
            yield k, frame(b"Q", body[: rnd.randint(0, 15)])
        else:
            yield k, good[:5] + body[: rnd.randint(0, len(body) - 1)] + bytes(rnd.getrandbits(8) for _ in range(8))


def fuzz(path, args, n):
    counts = {}
    sel = selectors.DefaultSelector()
    cases = iter(fuzz_cases(args, n))
    live, done = 0, 0

    def start():
        try:
            k, data = next(cases)
        except StopIteration:
            return False
        c = connect(path)
        try:
            c.sendall(data)
            c.shutdown(socket.SHUT_WR)  # no more bytes: the daemon must not wait for them
        except OSError:
            pass
        c.setblocking(False)
        sel.register(c, selectors.EVENT_READ, [k, b""])
        return True
    while live < 32 and start():
        live += 1
    while live:
        for key, _ in sel.select(timeout=10):
            try:
                data = key.fileobj.recv(4096)
            except OSError:
                data = b""
            if data:
                key.data[1] += data
                continue
            k, got = key.data
            res = "eof" if not got else "%s" % got[:1].decode("latin-1")
            if got[:1] == b"V":
                res = "V=%d" % struct.unpack("<i", got[5:9])[0]
            elif got[:1] == b"R":
                res = "R=%d" % struct.unpack("<i", got[5:9])[0]
            counts["%s:%s" % (k, res)] = counts.get("%s:%s" % (k, res), 0) + 1
            sel.unregister(key.fileobj)
            key.fileobj.close()
            live -= 1
            done += 1
            if start():
                live += 1
    print("cases=%d %s" % (done, " ".join("%s=%d" % kv for kv in sorted(counts.items()))))


def endure(path, user, password, args, n, procs):
    each = n // procs
    r, w = os.pipe()
    pids = []
    for _ in range(procs):
        pid = os.fork()
        if pid == 0:
            right = sum(1 for _ in range(each) if login(path, user, password, args) == "rc=0")
            os.write(w, b"%d\n" % right)
            os._exit(0)
        pids.append(pid)
    os.close(w)
    for p in pids:
        os.waitpid(p, 0)
    with os.fdopen(r) as f:
        right = sum(int(line) for line in f)
    print("right=%d of %d" % (right, each * procs))


def main(a):
    cmd = a[0]
    if cmd == "login":
        print(login(a[1], a[2], a[3], a[4]))
    elif cmd == "load":
        load(a[1], a[2], a[3], a[4], int(a[5]))
    elif cmd == "half":
        half(a[1], int(a[2]), a[3])
    elif cmd == "killmid":
        killmid(a[1], a[2], a[3], a[4])
    elif cmd == "fuzz":
        fuzz(a[1], a[2], int(a[3]))
    elif cmd == "endure":
        endure(a[1], a[2], a[3], a[4], int(a[5]), int(a[6]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])

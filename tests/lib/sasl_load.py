#!/usr/bin/env python3
"""Concurrent load on a saslauthd socket, bounded in time and count, for the reliability tests.

  sasl_load.py run --mux MUX --service SVC --user U --password P [--concurrency 8]
               [--duration SEC] [--count N] [--wrong-every K] [--timeout SEC] [--csv FILE]
      C threads, each a loop of one saslauthd request per connection (the socket protocol:
      login, password, service, realm, each a 16-bit big-endian length and the bytes; the answer
      is one such string, "OK ..." or "NO ..."). Every K-th request of a thread sends a wrong
      password and must be refused. Stops after SEC seconds or N requests in all, whichever
      comes first (or once --stop-file FILE exists). Prints one line of key=value counts:
        total ok no closed error timeout bad slow maxms p50ms p99ms
      where bad = requests whose answer was not the expected one (OK for the right password,
      NO for a wrong one), slow = answers that took 1 s or more. --csv writes one row per request: start,end (epoch s),kind,result,ms.

  sasl_load.py ask --mux MUX --service SVC --user=U --password=P [--realm=R]
      One request, as testsaslauthd sends it; prints "0: " and saslauthd's answer (or CLOSED).

  sasl_load.py window --csv FILE [--from T] [--to T]
      The same counts for the requests that started in [T, T) (epoch seconds), plus
      first/last: the start times of the first and last bad request.
"""
import argparse
import os
import socket
import struct
import sys
import threading
import time


# Answers that took this long are counted as "slow" (a connect or query timeout was waited for).
SLOW_MS = 1000


def field(s):
    b = s.encode("utf-8", "surrogateescape")
    return struct.pack(">H", len(b)) + b


def ask(mux, service, user, password, realm, timeout=None):
    """One request on its own connection; saslauthd's whole answer ("OK ...", "NO ..."), or ""
    when it closed the connection without one. Socket errors propagate."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    try:
        s.connect(mux)
        s.sendall(field(user) + field(password) + field(service) + field(realm))
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    finally:
        s.close()
    return data[2:].decode("utf-8", "replace") if len(data) >= 2 else ""


def one_request(mux, service, user, password, realm, timeout):
    try:
        answer = ask(mux, service, user, password, realm, timeout)
    except socket.timeout:
        return "TIMEOUT"
    except OSError:
        return "ERROR"
    if not answer:
        return "CLOSED"
    if answer.startswith("OK"):
        return "OK"
    if answer.startswith("NO"):
        return "NO"
    return "ERROR"


def summarize(rows):
    counts = {"total": 0, "ok": 0, "no": 0, "closed": 0, "error": 0, "timeout": 0, "bad": 0, "slow": 0}
    ms = []
    bad_times = []
    for start, _end, kind, result, took in rows:
        counts["total"] += 1
        counts[result.lower()] = counts.get(result.lower(), 0) + 1
        expected = "OK" if kind == "good" else "NO"
        if result != expected:
            counts["bad"] += 1
            bad_times.append(start)
        if took >= SLOW_MS:
            counts["slow"] += 1
        ms.append(took)
    ms.sort()
    counts["maxms"] = ms[-1] if ms else 0
    counts["p50ms"] = ms[len(ms) // 2] if ms else 0
    counts["p99ms"] = ms[min(len(ms) - 1, (len(ms) * 99) // 100)] if ms else 0
    counts["first"] = "%.3f" % min(bad_times) if bad_times else "-"
    counts["last"] = "%.3f" % max(bad_times) if bad_times else "-"
    return counts


def print_counts(counts):
    print(" ".join("%s=%s" % (k, v) for k, v in counts.items()))


def run(args):
    rows = []
    lock = threading.Lock()
    issued = [0]
    deadline = time.time() + args.duration

    def worker(index):
        n = 0
        while time.time() < deadline:
            if args.stop_file and os.path.exists(args.stop_file):
                return
            with lock:
                if args.count and issued[0] >= args.count:
                    return
                issued[0] += 1
            n += 1
            wrong = args.wrong_every > 0 and n % args.wrong_every == 0
            password = "wrong-" + args.password if wrong else args.password
            start = time.time()
            result = one_request(args.mux, args.service, args.user, password, args.realm, args.timeout)
            end = time.time()
            with lock:
                rows.append((start, end, "wrong" if wrong else "good", result, int((end - start) * 1000)))

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(args.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        # A request never outlives its socket timeout, so this join is bounded.
        t.join(args.duration + args.timeout + 5)
    with lock:
        snapshot = list(rows)
    if args.csv:
        with open(args.csv, "w") as f:
            for r in sorted(snapshot):
                f.write("%.6f,%.6f,%s,%s,%d\n" % r)
    print_counts(summarize(snapshot))


def window(args):
    rows = []
    with open(args.csv) as f:
        for line in f:
            start, end, kind, result, took = line.strip().split(",")
            start = float(start)
            if args.from_ is not None and start < args.from_:
                continue
            if args.to is not None and start >= args.to:
                continue
            rows.append((start, float(end), kind, result, int(took)))
    print_counts(summarize(rows))


def request_arguments(parser):
    """What one saslauthd request needs: where, and the four fields."""
    for name in ("--mux", "--service", "--user", "--password"):
        parser.add_argument(name, required=True)
    parser.add_argument("--realm", default="")
    return parser


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    r = request_arguments(sub.add_parser("run"))
    r.add_argument("--concurrency", type=int, default=8)
    r.add_argument("--duration", type=float, default=10.0)
    r.add_argument("--count", type=int, default=0)
    r.add_argument("--wrong-every", type=int, default=0)
    r.add_argument("--timeout", type=float, default=20.0)
    r.add_argument("--csv")
    r.add_argument("--stop-file", help="stop early once this file exists")
    request_arguments(sub.add_parser("ask"))
    w = sub.add_parser("window")
    w.add_argument("--csv", required=True)
    w.add_argument("--from", dest="from_", type=float)
    w.add_argument("--to", type=float)
    args = p.parse_args()
    if args.cmd == "ask":
        print("0: %s" % (ask(args.mux, args.service, args.user, args.password, args.realm) or "CLOSED"))
    elif args.cmd == "run":
        run(args)
    else:
        window(args)


if __name__ == "__main__":
    sys.exit(main())

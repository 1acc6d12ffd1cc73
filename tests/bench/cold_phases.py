#!/usr/bin/env python3
"""cold_phases.py - where one cold login's time goes, from `perf script -F comm,tid,time,event`
of runs recorded with the probes set by tests/bench/coldpath.sh (uprobes on the shim, the core's
exports and a few managed methods, plus connect/sendto/recvmsg and exec/exit tracepoints).

Reads the perf script text on stdin; prints, per phase, the median and mean in ms over the runs
whose events all appeared in the expected order.
"""
import statistics
import sys

# (marker, name of the phase that ENDS at this marker); markers matched in order, one run each.
STEPS = [
    ("sched:sched_process_exec", None),
    ("pam_sm_authenticate:", "process start, libpam, pam.d parsing (same for every module)"),
    ("pmn_abi_version:", "shim: locate + trust-check + dlopen the core (map, relocate)"),
    ("pmn_abi_version__return:", "NativeAOT runtime start (first call into the core)"),
    ("OptionParser__Parse:", "first managed call (pmn_handle entry)"),
    ("MySqlConnection__Open:", "options, queries, password prompt"),
    ("ServerSession__ConnectAsync:", "MySqlConnector first use: connection string, pool, statics"),
    ("sys_enter_connect:", "socket creation (.NET socket engine thread) to connect()"),
    ("sys_exit_recvmsg:", "TCP connect + server greeting"),
    ("sys_enter_sendto:", "handshake response: auth scramble (SHA1; OpenSSL preloaded by the shim), attributes"),
    ("sys_exit_recvmsg:", "server checks the password (auth OK)"),
    ("sys_enter_sendto:", "after auth"),
    ("sys_exit_recvmsg:", "SET NAMES utf8mb4 round trip"),
    ("MySqlConnection__Open__return:", "Open returns"),
    ("sys_enter_sendto:", "command setup"),
    ("sys_exit_recvmsg:", "SELECT round trip"),
    ("Md5Crypt__Hash:", "result read"),
    ("Md5Crypt__Hash__return:", "md5crypt (1000 rounds, managed MD5)"),
    ("pam_sm_authenticate__return:", "back to the shim"),
    ("sched:sched_process_exit", "pam_end, exit (runtime threads torn down by exit)"),
]


def main():
    runs, cur, last_t, idx, main_tid = [], None, None, 0, None
    for line in sys.stdin:
        parts = line.split()
        if len(parts) < 4:
            continue
        comm_tid = parts[:-2]
        tid = comm_tid[-1]
        try:
            t = float(parts[-2].rstrip(":"))
        except ValueError:
            continue
        ev = parts[-1]
        if "pamtester" not in line:
            continue
        if ev.startswith("sched:sched_process_exec"):
            cur, idx, last_t, main_tid = {}, 1, t, tid
            continue
        if cur is None or tid != main_tid or idx >= len(STEPS):
            continue
        marker, name = STEPS[idx]
        if marker in ev:
            cur[idx] = (t - last_t) * 1000.0
            last_t = t
            idx += 1
            if idx == len(STEPS):
                runs.append(cur)
                cur = None
    if not runs:
        print("no complete runs")
        return 1
    total = [sum(r.values()) for r in runs]
    print(f"{len(runs)} complete runs; median total {statistics.median(total):.2f} ms")
    print(f"{'phase':74} {'median ms':>9} {'mean ms':>8}")
    for i in range(1, len(STEPS)):
        vals = [r[i] for r in runs]
        print(f"{STEPS[i][1]:74} {statistics.median(vals):9.2f} {statistics.mean(vals):8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

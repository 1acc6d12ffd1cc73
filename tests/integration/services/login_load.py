#!/usr/bin/env python3
"""Login load for tests/integration/services.sh: IMAP or FTP logins against 127.0.0.1, counting
right and wrong answers.

    login_load.py imap PORT USER PASSWORD EXPECT COUNT CLIENTS [--deadline S] [--timeout S]
    login_load.py ftp  PORT USER PASSWORD EXPECT COUNT CLIENTS --file NAME --content PATH [...]

EXPECT is OK (the login must succeed) or NO (it must be refused as a failed authentication).
COUNT logins in total are shared among CLIENTS threads; each login is a connection of its own:
  imap: connect, LOGIN, LOGOUT. OK = tagged OK to LOGIN and BYE to LOGOUT; NO = tagged NO carrying
        [AUTHENTICATIONFAILED]. Any other NO (e.g. [UNAVAILABLE] "Temporary authentication failure",
        which Dovecot answers when an auth worker dies) is a wrong answer, not a refusal.
  ftp:  connect, USER/PASS, then for a success LIST (must name --file) and RETR --file (must equal
        the bytes of --content), QUIT. OK = 230 plus both transfers right; NO = 530 to PASS.
Every socket operation has --timeout (default 15 s); the whole run stops at --deadline (default
120 s): logins not started by then count as wrong ("not run").
Prints one line: "total=N right=N wrong=N not_run=N seconds=S" and up to 5 "# wrong: ..." samples
(first kinds seen) on stdout. Exit status 0 iff right == total.
"""
import argparse
import os
import ftplib
import imaplib
import io
import socket
import sys
import threading
import time


def imap_login(a):
    try:
        conn = imaplib.IMAP4("127.0.0.1", a.port, timeout=a.timeout)
    except (OSError, imaplib.IMAP4.error) as e:
        return "connect-error: %r" % (e,)
    try:
        try:
            typ, _ = conn.login(a.user, a.password)
        except imaplib.IMAP4.error as e:
            text = str(e)
            if "AUTHENTICATIONFAILED" in text:
                return "NO"
            return "NO-other: %s" % text
        if typ != "OK":
            return "login-%s" % typ
        typ, _ = conn.logout()
        return "OK" if typ == "BYE" else "logout-%s" % typ
    except (OSError, imaplib.IMAP4.error, EOFError) as e:
        return "error: %r" % (e,)
    finally:
        try:
            conn.shutdown()
        except Exception:
            pass


def ftp_login(a):
    ftp = ftplib.FTP(timeout=a.timeout)
    step = "connect"
    try:
        try:
            ftp.connect("127.0.0.1", a.port)
        except OSError as e:
            return "connect-error: %r" % (e,)
        step = "login"
        try:
            ftp.login(a.user, a.password)
        except ftplib.error_perm as e:
            return "NO" if str(e).startswith("530") else "perm: %s" % e
        step = "list"
        lines = []
        ftp.retrlines("LIST", lines.append)
        if not any(line.split()[-1:] == [a.file] for line in lines):
            return "list-missing: %r" % (lines[:3],)
        step = "retr"
        buf = io.BytesIO()
        ftp.retrbinary("RETR " + a.file, buf.write)
        if buf.getvalue() != a.expected_bytes:
            return "retr-mismatch: %d bytes" % len(buf.getvalue())
        step = "quit"
        ftp.quit()
        return "OK"
    except (OSError, ftplib.Error, EOFError) as e:
        # error_proto('') at login: the connection closed without an answer to PASS
        return "error at %s: %r" % (step, e)
    finally:
        ftp.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("proto", choices=["imap", "ftp"])
    p.add_argument("port", type=int)
    p.add_argument("user")
    p.add_argument("password")
    p.add_argument("expect", choices=["OK", "NO"])
    p.add_argument("count", type=int)
    p.add_argument("clients", type=int)
    p.add_argument("--deadline", type=float, default=120.0)
    p.add_argument("--timeout", type=float, default=15.0)
    p.add_argument("--file")
    p.add_argument("--content")
    a = p.parse_args()
    if a.proto == "ftp":
        with open(a.content, "rb") as f:
            a.expected_bytes = f.read()
    one = imap_login if a.proto == "imap" else ftp_login

    lock = threading.Lock()
    state = {"next": 0, "right": 0, "wrong": 0}
    samples = {}
    start = time.monotonic()

    def worker():
        while True:
            with lock:
                if state["next"] >= a.count or time.monotonic() - start > a.deadline:
                    return
                state["next"] += 1
            got = one(a)
            with lock:
                if got == a.expect:
                    state["right"] += 1
                else:
                    state["wrong"] += 1
                    kind = got.split(":")[0]
                    if got == "NO":
                        got = "NO: refused as a failed authentication (tagged NO / 530)"
                    if kind not in samples and len(samples) < 5:
                        samples[kind] = got

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(a.clients)]
    for t in threads:
        t.start()
    for t in threads:
        # A login is bounded by a few socket timeouts; never wait past that.
        t.join(max(1.0, a.deadline + 4 * a.timeout - (time.monotonic() - start)))
    with lock:
        not_run = a.count - state["right"] - state["wrong"]
        print("total=%d right=%d wrong=%d not_run=%d seconds=%.1f"
              % (a.count, state["right"], state["wrong"], not_run, time.monotonic() - start))
        for s in samples.values():
            print("# wrong: %s" % s[:300])
        sys.stdout.flush()
        ok = state["right"] == a.count
    # Hung threads (daemon) must not keep the process alive.
    os._exit(0 if ok else 1)


if __name__ == "__main__":
    socket.setdefaulttimeout(60)
    main()

"""Receives syslog datagrams on a unix socket and appends them, one per line, to a file."""
import os
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
os.chmod(path, 0o666)
with open(out, "ab", buffering=0) as f:
    while True:
        data = sock.recv(65536)
        f.write(data.replace(b"\n", b" ").rstrip(b"\0") + b"\n")

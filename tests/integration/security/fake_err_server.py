"""A stand-in for a hostile MySQL server on 127.0.0.1: answers every connection with one ERR
packet whose message holds a newline, an ESC sequence and U+2028, then closes. Prints its port.
   python3 fake_err_server.py MAX_CONNECTIONS"""
import socket
import struct
import sys

MESSAGE = "Access denied\nDec  1 09:00:00 host sshd[4242]: Accepted password for root\x1b[2J\u2028end".encode()

srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(8)
srv.settimeout(60)
print(srv.getsockname()[1], flush=True)
for _ in range(int(sys.argv[1])):
    try:
        conn, _addr = srv.accept()
    except socket.timeout:
        break
    body = b"\xff" + struct.pack("<H", 1045) + MESSAGE
    conn.sendall(struct.pack("<I", len(body))[:3] + b"\x00" + body)
    conn.close()

# phpass ($P$, MD5) and Drupal 7 ($S$, SHA-512) strings from Python's hashlib, written from the
# phpass 0.3 / Drupal 7 password.inc algorithm descriptions (independent of the C# code): the source
# of the phpass dummies in managed/PamMySqlNet.Core/Auth/DummyHashes.cs.
#   echo "$pw" | python3 build/phpass_gen.py P|S LOG2CHAR
import hashlib, os, sys
itoa = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
def enc(b, count):
    out, i = "", 0
    while True:
        v = b[i]; i += 1; out += itoa[v & 63]
        if i < count: v |= b[i] << 8
        out += itoa[(v >> 6) & 63]
        if i >= count: break
        i += 1
        if i < count: v |= b[i] << 16
        out += itoa[(v >> 12) & 63]
        if i >= count: break
        i += 1
        out += itoa[(v >> 18) & 63]
        if i >= count: break
    return out
kind, c = sys.argv[1], sys.argv[2]
pw = sys.stdin.buffer.read().rstrip(b"\n")
salt = "".join(itoa[x & 63] for x in os.urandom(8))
alg = hashlib.md5 if kind == "P" else hashlib.sha512
h = alg(salt.encode() + pw).digest()
for _ in range(1 << itoa.index(c)):
    h = alg(h + pw).digest()
s = "$" + kind + "$" + c + salt + enc(h, len(h))
print(s[:34] if kind == "P" else s[:55])

# shellcheck shell=bash
# caching_sha2_password settings against the real server: MariaDB has no caching_sha2_password, so
# what is checked here is that the settings the module now gives the driver (the key fetched from a
# loopback server, a pinned server_public_key) still log in over TCP and the socket, and what
# `pam-mysql-net check` says per server. The decisions themselves: PublicKeyPolicyTests.
admin_keys() {
  local sockseed=${SEED/host=127.0.0.1:$MDB_PORT/host=$MDB_SOCK}
  # A real RSA public key in PEM (the shape of a MySQL server's public_key.pem), made by openssl.
  openssl genrsa -out "$WORK/server.key" 2048 2>/dev/null && openssl rsa -in "$WORK/server.key" -pubout -out "$WORK/public_key.pem" 2>/dev/null
  service tcpkey "$SEED broker=off"
  check "loopback TCP (the key would be fetched from the server): login" $PAM_SUCCESS "$(rc tcpkey alice@example.test 'S3cret!')"
  service pinned "$SEED broker=off server_public_key=$WORK/public_key.pem"
  check "loopback TCP with server_public_key: login" $PAM_SUCCESS "$(rc pinned alice@example.test 'S3cret!')"
  service socket "$sockseed broker=off server_public_key=$WORK/public_key.pem"
  check "unix socket (the key is never used there): login" $PAM_SUCCESS "$(rc socket alice@example.test 'S3cret!')"
  local out
  out=$("$CLI" check --service tcpkey --pam-dir "$WORK/pam.d" 2>/dev/null)
  check "check: loopback TCP says the key is fetched from the server" 1 \
    "$(grep -c "^  server 127.0.0.1:$MDB_PORT: caching_sha2_password full authentication: RSA key fetched from the server (loopback only)$" <<<"$out")"
  out=$("$CLI" check --service pinned --pam-dir "$WORK/pam.d" 2>/dev/null)
  check "check: with server_public_key it says so" 1 "$(grep -c 'caching_sha2_password full authentication: RSA key from server_public_key$' <<<"$out")"
  out=$("$CLI" check --service socket --pam-dir "$WORK/pam.d" 2>/dev/null)
  check "check: the socket needs no key" 1 "$(grep -c 'caching_sha2_password full authentication: unix socket (no key needed)$' <<<"$out")"
  # A remote server without TLS and without a key: a problem (TEST-NET-1, never connected to).
  out=$("$CLI" check --pam-line "$SEED host=192.0.2.10:3306 ssl_mode=disabled connect_timeout=1" 2>/dev/null)
  check "check: a remote server without TLS and without server_public_key is a problem" 1 \
    "$(grep -c '^  PROBLEM: server 192.0.2.10:3306: caching_sha2_password full authentication: none' <<<"$out")"
  out=$("$CLI" check --pam-line "$SEED server_public_key=$WORK/missing.pem" 2>/dev/null)
  check "check: a server_public_key that does not exist is a problem" 1 "$(grep -c "PROBLEM: server_public_key $WORK/missing.pem does not exist" <<<"$out")"
}

# shellcheck shell=bash
# Part of tests/integration/security.sh: TLS trust.
#   - ssl_ca pins: a server certificate from a CA the system trusts, but not the one in ssl_ca,
#     is refused ("the system" is SSL_CERT_FILE in the host's environment, which a non-setuid
#     host's runtime honours);
#   - verify_identity refuses a certificate for another name, and (no online revocation check)
#     accepts a good certificate without CRL or OCSP URLs;
#   - verify_ca without a CA uses the system store and says once per process that it pins nothing;
#   - "loopback" follows the resolved address: a name from /etc/hosts that resolves to 127.0.0.1
#     gets no TLS like 127.0.0.1 does; 0.0.0.0 (no loopback address, and refused as a target by
#     the runtime before any packet is sent) counts as remote and is warned about once per process. Other non-loopback cases (127.db.example.com, mixed answers, slow lookups) need
#     DNS or traffic off this machine: they are unit tests (LoopbackTests, TlsPolicyTests).
# A second MariaDB, with TLS, is started here (127.0.0.1 only, stopped by PID at clean-up).

security_tls() {
  local C=$WORK/tls-certs
  mkdir -p "$C"
  # CA1: the admin's private CA, named in ssl_ca. CA2: a CA "the system" trusts; it signed the
  # server's certificate, which names localhost only (so 127.0.0.1 is the wrong name).
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$C/ca1.key" -out "$C/ca1.pem" -days 2 -subj "/CN=pmn admin CA" 2>/dev/null
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$C/ca2.key" -out "$C/ca2.pem" -days 2 -subj "/CN=pmn public CA" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -keyout "$C/server.key" -out "$C/server.csr" -subj "/CN=localhost" 2>/dev/null
  printf 'subjectAltName=DNS:localhost\n' >"$C/server.ext"
  openssl x509 -req -in "$C/server.csr" -CA "$C/ca2.pem" -CAkey "$C/ca2.key" -CAcreateserial -out "$C/server.pem" \
    -days 2 -extfile "$C/server.ext" 2>/dev/null
  chmod 644 "$C"/*.pem "$C"/*.key

  # The frame's server stays the frame's: save its variables around mdb_start.
  local saved=("$MDB_DIR" "$MDB_PORT" "$MDB_SOCK" "$MDB_PID")
  MDB_EXTRA_ARGS=(--ssl-ca="$C/ca2.pem" --ssl-cert="$C/server.pem" --ssl-key="$C/server.key")
  if ! mdb_start "$WORK/tlsdb"; then
    MDB_EXTRA_ARGS=()
    MDB_DIR=${saved[0]} MDB_PORT=${saved[1]} MDB_SOCK=${saved[2]} MDB_PID=${saved[3]}
    check "tls: the TLS server starts" ok failed
    return
  fi
  MDB_EXTRA_ARGS=()
  local TLS_PORT=$MDB_PORT TLS_PID=$MDB_PID
  on_exit "kill $TLS_PID; for i in \$(seq 1 100); do kill -0 $TLS_PID || break; sleep 0.1; done; kill -9 $TLS_PID"
  mdb_seed_mailbox
  mdb_add_user alice@example.test 'S3cret!'
  mdb_sql "CREATE USER 'tlsuser'@'127.0.0.1' IDENTIFIED BY 'tlspass' REQUIRE SSL;
           GRANT SELECT ON postfix.* TO 'tlsuser'@'127.0.0.1';"
  MDB_DIR=${saved[0]} MDB_PORT=${saved[1]} MDB_SOCK=${saved[2]} MDB_PID=${saved[3]}

  local ARGS="user=postfix passwd=yourpass db=postfix table=mailbox usercolumn=username passwdcolumn=password crypt=1 nodelay connect_timeout=3"
  local BYNAME="host=localhost:$TLS_PORT" BYIP="host=127.0.0.1:$TLS_PORT"
  # tls_rc SYSTEM_CA SERVICE ARGS...: the PAM code of alice's login, with SYSTEM_CA as the host's
  # system store (- for none given)
  tls_rc() {
    local system=$1 name=$2; shift 2
    service "$name" "$@"
    if [ "$system" = - ]; then
      rc "$name" alice@example.test 'S3cret!'
    else
      SSL_CERT_FILE=$system SSL_CERT_DIR=/nonexistent rc "$name" alice@example.test 'S3cret!'
    fi
  }
  # logged TEXT: syslog lines since the mark that contain TEXT
  logged() { syslog_since | grep -cF -- "$1"; }

  echo "# ssl_ca pins (only its CAs are trusted, not the system store as well)"
  check "tls: control: ssl_ca = the server's CA" 0 "$(tls_rc - ca-right $ARGS $BYNAME ssl_ca="$C/ca2.pem")"
  check "tls: control: verify_identity, ssl_ca = the server's CA" 0 \
    "$(tls_rc - vid-right $ARGS $BYNAME ssl_mode=verify_identity ssl_ca="$C/ca2.pem")"
  syslog_mark
  check "tls: ssl_ca=CA1, server signed by CA2 which the system trusts: refused" \
    "$PAM_AUTHINFO_UNAVAIL" "$(tls_rc "$C/ca2.pem" pin $ARGS $BYNAME ssl_ca="$C/ca1.pem")"
  check "tls: ... the log line says the certificate is not from ssl_ca's CAs" 1 \
    "$(logged "cannot connect to localhost:$TLS_PORT: TLS certificate refused: not signed by a CA in ssl_ca $C/ca1.pem")"
  syslog_since | grep -o 'database unavailable.*' | head -n 1 | sed 's/^/# /'
  check "tls: the same with ssl_mode=verify_ca: refused" \
    "$PAM_AUTHINFO_UNAVAIL" "$(tls_rc "$C/ca2.pem" pin-vca $ARGS $BYNAME ssl_mode=verify_ca ssl_ca="$C/ca1.pem")"
  check "tls: the same with ssl_mode=verify_identity: refused" \
    "$PAM_AUTHINFO_UNAVAIL" "$(tls_rc "$C/ca2.pem" pin-vid $ARGS $BYNAME ssl_mode=verify_identity ssl_ca="$C/ca1.pem")"
  check "tls: the same with ssl_mode=required: refused" \
    "$PAM_AUTHINFO_UNAVAIL" "$(tls_rc "$C/ca2.pem" pin-req $ARGS $BYNAME ssl_mode=required ssl_ca="$C/ca1.pem")"

  echo "# verify_identity: the name, and no online revocation check"
  syslog_mark
  check "tls: verify_identity, certificate for localhost, connected to 127.0.0.1: refused" \
    "$PAM_AUTHINFO_UNAVAIL" "$(tls_rc - vid-name $ARGS $BYIP ssl_mode=verify_identity ssl_ca="$C/ca2.pem")"
  check "tls: ... the log line names the host" 1 "$(logged "TLS certificate refused: not issued for 127.0.0.1")"
  check "tls: verify_identity against the system store, wrong name: refused" \
    "$PAM_AUTHINFO_UNAVAIL" "$(tls_rc "$C/ca2.pem" vid-sys-name $ARGS $BYIP ssl_mode=verify_identity)"
  check "tls: verify_identity against the system store, right name, no CRL/OCSP URL: accepted" \
    0 "$(tls_rc "$C/ca2.pem" vid-sys $ARGS $BYNAME ssl_mode=verify_identity)"

  echo "# verify_ca without ssl_ca: the system store, and a warning that it pins nothing"
  syslog_mark
  check "tls: verify_ca, system store has the server's CA: accepted" \
    0 "$(tls_rc "$C/ca2.pem" vca-sys $ARGS $BYIP ssl_mode=verify_ca)"
  check "tls: ... warned: verify_ca without ssl_ca pins nothing" 1 \
    "$(logged "server 127.0.0.1:$TLS_PORT: ssl_mode=verify_ca without ssl_ca or ssl_capath")"
  check "tls: verify_ca, system store without the server's CA: refused" \
    "$PAM_AUTHINFO_UNAVAIL" "$(tls_rc "$C/ca1.pem" vca-sys-no $ARGS $BYIP ssl_mode=verify_ca)"
  local out
  out=$(SSL_CERT_FILE=$C/ca2.pem SSL_CERT_DIR=/nonexistent "$CLI" check --pam-line "$ARGS $BYIP ssl_mode=verify_ca" 2>&1)
  check "tls: pam-mysql-net check flags verify_ca without ssl_ca (exit 1)" 1 "$?"
  check_true "tls: ... and says it pins nothing" grep -q "PROBLEM: server 127.0.0.1:$TLS_PORT: ssl_mode=verify_ca without ssl_ca.*pins nothing" <<<"$out"
  out=$("$CLI" check --pam-line "$ARGS $BYNAME ssl_mode=verify_identity ssl_ca=$C/ca2.pem" 2>&1)
  check "tls: pam-mysql-net check: a pinned server is no problem (exit 0)" 0 "$?"
  check_true "tls: ... and says what was verified" grep -q "certificate verified against ssl_ca $C/ca2.pem and its name checked" <<<"$out"
  out=$(SSL_CERT_FILE=$C/ca2.pem SSL_CERT_DIR=/nonexistent "$CLI" check --pam-line "$ARGS $BYNAME ssl_ca=$C/ca1.pem" 2>&1)
  check_true "tls: pam-mysql-net check explains a refused certificate" \
    grep -q "cannot connect: TLS certificate refused: not signed by a CA in ssl_ca $C/ca1.pem" <<<"$out"

  echo "# loopback is decided on the resolved address"
  local alias
  alias=$(awk '$1 == "127.0.0.1" { for (i = 2; i <= NF; i++) if ($i != "localhost") { print $i; exit } }' /etc/hosts)
  if [ -n "$alias" ] && [ "$(getent ahostsv4 "$alias" | awk '{print $1}' | sort -u)" = 127.0.0.1 ] \
      && ! getent ahostsv6 "$alias" | grep -qv '^::1 \|^::ffff:127\.'; then
    syslog_mark
    service alias-plain user=tlsuser passwd=tlspass db=postfix table=mailbox usercolumn=username passwdcolumn=password crypt=1 nodelay \
      "host=$alias:$TLS_PORT"
    check "tls: host=$alias (/etc/hosts: 127.0.0.1) is loopback: no TLS, so a REQUIRE SSL user is refused" \
      "$PAM_AUTHINFO_UNAVAIL" "$(rc alias-plain alice@example.test 'S3cret!')"
    service alias-req user=tlsuser passwd=tlspass db=postfix table=mailbox usercolumn=username passwdcolumn=password crypt=1 nodelay \
      "host=$alias:$TLS_PORT" ssl_mode=required
    check "tls: ... control: the same user with ssl_mode=required" 0 "$(rc alias-req alice@example.test 'S3cret!')"
    check "tls: ... and no warning about a remote server" 0 "$(logged "is not a loopback address")"
  else
    check_note "tls: no name other than localhost resolves to 127.0.0.1 only in /etc/hosts: alias case skipped"
  fi
  syslog_mark
  service seed-name "${SEED/host=127.0.0.1:/host=localhost:}"
  check "tls: host=localhost:PORT (a name for 127.0.0.1/::1), no ssl options: works" 0 "$(rc seed-name alice@example.test 'S3cret!')"
  service seed "$SEED"
  check "tls: the seed's host=127.0.0.1 line, unchanged: works" 0 "$(rc seed alice@example.test 'S3cret!')"
  check "tls: ... neither is warned about" 0 "$(syslog_since | grep -c 'TLS certificate is not verified')"

  echo "# an unverified server that is not loopback: one warning per process"
  # 0.0.0.0 is no loopback address; the runtime refuses it as a target before sending anything, so
  # the login is served by the second server, 127.0.0.1. failover_backoff=0: every login tries
  # 0.0.0.0 first, so every login reaches the warning; the process writes it once.
  local ANY="${SEED/host=127.0.0.1:$MDB_PORT/host=0.0.0.0:$MDB_PORT,127.0.0.1:$MDB_PORT} failover_backoff=0"
  service anyaddr "$ANY"
  syslog_mark
  PMN_OTHER_USER=nobody@example.test "$HOST" "$WORK/pam.d" anyaddr alice@example.test wrong -1 timing 2 >/dev/null 2>&1
  check "tls: host=0.0.0.0,127.0.0.1: 5 logins in one process answered right" 0 "$?"
  check "tls: ... each tried 0.0.0.0 first" 5 "$(logged "cannot connect to 0.0.0.0:$MDB_PORT")"
  check "tls: ... one warning in that process, naming the server and the fix" 1 \
    "$(logged "server 0.0.0.0:$MDB_PORT is not a loopback address and its TLS certificate is not verified (no ssl_* options: TLS only if the server offers it, any certificate accepted): anyone on the network path can pose as the database; set ssl_ca")"
  check "tls: ... another process" 0 "$(rc anyaddr alice@example.test 'S3cret!')"
  check "tls: ... warns again: two in all" 2 "$(logged "server 0.0.0.0:$MDB_PORT is not a loopback address")"
  check "tls: ... and 127.0.0.1 is never warned about" 0 "$(logged "server 127.0.0.1:$MDB_PORT is not a loopback")"
  out=$("$CLI" check --pam-line "$ANY" 2>&1)
  check "tls: pam-mysql-net check flags it (exit 1)" 1 "$?"
  check_true "tls: ... with the fix" grep -q "PROBLEM: server 0.0.0.0:$MDB_PORT is not a loopback address.*set ssl_ca" <<<"$out"
  unset -f tls_rc logged
}

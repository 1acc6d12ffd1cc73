#!/usr/bin/env bash
# TLS from the module to the database: a MariaDB started with certificates made here by openssl
# (a test CA, a server certificate for 127.0.0.1/localhost, a client certificate, and an unrelated
# "wrong" CA), and DB users that REQUIRE SSL / REQUIRE X509, so a login only succeeds over TLS.
# Checks every ssl_mode, ssl_ca, ssl_capath, ssl_cert/ssl_key, ssl_cipher, that no TLS is tried to
# loopback unless asked, and that a wrong CA fails closed with a clear log line.
#   bash tests/integration/tls.sh        (after cmake --build out; as root)
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$REPO/tests/lib/syslog.sh"
syslog_private_namespace "$0" "$@"
source "$REPO/tests/lib/pam_suite.sh"   # check.sh, harness.sh, mariadb.sh, pam_suite_stop, PAM_*

harness_begin tls pam_suite_stop

# --- certificates ------------------------------------------------------------------------------
C=$WORK/certs
mkdir -p "$C/capath" "$C/wrongpath"
make_ca() { openssl req -x509 -newkey rsa:2048 -nodes -keyout "$C/$1.key" -out "$C/$1.pem" -days 2 -subj "/CN=$1" 2>/dev/null; }
# make_cert NAME CN SAN: a certificate signed by the test CA
make_cert() {
  openssl req -newkey rsa:2048 -nodes -keyout "$C/$1.key" -out "$C/$1.csr" -subj "/CN=$2" 2>/dev/null
  printf 'subjectAltName=%s\n' "$3" >"$C/$1.ext"
  openssl x509 -req -in "$C/$1.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" -CAcreateserial -out "$C/$1.pem" \
    -days 2 -extfile "$C/$1.ext" 2>/dev/null
}
make_ca ca
make_ca wrongca
make_cert server localhost "DNS:localhost,IP:127.0.0.1"
make_cert client pmn-client "DNS:pmn-client"
cp "$C/ca.pem" "$C/capath/"
cp "$C/wrongca.pem" "$C/wrongpath/"
chmod 644 "$C"/*.pem "$C"/*.key

mkdir -p "$WORK/pam.d"
echo "auth required pam_deny.so" >"$WORK/pam.d/other"
syslog_start "$WORK/syslog"
MDB_EXTRA_ARGS=(--ssl-ca="$C/ca.pem" --ssl-cert="$C/server.pem" --ssl-key="$C/server.key")
mdb_start "$WORK/db" || harness_fatal "MariaDB did not start"
MDB_EXTRA_ARGS=()
mdb_seed_mailbox
mdb_add_user alice@example.test 'S3cret!'
mdb_sql "CREATE USER 'tlsuser'@'127.0.0.1' IDENTIFIED BY 'tlspass' REQUIRE SSL;
         GRANT SELECT ON postfix.* TO 'tlsuser'@'127.0.0.1';
         CREATE USER 'certuser'@'127.0.0.1' IDENTIFIED BY 'certpass' REQUIRE SUBJECT '/CN=pmn-client';
         GRANT SELECT ON postfix.* TO 'certuser'@'127.0.0.1';"
check_true "the server offers TLS" bash -c "[ \"\$(mariadb --no-defaults -uroot --socket='$MDB_SOCK' -N -B -e \"SHOW GLOBAL VARIABLES LIKE 'have_ssl'\" | cut -f2)\" = YES ]"

BASE="host=127.0.0.1:$MDB_PORT db=postfix table=mailbox usercolumn=username passwdcolumn=password crypt=1 connect_timeout=3 nodelay"
TLSUSER="user=tlsuser passwd=tlspass"

# rc NAME ARGS...: writes the service and returns the PAM code of authenticating alice
rc() {
  local name=$1; shift
  echo "auth required $MODULE $BASE $*" >"$WORK/pam.d/$name"
  "$HOST" "$WORK/pam.d" "$name" alice@example.test 'S3cret!' -1 auth 2>&1 |
    sed -n 's/.*rc=\([0-9-]*\).*/\1/p' | head -n 1
}

echo "# which connections use TLS"
check "no ssl options to loopback: no TLS, so a REQUIRE SSL user is refused" 9 "$(rc plain "$TLSUSER")"
check "ssl_mode=disabled: no TLS" 9 "$(rc disabled "$TLSUSER" ssl_mode=disabled)"
check "ssl_mode=preferred: TLS" 0 "$(rc preferred "$TLSUSER" ssl_mode=preferred)"
check "ssl_mode=required: TLS" 0 "$(rc required "$TLSUSER" ssl_mode=required)"
check "ordinary user over ssl_mode=required" 0 "$(rc required2 user=postfix passwd=yourpass ssl_mode=required)"

echo "# verifying the server"
check "verify_ca with the right CA" 0 "$(rc vca "$TLSUSER" ssl_mode=verify_ca ssl_ca="$C/ca.pem")"
check "ssl_ca alone implies verify_ca" 0 "$(rc caonly "$TLSUSER" ssl_ca="$C/ca.pem")"
check "verify_identity: certificate names 127.0.0.1" 0 "$(rc vid "$TLSUSER" ssl_mode=verify_identity ssl_ca="$C/ca.pem")"
check "ssl_capath with the right CA" 0 "$(rc capath "$TLSUSER" ssl_mode=verify_ca ssl_capath="$C/capath")"
syslog_mark
check "verify_ca with a wrong CA fails closed" 9 "$(rc wrongca "$TLSUSER" ssl_mode=verify_ca ssl_ca="$C/wrongca.pem")"
check_true "the log line says why" bash -c "syslog_since() { tail -n +$((SYSLOG_MARK + 1)) '$WORK/syslog'; }; syslog_since | grep -q 'database unavailable: cannot connect to 127.0.0.1:$MDB_PORT'"
syslog_since | grep -o 'database unavailable.*' | head -n 1 | sed 's/^/# /'
check "ssl_capath with a wrong CA fails closed" 9 "$(rc wrongpath "$TLSUSER" ssl_mode=verify_ca ssl_capath="$C/wrongpath")"
check "ssl_capath without ssl_mode still verifies" 9 "$(rc wrongpath2 "$TLSUSER" ssl_capath="$C/wrongpath")"
check "a CA file that does not exist fails closed" 9 "$(rc nofile "$TLSUSER" ssl_mode=verify_ca ssl_ca="$C/missing.pem")"

echo "# client certificates and ciphers"
check "client certificate accepted" 0 \
  "$(rc cert user=certuser passwd=certpass ssl_mode=verify_ca ssl_ca="$C/ca.pem" ssl_cert="$C/client.pem" ssl_key="$C/client.key")"
check "user requiring a certificate, none given" 9 "$(rc nocert user=certuser passwd=certpass ssl_mode=verify_ca ssl_ca="$C/ca.pem")"
check "ssl_cipher naming a TLS 1.3 suite" 0 "$(rc cipher "$TLSUSER" ssl_mode=required ssl_cipher=TLS_AES_256_GCM_SHA384)"
check "bad ssl_mode is a configuration error" 3 "$(rc badmode "$TLSUSER" ssl_mode=sometimes)"

harness_end

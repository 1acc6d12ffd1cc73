#!/usr/bin/env bash
# Regression tests of the December 2026 security review's findings (SECURITY.md lists each one
# with the test that covers it). The frame starts one throwaway MariaDB, a private /dev/log and a
# private PAM service directory; every part lives in tests/integration/security/NAME.sh and
# defines security_NAME, which this script calls in file-name order.
#   bash tests/integration/security.sh          (after cmake --build out; run as root)
#   PMN_SECURITY_PARTS="tls paths" limits the run to those parts.
#
# What a part can use:
#   OUT MODULE HOST CLI WORK        the build tree, the shim, pmn_pam_host, pam-mysql-net, a temp dir
#   MDB_PORT MDB_SOCK SEED          the server, and the seed's pam.d arguments (+ nodelay)
#   service NAME ARGS...            writes $WORK/pam.d/NAME (auth + account through the module)
#   rc SERVICE USER PASSWORD [op]   the PAM code (op: auth, acct, chauthtok, ...; see pmn_pam_host)
#   syslog_mark / syslog_since      the syslog lines written after the mark
#   check / check_true / check_note from tests/lib/check.sh; mdb_* from tests/lib/mariadb.sh
#   on_exit CMD...                  runs CMD at clean-up (servers a part starts, files it adds)
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$REPO/tests/lib/syslog.sh"
syslog_private_namespace "$0" "$@"
source "$REPO/tests/lib/check.sh"
source "$REPO/tests/lib/mariadb.sh"

OUT=${PMN_OUT:-$REPO/out}
MODULE=$OUT/pam_mysql_net.so
HOST=$OUT/pmn_pam_host
CLI=$OUT/pam-mysql-net
WORK=$(mktemp -d /tmp/pmn-security.XXXXXX)
chmod 755 "$WORK"
EXIT_CMDS=()
on_exit() { EXIT_CMDS+=("$*"); }

cleanup() {
  local c
  for c in "${EXIT_CMDS[@]}"; do eval "$c" >/dev/null 2>&1; done
  mdb_stop
  syslog_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PAM_SUCCESS=0 PAM_SERVICE_ERR=3 PAM_PERM_DENIED=6 PAM_AUTH_ERR=7 PAM_AUTHINFO_UNAVAIL=9
PAM_USER_UNKNOWN=10 PAM_ACCT_EXPIRED=13 PAM_NEW_AUTHTOK_REQD=12

service() {
  local name=$1; shift
  printf 'auth required %s %s\naccount required %s %s\npassword required %s %s\n' \
    "$MODULE" "$*" "$MODULE" "$*" "$MODULE" "$*" >"$WORK/pam.d/$name"
}
rc() {
  "$HOST" "$WORK/pam.d" "$1" "$2" "$3" -1 "${4:-auth}" 2>&1 | sed -n 's/.*rc=\([0-9-]*\).*/\1/p' | head -n 1
}

mkdir -p "$WORK/pam.d"
echo "auth required pam_deny.so" >"$WORK/pam.d/other"
syslog_start "$WORK/syslog"
mdb_start "$WORK/db" || { check "setup: MariaDB starts" ok failed; check_summary; exit 2; }
mdb_seed_mailbox
mdb_sql "GRANT SELECT ON postfix.* TO 'postfix'@'127.0.0.1'"
mdb_add_user alice@example.test 'S3cret!'
SEED="user=postfix passwd=yourpass host=127.0.0.1:$MDB_PORT db=postfix table=mailbox usercolumn=username passwdcolumn=password crypt=1 md5=1 nodelay"

for part in "$REPO"/tests/integration/security/*.sh; do
  name=$(basename "$part" .sh)
  if [ -n "${PMN_SECURITY_PARTS:-}" ] && [[ " $PMN_SECURITY_PARTS " != *" $name "* ]]; then continue; fi
  echo "# --- $name"
  source "$part"
  "security_$name"
done

check_summary

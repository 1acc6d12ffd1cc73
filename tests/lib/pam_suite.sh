# shellcheck shell=bash
# The frame of a suite that drives the module through libpam against one throwaway MariaDB, with a
# private /dev/log and a private PAM service directory. Source after syslog.sh and its
# syslog_private_namespace (this file brings check.sh, harness.sh and mariadb.sh); then
# `pam_suite_begin NAME` (a suite with a setup of its own: `harness_begin NAME pam_suite_stop`).
#
#   pam_suite_begin NAME         WORK=/tmp/pmn-NAME.XXXXXX (0755), syslog capture, MariaDB with the
#                                mailbox table and alice@example.test / S3cret!; clean-up on exit.
#                                A setup failure is a failed check, the summary and exit 2.
#   OUT MODULE HOST CLI          the build tree, the module, pmn_pam_host, the CLI (tests/lib/harness.sh)
#   MDB_PORT MDB_SOCK SEED       the server, and the seed's pam.d arguments (+ nodelay)
#   service NAME ARGS...         writes $WORK/pam.d/NAME (auth, account, password, session lines)
#   rc SERVICE USER PASSWORD [op]  the PAM code (op: auth, acct, chauthtok, ...; see pmn_pam_host)
#   on_exit CMD...               runs CMD at clean-up (servers a part starts, files it adds)
#   pam_suite_parts DIR PREFIX ONLY  sources each DIR/NAME.sh in file-name order and calls PREFIX_NAME;
#                                ONLY (space-separated names, or empty for all) limits the run
#   PAM_*                        the PAM codes the suites check

source "$REPO/tests/lib/check.sh"
source "$REPO/tests/lib/harness.sh"
source "$REPO/tests/lib/mariadb.sh"

PAM_SUCCESS=0 PAM_SERVICE_ERR=3 PAM_PERM_DENIED=6 PAM_AUTH_ERR=7 PAM_AUTHINFO_UNAVAIL=9
PAM_USER_UNKNOWN=10 PAM_ACCT_EXPIRED=13 PAM_NEW_AUTHTOK_REQD=12

pam_suite_stop() {
  mdb_stop
  syslog_stop
}

service() {
  local name=$1 t; shift
  for t in auth account password session; do printf '%s required %s %s\n' "$t" "$MODULE" "$*"; done >"$WORK/pam.d/$name"
}
rc() {
  "$HOST" "$WORK/pam.d" "$1" "$2" "$3" -1 "${4:-auth}" 2>&1 | sed -n 's/.*rc=\([0-9-]*\).*/\1/p' | head -n 1
}

pam_suite_parts() {
  local dir=$1 prefix=$2 only=$3 part name
  for part in "$dir"/*.sh; do
    name=$(basename "$part" .sh)
    if [ -n "$only" ] && [[ " $only " != *" $name "* ]]; then continue; fi
    echo "# --- $name"
    source "$part"
    "${prefix}_$name"
  done
}

pam_suite_begin() {
  harness_begin "$1" pam_suite_stop
  mkdir -p "$WORK/pam.d"
  echo "auth required pam_deny.so" >"$WORK/pam.d/other"
  syslog_start "$WORK/syslog"
  mdb_start "$WORK/db" || harness_fatal "MariaDB did not start"
  mdb_seed_mailbox
  mdb_sql "GRANT SELECT ON postfix.* TO 'postfix'@'127.0.0.1'"
  mdb_add_user alice@example.test 'S3cret!'
  SEED="user=postfix passwd=yourpass host=127.0.0.1:$MDB_PORT db=postfix table=mailbox usercolumn=username passwdcolumn=password crypt=1 md5=1 nodelay"
}

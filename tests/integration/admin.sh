#!/usr/bin/env bash
# What mail-hosting admins ask for (issue 14), through the real module, libpam and MariaDB:
# placeholders in where=/select= on every route, default_scheme, weak_schemes, the RSA-key
# settings for caching_sha2_password accounts, what saslauthd really passes (service, no PAM_RHOST),
# and the pam.d and statcolumn idioms the README documents. The frame is tests/lib/pam_suite.sh;
# every part lives in tests/integration/admin/NAME.sh and defines admin_NAME, called in file-name
# order.
#   bash tests/integration/admin.sh          (after cmake --build out; run as root)
#   PMN_ADMIN_PARTS="placeholders schemes" limits the run to those parts.
# The saslauthd part writes /etc/pam.d/pmn-test-<random> (removed on exit), as saslauthd.sh does.
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$REPO/tests/lib/syslog.sh"
syslog_private_namespace "$0" "$@"
source "$REPO/tests/lib/pam_suite.sh"
pam_suite_begin admin

# rh SERVICE USER PASSWORD RHOST [op]: the PAM code with PAM_RHOST set (RHOST - = none)
rh() {
  if [ "$4" = - ]; then rc "$1" "$2" "$3" "${5:-auth}"; else PMN_RHOST=$4 rc "$1" "$2" "$3" "${5:-auth}"; fi
}

# admin_daemon SOCK: starts `pam-mysql-net daemon` on SOCK (stopped at clean-up) and checks it listens.
admin_daemon() {
  "$CLI" daemon --socket "$1" --workers 2 >"$1.log" 2>&1 &
  on_exit "kill $!; wait $!"
  for _ in $(seq 1 100); do [ -S "$1" ] && break; sleep 0.05; done
  check_true "the daemon listens on $1" test -S "$1"
}

# admin_route ROUTE SOCK: sets args (pam.d arguments) and prefix (the command the host runs under)
# for the route process (in the host), helper (the fork helper: a 64 MiB cap) or daemon (at SOCK).
admin_route() {
  case $1 in
    process) args="broker=off" prefix="" ;;
    helper) args="broker=off" prefix="prlimit --as=67108864" ;;
    daemon) args="broker=required broker_socket=$2" prefix="" ;;
  esac
}

pam_suite_parts "$REPO/tests/integration/admin" admin "${PMN_ADMIN_PARTS:-}"

check_summary

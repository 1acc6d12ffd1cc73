#!/usr/bin/env bash
# Regression tests of the December 2026 security review's findings (SECURITY.md lists each one
# with the test that covers it). The frame (tests/lib/pam_suite.sh) starts one throwaway MariaDB, a
# private /dev/log and a private PAM service directory; every part lives in tests/integration/security/NAME.sh and
# defines security_NAME, which this script calls in file-name order.
#   bash tests/integration/security.sh          (after cmake --build out; run as root)
#   PMN_SECURITY_PARTS="tls paths" limits the run to those parts.
#
# What a part can use:
#   OUT MODULE HOST CLI WORK        the build tree, the shim, pmn_pam_host, pam-mysql-net, a temp dir
#   MDB_PORT MDB_SOCK SEED          the server, and the seed's pam.d arguments (+ nodelay)
#   service NAME ARGS...            writes $WORK/pam.d/NAME (auth, account, password, session)
#   rc SERVICE USER PASSWORD [op]   the PAM code (op: auth, acct, chauthtok, ...; see pmn_pam_host)
#   syslog_mark / syslog_since      the syslog lines written after the mark
#   check / check_true / check_note from tests/lib/check.sh; mdb_* from tests/lib/mariadb.sh
#   on_exit CMD...                  runs CMD at clean-up (servers a part starts, files it adds)
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$REPO/tests/lib/syslog.sh"
syslog_private_namespace "$0" "$@"
source "$REPO/tests/lib/pam_suite.sh"
pam_suite_begin security

pam_suite_parts "$REPO/tests/integration/security" security "${PMN_SECURITY_PARTS:-}"

check_summary

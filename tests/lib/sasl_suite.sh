# shellcheck shell=bash
# The frame of a suite that drives the module through a real saslauthd (`-a pam -r`) against a
# throwaway MariaDB (saslauthd.sh, faults.sh, failover.sh, postfix_e2e.sh). Source with REPO set;
# this file brings check.sh, pkg.sh, harness.sh, mariadb.sh and saslauthd.sh.
#
#   sasl_suite_begin NAME STOP_FN [COMMAND PACKAGE]...
#                                -> harness_begin NAME STOP_FN; installs what every such suite runs
#                                   (MariaDB, python3, perl, ps, saslauthd/testsaslauthd) and each
#                                   extra COMMAND PACKAGE pair (pkg_need); a failure is fatal
#   sasl_suite_stop              -> mdb_stop (thaws first, so workers blocked on it can finish),
#                                   sasl_stop, sasl_remove_pam_service

source "$REPO/tests/lib/check.sh"
source "$REPO/tests/lib/pkg.sh"
source "$REPO/tests/lib/harness.sh"
source "$REPO/tests/lib/mariadb.sh"
source "$REPO/tests/lib/saslauthd.sh"

sasl_suite_begin() {
  harness_begin "$1" "$2"
  shift 2
  pkg_need mariadbd mariadb-server
  while [ $# -ge 2 ]; do pkg_need "$1" "$2"; shift 2; done
  pkg_need python3 python3
  pkg_need perl perl-base
  pkg_need ps procps
  sasl_ensure_installed || harness_fatal "could not install prerequisites"
}

sasl_suite_stop() {
  mdb_stop
  sasl_stop
  sasl_remove_pam_service
}

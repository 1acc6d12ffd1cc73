# shellcheck shell=bash
# Common frame of every integration suite: the paths under test, root and module checks, a
# private temp dir, clean-up on any exit (EXIT/INT/TERM), setup failures reported as a failed
# check. Source after check.sh, with REPO set to the repository's root.
#
#   PMN_OUT (default REPO/out)     the build tree: OUT, and in it HOST (pmn_pam_host), CLI
#   PMN_MODULE (default OUT/pam_mysql_net.so)  the module under test (may be Debian's pam_mysql.so
#                                  for the suites that compare); MODULE is the same path
#   harness_begin NAME STOP_FN -> checks; WORK=/tmp/pmn-NAME.XXXXXX (0755); STOP_FN runs on exit
#   on_exit CMD...             -> CMD runs at clean-up too, before STOP_FN (servers a part starts)
#   harness_fatal MSG          -> "FAIL - setup (...)", clean-up, summary, exit 2
#   harness_end                -> clean-up, summary line last; returns non-zero if a check failed
# PMN_KEEP=1 keeps WORK (logs) instead of removing it.

OUT=${PMN_OUT:-$REPO/out}
PMN_MODULE=${PMN_MODULE:-$OUT/pam_mysql_net.so}
export PMN_MODULE
MODULE=$PMN_MODULE
HOST=$OUT/pmn_pam_host
CLI=$OUT/pam-mysql-net

WORK=
HARNESS_STOP_FN=:
HARNESS_EXIT_CMDS=()
on_exit() { HARNESS_EXIT_CMDS+=("$*"); }

harness_cleanup() {
  trap - EXIT INT TERM
  local c
  for c in "${HARNESS_EXIT_CMDS[@]}"; do eval "$c" >/dev/null 2>&1; done
  HARNESS_EXIT_CMDS=()
  "$HARNESS_STOP_FN"
  if [ "${PMN_KEEP:-0}" = 1 ] && [ -n "$WORK" ]; then echo "# kept $WORK"
  elif [ -n "$WORK" ]; then rm -rf -- "$WORK"; fi
  WORK=
}

harness_fatal() {
  echo "# $*"
  check "setup" ok "$*"
  harness_cleanup
  check_summary
  exit 2
}

harness_begin() {
  HARNESS_STOP_FN=$2
  [ "$(id -u)" = 0 ] || harness_fatal "must run as root"
  case ${PMN_MODULE:-} in /*) ;; *) harness_fatal "PMN_MODULE must be an absolute path: ${PMN_MODULE:-}" ;; esac
  [ -f "$PMN_MODULE" ] || harness_fatal "PMN_MODULE not found: $PMN_MODULE"
  WORK=$(mktemp -d "/tmp/pmn-$1.XXXXXX") || harness_fatal "mktemp failed"
  chmod 755 "$WORK"   # Postfix daemons reach their directories below it as user postfix
  trap harness_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  check_note "module: $PMN_MODULE"
}

harness_end() {
  harness_cleanup
  check_summary
}

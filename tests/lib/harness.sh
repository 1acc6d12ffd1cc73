# shellcheck shell=bash
# Common frame of the integration scripts: root and PMN_MODULE checks, a private temp dir, clean-up
# on any exit (EXIT/INT/TERM), setup failures reported as a failed check. Source after check.sh.
#
#   harness_begin NAME STOP_FN -> checks; WORK=/tmp/pmn-NAME.XXXXXX (0755); STOP_FN runs on exit
#   harness_fatal MSG          -> "FAIL - setup (...)", clean-up, summary, exit 2
#   harness_end                -> clean-up, summary line last; returns non-zero if a check failed
# PMN_KEEP=1 keeps WORK (logs) instead of removing it.

WORK=
HARNESS_STOP_FN=:

harness_cleanup() {
  trap - EXIT INT TERM
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

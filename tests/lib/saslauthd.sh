# shellcheck shell=bash
# saslauthd (Cyrus SASL, mechanism "pam") for integration tests: a PAM service file in /etc/pam.d
# pointing at the module under test, and a private saslauthd with its own socket directory.
# Source this file; every function is prefixed sasl_.
#
#   sasl_ensure_installed            -> installs sasl2-bin when missing (needs tests/lib/pkg.sh)
#   sasl_write_pam_service MODULE DBHOST DBPORT [EXTRA]
#                                    -> /etc/pam.d/pmn-test-<random>; sets SASL_SERVICE SASL_PAM_FILE;
#                                       EXTRA: more module arguments, @SERVICE@ in it is the name
#   sasl_remove_pam_service          -> removes that file
#   sasl_start RUNDIR LOG            -> `saslauthd -a pam -r -n 2 -m RUNDIR -d` in its own process
#                                       group; sets SASL_PID SASL_MUX
#   sasl_alive                       -> true while the saslauthd master runs
#   sasl_stop                        -> SIGTERM, waits for master and workers; SIGKILL if needed
#   sasl_auth USER PASS [REALM]      -> SASL_RESULT=OK, NO, TIMEOUT or ERROR(rc) (testsaslauthd)
#   sasl_auth_raw USER PASS [REALM]  -> same (or CLOSED) over the socket protocol directly, any length
# SASL_AUTH_TIMEOUT (default 20 s) bounds every request; SASL_MS holds its duration in ms.

SASL_AUTH_TIMEOUT=${SASL_AUTH_TIMEOUT:-20}
SASL_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$SASL_LIB_DIR/procs.sh"

sasl_ensure_installed() {
  pkg_need saslauthd sasl2-bin
  pkg_need testsaslauthd sasl2-bin
  pkg_install_needed
}

# The two lines of the classic recipe, with the test server's port and the module as given.
sasl_write_pam_service() {
  local module=$1 host=$2 port=$3 extra=${4:-} opts
  SASL_SERVICE=pmn-test-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')
  opts="user=postfix passwd=yourpass host=$host:$port db=postfix table=mailbox"
  opts="$opts usercolumn=username passwdcolumn=password crypt=1 md5=1 ${extra//@SERVICE@/$SASL_SERVICE}"
  SASL_PAM_FILE=/etc/pam.d/$SASL_SERVICE
  cat >"$SASL_PAM_FILE" <<EOF
# written by pam_mysql_net tests/integration; removed when the test exits
auth    required   $module $opts
account sufficient $module $opts
EOF
}

sasl_remove_pam_service() {
  [ -n "${SASL_PAM_FILE:-}" ] && rm -f -- "$SASL_PAM_FILE"
  SASL_PAM_FILE=
}

# -d keeps saslauthd in the foreground (and logs to stderr, as no syslog runs). Its SIGTERM handler
# signals its whole process group, so it must get a group of its own: setpgrp before exec.
sasl_start() {
  local rundir=$1 log=$2
  mkdir -p "$rundir"
  SASL_MUX=$rundir/mux
  perl -e 'setpgrp(0, 0) or die "setpgrp: $!"; exec @ARGV or die "exec: $!"' \
    saslauthd -a pam -r -n 2 -m "$rundir" -d >"$log" 2>&1 </dev/null &
  SASL_PID=$!
  # Out of the job table: bash would otherwise print "Killed ..." when a SIGKILLed one is reaped.
  disown "$SASL_PID" 2>/dev/null
  for _ in $(seq 1 100); do
    [ -S "$SASL_MUX" ] && grep -q 'forked child' "$log" 2>/dev/null && return 0
    sasl_alive || { echo "saslauthd exited during start:"; cat "$log"; return 1; }
    sleep 0.1
  done
  echo "saslauthd did not create $SASL_MUX"; cat "$log"; return 1
}

# kill -0 also succeeds for a zombie, so look at the process state too.
sasl_pid_running() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  case $state in Z*) return 1 ;; esac
  return 0
}

sasl_alive() { [ -n "${SASL_PID:-}" ] && sasl_pid_running "$SASL_PID"; }

# PIDs of every live process in saslauthd's process group (master and workers).
sasl_group_pids() {
  [ -n "${SASL_PID:-}" ] || return 0
  pgroup_members "$SASL_PID"
}

# saslauthd's SIGTERM handler signals its group and logs (stdio) from the handler; now and then a
# process hangs in it, hence the SIGKILL after 5 s.
sasl_stop() {
  [ -n "${SASL_PID:-}" ] || return 0
  kill -TERM "$SASL_PID" 2>/dev/null
  pgroup_reap "$SASL_PID" "saslauthd group $SASL_PID, after SIGTERM,"
  SASL_PID=
}

# Classifies testsaslauthd's answer ('0: OK "Success."' / '0: NO "authentication failed"').
sasl_auth() {
  local user=$1 pass=$2 realm=${3:-} out rc start
  local args=(-f "$SASL_MUX" -s "$SASL_SERVICE" -u "$user" -p "$pass")
  [ -n "$realm" ] && args+=(-r "$realm")
  start=$(date +%s%N)
  out=$(timeout "$SASL_AUTH_TIMEOUT" testsaslauthd "${args[@]}" 2>&1)
  rc=$?
  SASL_MS=$(( ($(date +%s%N) - start) / 1000000 ))
  SASL_RESULT=$(sasl_classify "$rc" "$out")
}

sasl_classify() {
  local rc=$1 out=$2
  if [ "$rc" -eq 124 ]; then echo TIMEOUT
  elif [ "$rc" -eq 0 ] && [[ $out == *': OK '* ]]; then echo OK
  elif [[ $out == *': NO '* ]]; then echo NO
  elif [ "$rc" -eq 0 ] && [[ $out == *': CLOSED'* ]]; then echo CLOSED
  else echo "ERROR($rc)"
  fi
}

# The saslauthd socket protocol: login, password, service, realm, each a 16-bit big-endian length
# followed by the bytes; the answer is one such string ("OK ..." / "NO ..."). testsaslauthd keeps
# the fields in small stack buffers (a 10 KB login crashes it), hence this client for long input.
# A connection closed without an answer prints CLOSED: saslauthd refused to read the request.
sasl_auth_raw() {
  local start out rc
  start=$(date +%s%N)
  out=$(timeout "$SASL_AUTH_TIMEOUT" python3 "$SASL_LIB_DIR/sasl_load.py" ask --mux="$SASL_MUX" \
    --service="$SASL_SERVICE" --user="$1" --password="$2" --realm="${3:-}")
  rc=$?
  SASL_MS=$(( ($(date +%s%N) - start) / 1000000 ))
  SASL_RESULT=$(sasl_classify "$rc" "$out")
}

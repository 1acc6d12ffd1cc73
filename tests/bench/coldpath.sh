#!/bin/bash
# coldpath.sh - where the time of one cold pamtester login through pam_mysql_net goes.
# Puts uprobes on the shim (pam_sm_authenticate), the core's exports (pmn_abi_version =
# runtime start, pmn_handle) and a few managed methods (OptionParser.Parse, MySqlConnection.Open,
# ServerSession.ConnectAsync, Md5Crypt.Hash; names from the core's .dbg file if perf finds it,
# see below), records them with connect/sendto/recvmsg and exec/exit tracepoints over N cold
# logins, and prints the median of each phase (tests/bench/cold_phases.py). Probes are removed
# on exit. The probes cost a few microseconds each; perf is otherwise passive.
#
#   tests/bench/coldpath.sh SERVICE ACCOUNTS_FILE N [CORE_DIR]
#     SERVICE       a pam.d service whose auth line uses the module in CORE_DIR (default out/)
#     ACCOUNTS_FILE "user<TAB>password" lines (build/bench.sh writes one)
#     CORE_DIR      directory holding pam_mysql_net.so, pam_mysql_net_core.so (and, for the
#                   managed-method probes, publish/pam_mysql_net_core.so.dbg or out/publish/pmn_core/)
# Needs root and linux-perf (apt-get install linux-perf). Uses the coldrun tool (built into
# $COLDRUN, default: compiled into a temp dir).
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
service=$1 accounts=$2 n=$3 dir=${4:-$REPO/out}
shim=$dir/pam_mysql_net.so core=$dir/pam_mysql_net_core.so
dbg=
for f in "$dir/publish/pam_mysql_net_core.so.dbg" "$dir/publish/pmn_core/pam_mysql_net_core.so.dbg"; do
  [ -f "$f" ] && dbg=$f && break
done
tmp=$(mktemp -d /tmp/pmn-coldpath.XXXXXX)
cleanup() { perf probe -q -d 'probe_pam_mysql_net*:*' >/dev/null 2>&1; rm -rf "$tmp"; }
trap cleanup EXIT
perf probe -q -d 'probe_pam_mysql_net*:*' >/dev/null 2>&1
coldrun=${COLDRUN:-}
if [ -z "$coldrun" ]; then
  coldrun=$tmp/coldrun
  gcc -O2 -I"$HERE" -o "$coldrun" "$HERE/coldrun.c" || exit 2
fi
perf probe -q -x "$shim" pam_sm_authenticate && perf probe -q -x "$shim" 'pam_sm_authenticate%return' &&
  perf probe -q -x "$core" pmn_abi_version && perf probe -q -x "$core" 'pmn_abi_version%return' &&
  perf probe -q -x "$core" pmn_handle || { echo "perf probe failed"; exit 2; }
# Managed methods: their symbols are in the .dbg file; perf finds it through its build-id cache.
if [ -n "$dbg" ]; then
  # -u replaces a copy of the stripped core that an earlier perf record may have cached.
  perf buildid-cache -u "$dbg" >/dev/null 2>&1 || perf buildid-cache -a "$dbg" >/dev/null 2>&1
  for m in PamMySqlNet_Core_PamMySqlNet_Options_OptionParser__Parse MySqlConnector_MySqlConnector_MySqlConnection__Open \
    MySqlConnector_MySqlConnector_Core_ServerSession__ConnectAsync PamMySqlNet_Core_PamMySqlNet_Hashing_Md5Crypt__Hash; do
    perf probe -q -x "$core" "$m" >/dev/null 2>&1 || echo "# no probe on $m"
  done
  perf probe -q -x "$core" 'MySqlConnector_MySqlConnector_MySqlConnection__Open%return' >/dev/null 2>&1
  perf probe -q -x "$core" 'PamMySqlNet_Core_PamMySqlNet_Hashing_Md5Crypt__Hash%return' >/dev/null 2>&1
else
  echo "# no .dbg file next to $core: managed phases are not split"
fi
perf record -q -o "$tmp/perf.data" -e 'probe_pam_mysql_net*:*' -e syscalls:sys_enter_connect \
  -e syscalls:sys_enter_sendto -e syscalls:sys_exit_recvmsg -e sched:sched_process_exec \
  -e sched:sched_process_exit -- "$coldrun" "$n" "$accounts" "ours=$service" >"$tmp/coldrun.out" 2>&1
perf script -i "$tmp/perf.data" -F comm,tid,time,event 2>/dev/null | python3 "$HERE/cold_phases.py"

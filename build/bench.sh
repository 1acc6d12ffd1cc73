#!/bin/bash
# Side-by-side benchmark: pam_mysql_net (ours, in the host's process), pam_mysql_net through its
# resident daemon (ours via daemon: broker=required), Debian's C pam_mysql.so (libpam-mysql 0.8.2)
# and pam_permit.so (the floor: PAM and the host, no database), all in ONE run, printed as one
# table with the ratios. Nothing here asserts a timing: its job is the table.
#
#   build/bench.sh                     # full run (about 8 minutes on 2 busy cores)
#   PMN_BENCH_QUICK=1 build/bench.sh   # shorter everything (about 2.5 minutes), for a smoke run
#
# What it does (as root, on 127.0.0.1 only, everything stopped by PID on exit):
#   - installs what is missing (mariadb-server, pamtester, sasl2-bin, libpam-mysql, gcc, ...),
#     builds out/ when the module is missing, compiles tests/bench/*.c into the temp dir;
#   - starts a throwaway MariaDB with postfix.mailbox holding PMN_BENCH_USERS (10,000) distinct
#     users, each with its own password and its own MD5-crypt hash (`openssl passwd -1`, salted),
#     and PMN_BENCH_SHA_USERS (1,000) more with SHA-512-crypt hashes (`openssl passwd -6`, 5000
#     rounds): what PostfixAdmin, Dovecot and password changes write today;
#   - starts `pam-mysql-net daemon` (the build's CLI) on a private socket in the temp dir (never the
#     default /run/pam_mysql_net/socket), stopped by PID on exit;
#   - writes four PAM services (/etc/pam.d/pmn-bench-<random>-{ours,daemon,c,permit}, removed on
#     exit) with the classic recipe's auth + account lines; ours, daemon and C get the same argument
#     line, daemon's with `broker=required broker_socket=<the private socket>` added;
#   1. cold: `pamtester SERVICE USER authenticate`, one fresh process per login, services
#      interleaved round by round (order rotating: A B C, B C A, ...), median and p95;
#   2. warm: one `saslauthd -a pam -r -n 5` (Debian's default) per module, all four running at once,
#      driven by a C client speaking the saslauthd socket protocol in-process (no process per
#      login), the modules interleaved: sequential logins round by round (order rotating), then 8
#      concurrent clients in 1-second turns (rotating as well) for PMN_BENCH_SECONDS
#      each: throughput and errors; both again for the SHA-512-crypt users (the same lines: crypt=1
#      reads both formats). Drift shows as first-half vs second-half figures. Before
#      that, MariaDB's Connections counter around 1,000 logins per module shows whether the
#      module keeps its connection between logins;
#   3. memory: a small C host reads VmRSS/VmSize/threads before its first pam_start and after
#      1,000 logins (ours, daemon, C, permit, daemon, ours: A B A);
#   3b. daemon: MariaDB's Connections counter around 1,000 logins from 100 short-lived host processes
#      (tests/bench/pamloop.c, 10 logins each, 10 at a time) per module; then PMN_BENCH_DAEMON_LOGINS
#      (100,000) logins driven through the daemon by PMN_BENCH_DAEMON_PROCS pamloop processes at once,
#      and the daemon's VmRSS/VmHWM/threads/fds from /proc before and after;
#   1b. breakdown: tests/bench/coldpath.sh times the phases of a cold login through ours with perf
#      uprobes (runtime start, MySqlConnector init, handshake, query, md5crypt, ...); needs perf;
#   4. Postfix: swaks AUTH PLAIN over STARTTLS through a private Postfix -> saslauthd -> PAM
#      (end-to-end sanity row; PMN_BENCH_POSTFIX=0 skips it).
#
# Env: PMN_BENCH_QUICK=1, PMN_BENCH_USERS (10000), PMN_BENCH_SHA_USERS (1000), PMN_BENCH_COLD (300 logins per module),
#      PMN_BENCH_WARM (2000 sequential logins), PMN_BENCH_SECONDS (20), PMN_BENCH_THREADS (8),
#      PMN_BENCH_REUSE (1000 logins for the connection count),
#      PMN_BENCH_WORKERS (5, saslauthd -n), PMN_BENCH_POSTFIX (1; 0 skips), PMN_BENCH_SMTP (10 runs),
#      PMN_BENCH_DAEMON_LOGINS (100000), PMN_BENCH_DAEMON_PROCS (4), PMN_DAEMON (default the
#      pam-mysql-net next to PMN_MODULE), PMN_DAEMON_WORKERS (its --workers; unset: its default),
#      PMN_BENCH_BREAKDOWN (60 logins under perf),
#      PMN_BENCH_SECTIONS (cold,breakdown,warm,mem,daemon,postfix), PMN_MODULE (ours, default out/pam_mysql_net.so),
#      PMN_C_MODULE (default /lib/x86_64-linux-gnu/security/pam_mysql.so), PMN_KEEP=1 keeps the temp dir,
#      PMN_BENCH_OUT=FILE also writes the table there.

set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
. "$REPO/tests/lib/pkg.sh"
. "$REPO/tests/lib/mariadb.sh"
. "$REPO/tests/lib/saslauthd.sh"
. "$REPO/tests/lib/postfix.sh"

QUICK=${PMN_BENCH_QUICK:-0}
if [ "$QUICK" = 1 ]; then d_users=10000 d_cold=60 d_warm=500 d_sec=5 d_smtp=3 d_reuse=300 d_breakdown=20 d_dlogins=20000
else d_users=10000 d_cold=300 d_warm=2000 d_sec=20 d_smtp=10 d_reuse=1000 d_breakdown=60 d_dlogins=100000; fi
BREAKDOWN=${PMN_BENCH_BREAKDOWN:-$d_breakdown}
REUSE=${PMN_BENCH_REUSE:-$d_reuse}
USERS=${PMN_BENCH_USERS:-$d_users}
SHA_USERS=${PMN_BENCH_SHA_USERS:-1000}
COLD=${PMN_BENCH_COLD:-$d_cold}
WARM=${PMN_BENCH_WARM:-$d_warm}
SECONDS_TPUT=${PMN_BENCH_SECONDS:-$d_sec}
THREADS=${PMN_BENCH_THREADS:-8}
WORKERS=${PMN_BENCH_WORKERS:-5}
SMTP_RUNS=${PMN_BENCH_SMTP:-$d_smtp}
DAEMON_LOGINS=${PMN_BENCH_DAEMON_LOGINS:-$d_dlogins}
DAEMON_PROCS=${PMN_BENCH_DAEMON_PROCS:-4}
SECTIONS=${PMN_BENCH_SECTIONS:-cold,breakdown,warm,mem,daemon,postfix}
[ "${PMN_BENCH_POSTFIX:-1}" = 0 ] && SECTIONS=${SECTIONS//postfix/}
OURS=${PMN_MODULE:-$REPO/out/pam_mysql_net.so}
DAEMON_BIN=${PMN_DAEMON:-$(dirname "$OURS")/pam-mysql-net}
CMOD=${PMN_C_MODULE:-/lib/x86_64-linux-gnu/security/pam_mysql.so}
PERMIT=pam_permit.so
LABELS=(ours daemon c permit)

WORK=
SERVICES=()
log() { echo "# $*" >&2; }
die() { echo "bench: $*" >&2; exit 2; }
section() { [[ ,$SECTIONS, == *,$1,* ]]; }

cleanup() {
  trap - EXIT INT TERM
  pf_stop 2>/dev/null
  sasl_stop_all 2>/dev/null
  daemon_stop
  mdb_stop
  local f
  for f in "${SERVICES[@]}"; do rm -f -- "/etc/pam.d/$f"; done
  if [ -n "$WORK" ]; then
    if [ "${PMN_KEEP:-0}" = 1 ]; then log "kept $WORK"; else rm -rf -- "$WORK"; fi
  fi
}

# --- setup --------------------------------------------------------------------------------------

install_prerequisites() {
  pkg_need mariadbd mariadb-server
  pkg_need pamtester pamtester
  pkg_need python3 python3
  pkg_need perl perl-base
  pkg_need ps procps
  pkg_need gcc gcc
  pkg_need openssl openssl
  pkg_need /usr/include/security/pam_appl.h libpam0g-dev
  pkg_need "$CMOD" libpam-mysql
  pkg_need saslauthd sasl2-bin
  section breakdown && pkg_need perf linux-perf
  section postfix && { pkg_need postfix postfix; pkg_need swaks swaks
    pkg_need /usr/lib/x86_64-linux-gnu/sasl2/libplain.so libsasl2-modules; }
  pkg_install_needed || die "could not install prerequisites"
}

build_if_missing() {
  [ -f "$OURS" ] && return 0
  [ "$OURS" = "$REPO/out/pam_mysql_net.so" ] || die "PMN_MODULE not found: $OURS"
  log "building out/ (NativeAOT publish takes a minute or two)"
  { cmake -S "$REPO" -B "$REPO/out" -DCMAKE_BUILD_TYPE=Release && cmake --build "$REPO/out"; } \
    >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; die "build failed"; }
}

compile_tools() {
  mkdir -p "$WORK/bin"
  local cc=(gcc -O2 -Wall -Wextra -Werror -I"$REPO/tests/bench")
  "${cc[@]}" -o "$WORK/bin/coldrun" "$REPO/tests/bench/coldrun.c" &&
    "${cc[@]}" -pthread -o "$WORK/bin/saslbench" "$REPO/tests/bench/saslbench.c" &&
    "${cc[@]}" -o "$WORK/bin/memhost" "$REPO/tests/bench/memhost.c" -lpam &&
    "${cc[@]}" -o "$WORK/bin/pamloop" "$REPO/tests/bench/pamloop.c" -lpam ||
    die "compiling tests/bench tools failed"
}

# USERS rows u00001@bench.test ... with distinct random passwords and distinct salted MD5-crypt
# hashes, and SHA_USERS rows s00001@bench.test ... with SHA-512-crypt ones: one `openssl passwd`
# call per kind hashes them all. Accounts (user TAB password) in $WORK/accounts and $WORK/accounts_sha512.
seed_users() {
  seed_kind u "$USERS" -1 "$WORK/accounts" && seed_kind s "$SHA_USERS" -6 "$WORK/accounts_sha512" &&
    [ "$(mdb_sql 'SELECT COUNT(DISTINCT password) FROM postfix.mailbox')" = "$((USERS + SHA_USERS))" ]
}

# seed_kind PREFIX COUNT OPENSSL_FLAG ACCOUNTS
seed_kind() {
  local prefix=$1 n=$2 flag=$3 accounts=$4 pw=$WORK/passwords.$1 hashes=$WORK/hashes.$1
  python3 - "$n" "$accounts" "$pw" "$prefix" <<'PY'
import secrets, sys
n, accounts, pwfile, prefix = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
with open(accounts, "w") as a, open(pwfile, "w") as p:
    for i in range(1, n + 1):
        user = "%s%05d@bench.test" % (prefix, i)
        password = "pw-" + secrets.token_urlsafe(9)
        a.write("%s\t%s\n" % (user, password))
        p.write(password + "\n")
PY
  openssl passwd "$flag" -in "$pw" >"$hashes" || return 1
  [ "$(wc -l <"$hashes")" = "$n" ] || return 1
  paste "$accounts" "$hashes" | python3 -c '
import sys
rows = [l.rstrip("\n").split("\t") for l in sys.stdin]
for i in range(0, len(rows), 1000):
    vals = ",".join("(\x27%s\x27,\x27%s\x27,\x27%s\x27,\x27bench.test\x27)" % (u, h, u.split("@")[0])
                    for u, _p, h in rows[i:i + 1000])
    print("INSERT INTO postfix.mailbox (username, password, local_part, domain) VALUES %s;" % vals)
' >"$WORK/seed.$prefix.sql" || return 1
  mariadb --no-defaults -uroot --socket="$MDB_SOCK" <"$WORK/seed.$prefix.sql"
}

write_services() {
  local tag opts label module
  tag=$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
  opts="user=postfix passwd=yourpass host=127.0.0.1:$MDB_PORT db=postfix table=mailbox"
  opts="$opts usercolumn=username passwdcolumn=password crypt=1 md5=1"
  mkdir -p "$WORK/pamconf"
  for label in "${LABELS[@]}"; do
    case $label in
      ours) module="$OURS $opts" ;;
      daemon) module="$OURS $opts broker=required broker_socket=$BROKER_SOCK" ;;
      c) module="$CMOD $opts" ;;
      permit) module=$PERMIT ;;
    esac
    SVC[$label]=pmn-bench-$tag-$label
    SERVICES+=("${SVC[$label]}")
    printf '# written by pam_mysql_net build/bench.sh; removed when it exits\nauth    required   %s\naccount sufficient %s\n' \
      "$module" "$module" >"/etc/pam.d/${SVC[$label]}"
    cp "/etc/pam.d/${SVC[$label]}" "$WORK/pamconf/${SVC[$label]}"
  done
}

# The resident daemon, as root, on a private socket (its directory is created 0755 by the daemon);
# stopped by PID (SIGTERM: it finishes what it accepted), SIGKILL after 10 s.
BROKER_PID=
daemon_start() {
  [ -x "$DAEMON_BIN" ] || die "daemon binary not found: $DAEMON_BIN"
  BROKER_SOCK=$WORK/broker/socket
  local args=(daemon --socket "$BROKER_SOCK")
  [ -n "${PMN_DAEMON_WORKERS:-}" ] && args+=(--workers "$PMN_DAEMON_WORKERS")
  "$DAEMON_BIN" "${args[@]}" >"$WORK/daemon.log" 2>&1 </dev/null &
  BROKER_PID=$!
  disown "$BROKER_PID" 2>/dev/null
  # Listening, not only bound: /proc/net/unix flags 00010000 (__SO_ACCEPTCON).
  for _ in $(seq 1 100); do
    awk -v p="$BROKER_SOCK" '$NF == p && $4 == "00010000" { f = 1 } END { exit !f }' /proc/net/unix && return 0
    kill -0 "$BROKER_PID" 2>/dev/null || { cat "$WORK/daemon.log" >&2; return 1; }
    sleep 0.1
  done
  cat "$WORK/daemon.log" >&2
  return 1
}

# After each section: a daemon that died is noted (with the section) and started again, so the
# following rows still measure the daemon; its kernel segfault lines are printed under the table.
DAEMON_DEATHS=()
daemon_check() {
  daemon_alive && return 0
  log "the daemon (pid $BROKER_PID) died during $1; starting it again"
  DAEMON_DEATHS+=("$1 (pid $BROKER_PID)")
  BROKER_PID=
  daemon_start || die "the daemon did not start again"
}

daemon_stop() {
  [ -n "${BROKER_PID:-}" ] || return 0
  kill -TERM "$BROKER_PID" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$BROKER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$BROKER_PID" 2>/dev/null
  BROKER_PID=
}

# NAME of /proc/PID/status (kB for sizes)
proc_field() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }
daemon_alive() { [ -n "${BROKER_PID:-}" ] && kill -0 "$BROKER_PID" 2>/dev/null; }

# Every module must accept a right password (and ours and C refuse a wrong one), else the
# numbers would measure an error path.
sanity() {
  local label user pass rc
  local accounts
  for accounts in "$WORK/accounts" "$WORK/accounts_sha512"; do
    IFS=$'\t' read -r user pass <"$accounts"
    for label in "${LABELS[@]}"; do
      printf '%s\n' "$pass" | timeout 30 pamtester "${SVC[$label]}" "$user" authenticate >/dev/null 2>&1
      rc=$?
      [ "$rc" = 0 ] || die "$label: right password of $user refused by pamtester (rc $rc)"
      [ "$label" = permit ] && continue
      printf 'wrong\n' | timeout 30 pamtester "${SVC[$label]}" "$user" authenticate >/dev/null 2>&1 &&
        die "$label: wrong password of $user accepted"
    done
  done
  log "sanity: right password accepted, wrong refused (ours, daemon, C; md5crypt and sha512crypt users); permit accepts"
}

# --- measurements -------------------------------------------------------------------------------

declare -A SVC R MUX PIDOF
# kv "LINE" KEY -> the value of KEY=value in LINE
kv() { sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" <<<"$1"; }

bench_cold() {
  log "cold: $COLD pamtester logins per module, interleaved"
  local out line label
  out=$("$WORK/bin/coldrun" "$COLD" "$WORK/accounts" $(for l in "${LABELS[@]}"; do echo "$l=${SVC[$l]}"; done)) ||
    die "coldrun failed"
  for label in "${LABELS[@]}"; do
    line=$(grep "^$label " <<<"$out")
    R[cold_med,$label]=$(kv "$line" median_ms)
    R[cold_p95,$label]=$(kv "$line" p95_ms)
    R[cold_ok,$label]="$(kv "$line" ok)/$(kv "$line" n)"
    R[cold_drift,$label]="$(kv "$line" first_half_median_ms) -> $(kv "$line" second_half_median_ms)"
    R[cold_cpu,$label]=$(kv "$line" cpu_median_ms)
  done
}

# Where one cold login's time goes (tests/bench/coldpath.sh: uprobes + tracepoints under perf).
bench_breakdown() {
  if ! command -v perf >/dev/null; then log "perf not installed (apt-get install linux-perf): no breakdown"; return; fi
  log "breakdown: $BREAKDOWN cold logins under perf probes"
  BREAKDOWN_OUT=$(COLDRUN=$WORK/bin/coldrun "$REPO/tests/bench/coldpath.sh" "${SVC[ours]}" "$WORK/accounts" "$BREAKDOWN" \
    "$(dirname "$OURS")" 2>&1)
}

db_connections() { mdb_sql "SHOW GLOBAL STATUS LIKE 'Connections'" | awk '{ print $2 }'; }

# `saslauthd -a pam -r -n WORKERS` (the master and WORKERS-1 forked children all serve requests)
# in its own process group (its SIGTERM handler signals the group), socket in DIR; sets SASL_PID
# SASL_MUX and remembers the PID in SASL_PIDS (stopped with sasl_stop from tests/lib).
SASL_PIDS=()
bench_sasl_start() {
  local dir=$1 log=$2
  mkdir -p "$dir"
  SASL_MUX=$dir/mux
  perl -e 'setpgrp(0, 0) or die "setpgrp: $!"; exec @ARGV or die "exec: $!"' \
    saslauthd -a pam -r -n "$WORKERS" -m "$dir" -d >"$log" 2>&1 </dev/null &
  SASL_PID=$!
  SASL_PIDS+=("$SASL_PID")
  disown "$SASL_PID" 2>/dev/null
  for _ in $(seq 1 100); do
    [ -S "$SASL_MUX" ] && [ "$(grep -c 'forked child' "$log" 2>/dev/null)" -ge $((WORKERS - 1)) ] && return 0
    sasl_alive || { cat "$log" >&2; return 1; }
    sleep 0.1
  done
  cat "$log" >&2
  return 1
}

sasl_stop_all() {
  local pid
  for pid in "${SASL_PIDS[@]}"; do SASL_PID=$pid sasl_stop; done
  SASL_PIDS=() SASL_PID=
}

# saslbench targets LABEL=MUX,SERVICE for the given labels
targets() { local l; for l in "$@"; do printf '%s=%s,%s\n' "$l" "${MUX[$l]}" "${SVC[$l]}"; done; }

# The four modules each behind their own saslauthd, all running at once, measured interleaved:
# sequential logins round by round (order rotating), then THREADS clients in 1-second slices that
# take turns (ours, daemon, C, permit, then daemon, C, permit, ours, ...) until each had SECONDS_TPUT.
bench_warm() {
  local label out line
  log "warm: saslauthd -n $WORKERS per module; $WARM sequential logins each, then $THREADS clients ${SECONDS_TPUT}s each, interleaved"
  for label in "${LABELS[@]}"; do
    bench_sasl_start "$WORK/sasl-$label" "$WORK/sasl-$label.log" || die "saslauthd ($label) did not start"
    MUX[$label]=$SASL_MUX
    PIDOF[$label]=$SASL_PID
  done
  # Warm-up: every worker has served logins (the first one in each worker is cold).
  "$WORK/bin/saslbench" tput "$WORK/accounts" "$THREADS" 1 0.5 $(targets "${LABELS[@]}") >/dev/null
  reuse_check
  warm_rows "" "$WORK/accounts"
  warm_rows _sha "$WORK/accounts_sha512"
  sasl_stop_all
}

# warm_rows SUFFIX ACCOUNTS: the sequential and the THREADS-client measurements over these
# accounts, into R[warm_med$SUFFIX,label], R[tput$SUFFIX,label], ...
warm_rows() {
  local x=$1 accounts=$2 label out line
  out=$("$WORK/bin/saslbench" lat "$accounts" "$WARM" 0 $(targets "${LABELS[@]}")) || die "saslbench lat failed"
  for label in "${LABELS[@]}"; do
    line=$(grep "^$label " <<<"$out")
    R[warm_med$x,$label]=$(kv "$line" median_us)
    R[warm_p95$x,$label]=$(kv "$line" p95_us)
    R[warm_ok$x,$label]="$(kv "$line" ok)/$(kv "$line" n)"
    R[warm_drift$x,$label]="$(fmt "$(kv "$line" first_half_median_us)" 0) -> $(fmt "$(kv "$line" second_half_median_us)" 0)"
  done
  out=$("$WORK/bin/saslbench" tput "$accounts" "$THREADS" "$SECONDS_TPUT" 1 $(targets "${LABELS[@]}")) ||
    die "saslbench tput failed"
  for label in "${LABELS[@]}"; do
    line=$(grep "^$label " <<<"$out")
    R[tput$x,$label]=$(kv "$line" per_s)
    R[tput_err$x,$label]=$(( $(kv "$line" no) + $(kv "$line" err) ))
    R[tput_p95$x,$label]=$(kv "$line" p95_us)
    R[tput_drift$x,$label]="$(fmt "$(kv "$line" first_half_per_s)" 0) -> $(fmt "$(kv "$line" second_half_per_s)" 0)"
    SASL_PID=${PIDOF[$label]}
    sasl_alive || R[tput_err$x,$label]="${R[tput_err$x,$label]} (saslauthd died)"
  done
}

# Does a module keep its database connection between logins? MariaDB's Connections counter
# around REUSE sequential logins through each (warm) saslauthd in turn; the check's own
# connection (mdb_sql) is the 1 subtracted.
reuse_check() {
  local label c0 c1 out
  for label in ours daemon c; do
    c0=$(db_connections)
    out=$("$WORK/bin/saslbench" lat "$WORK/accounts" "$REUSE" 3000 $(targets "$label"))
    c1=$(db_connections)
    R[conn,$label]="$((c1 - c0 - 1)) ($(kv "$out" ok) ok)"
  done
  R[conn,permit]=0
}

mem_pass() {
  local label=$1 pass=$2 key=$1.$2 user passwd out
  IFS=$'\t' read -r user passwd < <(sed -n 17p "$WORK/accounts")
  out=$("$WORK/bin/memhost" "$WORK/pamconf" "${SVC[$label]}" "$user" "$passwd" 1000)
  if [ $? != 0 ] && [ "$label" = daemon ] && ! daemon_alive; then
    daemon_check "memory pass $pass"
    out=$("$WORK/bin/memhost" "$WORK/pamconf" "${SVC[$label]}" "$user" "$passwd" 1000)
  fi
  [[ $out == rc=0\ * ]] || die "memhost $label failed: $out"
  R[rss,$key]=$(( $(kv "$out" auth_rss_kb) - $(kv "$out" before_rss_kb) ))
  R[vm,$key]=$(( $(kv "$out" auth_vmsize_kb) - $(kv "$out" before_vmsize_kb) ))
  R[threads,$key]=$(( $(kv "$out" threads_after) - $(kv "$out" threads_before) ))
}

bench_mem() {
  log "memory: host process before its first pam_start vs after 1,000 logins"
  mem_pass ours 1; mem_pass daemon 1; mem_pass c 1; mem_pass permit 1; mem_pass daemon 2; mem_pass ours 2
}

# pamloop processes at once: PROCS processes of N logins each, PAR running at a time, from account
# index OFFSET on; prints the total OK count and the wall time in ms.
pamloop_many() {
  local label=$1 procs=$2 n=$3 par=$4 offset=$5 t0 ok
  t0=$(date +%s%N)
  ok=$(seq 0 $((procs - 1)) | xargs -P "$par" -I{} sh -c \
    "'$WORK/bin/pamloop' '$WORK/pamconf' '${SVC[$label]}' '$WORK/accounts' \$(( $offset + {} * $n )) $n" |
    awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^ok=/) s += substr($i, 4) } END { print s + 0 }')
  echo "$ok $(( ($(date +%s%N) - t0) / 1000000 ))"
}

# Short-lived hosts: the DB connections 1,000 logins from 100 processes open (in-process: at least
# one per process; via the daemon: its pool, warm by now); then DAEMON_LOGINS logins through the
# daemon from DAEMON_PROCS processes at once, and what the daemon holds afterwards.
bench_daemon() {
  local label c0 c1 ok ms per pid=$BROKER_PID
  log "daemon: 1,000 logins from 100 processes per module; then $DAEMON_LOGINS logins through the daemon"
  read -r ok ms < <(pamloop_many daemon 16 50 8 0) # warm-up: every daemon worker has served logins
  daemon_check "the daemon warm-up"
  for label in ours daemon c; do
    c0=$(db_connections)
    read -r ok ms < <(pamloop_many "$label" 100 10 10 1000)
    c1=$(db_connections)
    R[conn100,$label]="$((c1 - c0 - 1)) ($ok ok, $(fmt "$(awk -v m="$ms" 'BEGIN { print m / 1000 }')" 1) s)"
  done
  R[conn100,permit]=0
  daemon_check "1,000 logins from 100 processes"
  pid=$BROKER_PID
  R[d_rss0]=$(proc_field "$pid" VmRSS) R[d_thr0]=$(proc_field "$pid" Threads)
  R[d_fd0]=$(ls "/proc/$pid/fd" | wc -l)
  # In chunks of 10,000, so that a daemon that dies is noticed, started again and the count of
  # logins its last process served is known.
  local chunk=10000 done_=0 total_ok=0 total_ms=0 served=0 k=0 c0all c1all
  per=$(( (chunk + DAEMON_PROCS - 1) / DAEMON_PROCS ))
  c0all=$(db_connections)
  while [ "$done_" -lt "$DAEMON_LOGINS" ]; do
    read -r ok ms < <(pamloop_many daemon "$DAEMON_PROCS" "$per" "$DAEMON_PROCS" $((20000 + done_)))
    done_=$((done_ + per * DAEMON_PROCS)) total_ok=$((total_ok + ok)) total_ms=$((total_ms + ms)) k=$((k + 1))
    served=$((served + ok))
    if daemon_alive; then
      # The latest reading of a live daemon (one that dies later keeps its last one).
      R[d_served]=$served
      R[d_rss1]=$(proc_field "$pid" VmRSS) R[d_hwm]=$(proc_field "$pid" VmHWM)
      R[d_vm1]=$(proc_field "$pid" VmSize) R[d_thr1]=$(proc_field "$pid" Threads)
      R[d_fd1]=$(ls "/proc/$pid/fd" | wc -l)
      R[d_cpu]=$(awk '{ printf "%.1f", ($14 + $15) / 100 }' "/proc/$pid/stat")
    else
      daemon_check "$DAEMON_LOGINS logins (chunk $k; its process had served $served of them)"
      served=0 pid=$BROKER_PID
    fi
  done
  c1all=$(db_connections)
  R[d_logins]="$total_ok/$done_"
  R[d_rate]=$(awk -v n="$total_ok" -v m="$total_ms" 'BEGIN { printf "%.0f", n * 1000 / m }')
  R[d_conn]=$((c1all - c0all - 1))
}

# One private Postfix (tests/lib/postfix.sh) whose smtpd_sasl_service is a PAM service whose file
# is rewritten per module, with a fresh saslauthd inside the chroot each time.
bench_postfix() {
  log "postfix: $SMTP_RUNS x swaks AUTH PLAIN over STARTTLS per module"
  local svc=pmn-bench-pf-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
  SERVICES+=("$svc")
  local sdir=$WORK/postfix/spool/var/run/saslauthd label user pass i t0 ms ok times
  pf_setup "$WORK/postfix" "$REPO/tests/integration/postfix" "$(mdb_free_port)" "$sdir" "$svc" >&2 ||
    { log "postfix setup failed: row skipped"; return; }
  pf_start >&2 || { log "postfix did not start: row skipped"; return; }
  for label in "${LABELS[@]}"; do
    cp "/etc/pam.d/${SVC[$label]}" "/etc/pam.d/$svc"
    bench_sasl_start "$sdir" "$WORK/sasl-pf-$label.log" || die "saslauthd (postfix) did not start"
    ok=0 times=()
    for i in $(seq 1 "$SMTP_RUNS"); do
      IFS=$'\t' read -r user pass < <(sed -n "$((i * 97))p" "$WORK/accounts")
      t0=$(date +%s%N)
      if timeout 60 swaks --server 127.0.0.1 --port "$PF_PORT" --helo bench.pmn.test --from "$user" \
        --to someone@example.test --tls --auth PLAIN --auth-user "$user" --auth-password "$pass" \
        --quit-after=AUTH --timeout 30 >/dev/null 2>&1; then ok=$((ok + 1)); fi
      ms=$(( ($(date +%s%N) - t0) / 1000000 ))
      times+=("$ms")
    done
    R[smtp,$label]="$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }') ms, $ok/$SMTP_RUNS ok"
    sasl_stop_all
  done
  pf_stop
}

# --- the table ----------------------------------------------------------------------------------

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
avg2() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "") print b; else if (b == "") print a; else printf "%.1f", (a + b) / 2 }'; }
fmt() { awk -v a="$1" -v d="${2:-2}" 'BEGIN { if (a == "") print "-"; else printf "%.*f", d, a }'; }

machine() {
  echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ { printf "%.0f GB RAM", $2 / 1048576 }' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "ours: $OURS ($(git -C "$REPO" rev-parse --short HEAD 2>/dev/null)$(git -C "$REPO" diff --quiet 2>/dev/null || echo '+dirty'))"
  echo "daemon: $DAEMON_BIN daemon --socket <private>${PMN_DAEMON_WORKERS:+ --workers $PMN_DAEMON_WORKERS}"
  echo "C: $CMOD ($(dpkg-query -W -f='${Package} ${Version}' libpam-mysql 2>/dev/null)); MariaDB $(mariadbd --version | awk '{ print $3 }'); $USERS users"
}

# row MEASURE OURS DAEMON C PERMIT DIGITS TARGET: one table row with the four ratios
row() {
  local m=$1 o=$2 d=$3 c=$4 p=$5 k=$6 t=${7:-}
  echo "| $m | $(fmt "$o" "$k") | $(fmt "$d" "$k") | $(fmt "$c" "$k") | $(fmt "$p" "$k") | $(ratio "$o" "$c") | $(ratio "$d" "$c") | $(ratio "$o" "$p") | $(ratio "$d" "$p") | $t |"
}
# text row: the four cells as given, no ratios
trow() { echo "| $1 | $2 | $3 | $4 | $5 | | | | | ${6:-} |"; }

print_table() {
  local m key
  echo
  echo "## pam_mysql_net (in-process and via its daemon) vs pam_mysql (C) vs pam_permit"
  echo
  machine | sed 's/^/    /'
  echo
  echo "| measure | ours | ours via daemon | C pam_mysql | pam_permit | ours/C | daemon/C | ours/permit | daemon/permit | target (ours; daemon) |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  if section cold; then
    row "cold login, pamtester, median ms ($COLD each, interleaved)" "${R[cold_med,ours]}" "${R[cold_med,daemon]}" \
      "${R[cold_med,c]}" "${R[cold_med,permit]}" 2 "<= 1.3x C; <= 0.5x C"
    row "cold login, pamtester, p95 ms" "${R[cold_p95,ours]}" "${R[cold_p95,daemon]}" "${R[cold_p95,c]}" "${R[cold_p95,permit]}" 2
    row "cold login: CPU time of the pamtester process, median ms" "${R[cold_cpu,ours]}" "${R[cold_cpu,daemon]}" \
      "${R[cold_cpu,c]}" "${R[cold_cpu,permit]}" 2
    trow "cold: ok / drift (1st half -> 2nd half median ms)" "${R[cold_ok,ours]}; ${R[cold_drift,ours]}" \
      "${R[cold_ok,daemon]}; ${R[cold_drift,daemon]}" "${R[cold_ok,c]}; ${R[cold_drift,c]}" "${R[cold_ok,permit]}; ${R[cold_drift,permit]}"
  fi
  if section warm; then
    row "warm login via saslauthd -n $WORKERS, median us ($WARM sequential each, interleaved)" "${R[warm_med,ours]}" \
      "${R[warm_med,daemon]}" "${R[warm_med,c]}" "${R[warm_med,permit]}" 0 "<= 0.55x C, <= 1.3x permit; <= 0.5x C"
    row "warm login via saslauthd, p95 us" "${R[warm_p95,ours]}" "${R[warm_p95,daemon]}" "${R[warm_p95,c]}" "${R[warm_p95,permit]}" 0
    trow "warm: ok / drift (1st half -> 2nd half median us)" "${R[warm_ok,ours]}; ${R[warm_drift,ours]}" \
      "${R[warm_ok,daemon]}; ${R[warm_drift,daemon]}" "${R[warm_ok,c]}; ${R[warm_drift,c]}" "${R[warm_ok,permit]}; ${R[warm_drift,permit]}"
    row "$THREADS clients, logins/s (${SECONDS_TPUT} s each in 1 s turns, saslauthd -n $WORKERS)" "${R[tput,ours]}" \
      "${R[tput,daemon]}" "${R[tput,c]}" "${R[tput,permit]}" 0 ">= 2x C, >= 0.75x permit; >= 2x C, >= 0.8x permit"
    trow "$THREADS clients: errors / p95 us / drift (1st -> 2nd half logins/s)" \
      "${R[tput_err,ours]} / $(fmt "${R[tput_p95,ours]}" 0) / ${R[tput_drift,ours]}" \
      "${R[tput_err,daemon]} / $(fmt "${R[tput_p95,daemon]}" 0) / ${R[tput_drift,daemon]}" \
      "${R[tput_err,c]} / $(fmt "${R[tput_p95,c]}" 0) / ${R[tput_drift,c]}" \
      "${R[tput_err,permit]} / $(fmt "${R[tput_p95,permit]}" 0) / ${R[tput_drift,permit]}" "0 errors"
    row "sha512crypt users: warm login via saslauthd, median us ($WARM sequential each)" "${R[warm_med_sha,ours]}" \
      "${R[warm_med_sha,daemon]}" "${R[warm_med_sha,c]}" "${R[warm_med_sha,permit]}" 0 "<= 0.7x C"
    trow "sha512crypt users, warm: ok / p95 us / drift" "${R[warm_ok_sha,ours]} / $(fmt "${R[warm_p95_sha,ours]}" 0) / ${R[warm_drift_sha,ours]}" \
      "${R[warm_ok_sha,daemon]} / $(fmt "${R[warm_p95_sha,daemon]}" 0) / ${R[warm_drift_sha,daemon]}" \
      "${R[warm_ok_sha,c]} / $(fmt "${R[warm_p95_sha,c]}" 0) / ${R[warm_drift_sha,c]}" \
      "${R[warm_ok_sha,permit]} / $(fmt "${R[warm_p95_sha,permit]}" 0) / ${R[warm_drift_sha,permit]}"
    row "sha512crypt users: $THREADS clients, logins/s" "${R[tput_sha,ours]}" "${R[tput_sha,daemon]}" "${R[tput_sha,c]}" \
      "${R[tput_sha,permit]}" 0 ">= 1.3x C"
    trow "sha512crypt users, $THREADS clients: errors / p95 us / drift" \
      "${R[tput_err_sha,ours]} / $(fmt "${R[tput_p95_sha,ours]}" 0) / ${R[tput_drift_sha,ours]}" \
      "${R[tput_err_sha,daemon]} / $(fmt "${R[tput_p95_sha,daemon]}" 0) / ${R[tput_drift_sha,daemon]}" \
      "${R[tput_err_sha,c]} / $(fmt "${R[tput_p95_sha,c]}" 0) / ${R[tput_drift_sha,c]}" \
      "${R[tput_err_sha,permit]} / $(fmt "${R[tput_p95_sha,permit]}" 0) / ${R[tput_drift_sha,permit]}" "0 errors"
    trow "DB connections opened by $REUSE warm logins (saslauthd, $WORKERS processes)" "${R[conn,ours]}" "${R[conn,daemon]}" \
      "${R[conn,c]}" "-" "0 (kept per process; the daemon's pool)"
  fi
  if section mem; then
    for m in rss vm threads; do
      case $m in
        rss) key="RSS added by 1,000 logins in one host, KB|<= 16384 KB" ;;
        vm) key="VmSize added by 1,000 logins, KB|<= 65536 KB; <= 2048 KB" ;;
        threads) key="threads added by 1,000 logins|<= 3; 0" ;;
      esac
      echo "| ${key%%|*} | ${R[$m,ours.1]} / ${R[$m,ours.2]} | ${R[$m,daemon.1]} / ${R[$m,daemon.2]} | ${R[$m,c.1]} | ${R[$m,permit.1]} | $(ratio "${R[$m,ours.1]}" "${R[$m,c.1]}") | $(ratio "${R[$m,daemon.1]}" "${R[$m,c.1]}") | | | ${key#*|} |"
    done
  fi
  if section daemon; then
    trow "DB connections opened by 1,000 logins from 100 processes (10 each, 10 at a time; wall time)" \
      "${R[conn100,ours]}" "${R[conn100,daemon]}" "${R[conn100,c]}" "-"
    trow "daemon after warm-up: VmRSS KB / threads / fds" "" "${R[d_rss0]} / ${R[d_thr0]} / ${R[d_fd0]}" "" ""
    trow "$DAEMON_LOGINS logins through the daemon ($DAEMON_PROCS host processes at once): ok, logins/s, new DB connections" \
      "" "${R[d_logins]}, ${R[d_rate]}/s, ${R[d_conn]}" "" ""
    trow "daemon after them (last reading of a live daemon: ${R[d_served]:-0} logins served, ${R[d_cpu]:-?} s CPU): VmRSS KB / VmHWM KB / VmSize KB / threads / fds" "" \
      "${R[d_rss1]} / ${R[d_hwm]} / ${R[d_vm1]} / ${R[d_thr1]} / ${R[d_fd1]}" "" "" "; VmRSS <= 40960 KB"
  fi
  if section postfix && [ -n "${R[smtp,ours]:-}" ]; then
    trow "Postfix: swaks STARTTLS + AUTH PLAIN, median ($SMTP_RUNS runs)" "${R[smtp,ours]}" "${R[smtp,daemon]}" "${R[smtp,c]}" "${R[smtp,permit]}" "sanity"
  fi
  if [ -n "${BREAKDOWN_OUT:-}" ]; then
    echo
    echo "### Cold login through ours, phase by phase (tests/bench/coldpath.sh)"
    echo
    printf '%s\n' "$BREAKDOWN_OUT" | sed 's/^/    /'
  fi
  if [ "${#DAEMON_DEATHS[@]}" -gt 0 ]; then
    echo
    echo "The daemon died ${#DAEMON_DEATHS[@]} time(s) and was started again, during: $(printf '%s; ' "${DAEMON_DEATHS[@]}")"
    echo "Kernel lines about it:"
    dmesg 2>/dev/null | tail -n +"$((DMESG_START + 1))" | grep 'pam-mysql-net\[' | sed 's/^/    /'
  fi
  echo
  echo "cold and warm rows: the modules interleaved (order rotating each round / slice); memory: ours and daemon measured before and after C and permit (two figures)."
}

main() {
  [ "$(id -u)" = 0 ] || die "must run as root (writes /etc/pam.d, installs packages)"
  WORK=$(mktemp -d /tmp/pmn-bench.XXXXXX) || die "mktemp failed"
  chmod 755 "$WORK"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  install_prerequisites
  build_if_missing
  [ -f "$CMOD" ] || die "C module not found: $CMOD"
  compile_tools
  mdb_start "$WORK/db" >&2 && mdb_seed_mailbox || die "MariaDB did not start"
  log "seeding $USERS users"
  seed_users || die "seeding users failed"
  DMESG_START=$(dmesg 2>/dev/null | wc -l)
  daemon_start || die "the daemon did not start"
  write_services
  sanity
  section cold && bench_cold && daemon_check "the cold logins"
  section breakdown && bench_breakdown
  section warm && bench_warm && daemon_check "the warm logins"
  section mem && bench_mem && daemon_check "the memory passes"
  section daemon && bench_daemon
  section postfix && bench_postfix
  if [ -n "${PMN_BENCH_OUT:-}" ]; then print_table | tee "$PMN_BENCH_OUT"; else print_table; fi
}

# Sourced (for experiments) it only defines the functions.
[ "${BASH_SOURCE[0]}" = "$0" ] && main "$@"

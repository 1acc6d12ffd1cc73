#!/usr/bin/env bash
# Real PAM hosts: each part runs once with our module ("[net] ...", out/pam_mysql_net.so) and once
# with Debian's C pam_mysql.so ("[c] ...", libpam-mysql) against one private MariaDB, with the right
# password, a wrong password and an unknown user for every service:
#   dovecot  Dovecot IMAP, passdb pam (runs in auth-worker processes under Dovecot's DEFAULT
#            default_vsz_limit = 256M), auth cache off: 500 sequential logins and 400 more from 4
#            concurrent clients, all right; refusals; no crash/Fatal/Panic/out-of-memory lines in
#            Dovecot's log. Notes the auth-worker PIDs seen and their peak VmPeak.
#   vsftpd   vsftpd virtual users (guest_enable; vsftpd's default ~200 MiB RLIMIT_AS on sessions):
#            200 logins, each with LIST and RETR of a file; wrong/unknown refused with 530.
#   sshd     OpenSSH keyboard-interactive through PAM (private sshd started as pmn-sshd-PID-SIDE,
#            its PAM service name): 20 logins running `true`; wrong/unknown refused.
#   setuid   out/pmn_pam_host installed setuid root, run by nobody with a hostile environment
#            (DOTNET_OPENSSL_VERSION_OVERRIDE=3/../evil.so with evil.so in the cwd, SSL_CERT_*,
#            HOME, TMPDIR, .NET dump/diagnostics/GC variables): right/wrong/unknown give 0/7/10,
#            evil.so never runs, nothing appears in the attacker's directories, no signal death.
# The C module's results show that the harness is right; a [net] failure is a finding.
#
#   bash tests/integration/services.sh          (root; after cmake --build out; ~3-5 minutes)
# Env: PMN_MODULE (our module, absolute path, default out/pam_mysql_net.so), PMN_PARTS ("dovecot
# vsftpd sshd setuid" by default) and PMN_SIDES ("net c") select what runs, PMN_KEEP=1 keeps the
# temp dir (all server logs). Adds /etc/pam.d/pmn-*-PID-SIDE files and the system user pmnssh<PID>
# (and /run/sshd when missing); all are removed on exit. Every server listens on 127.0.0.1 only,
# on a free port, and is stopped by PID.
# Output: "ok - ..." / "FAIL - ..." lines; "# ..." notes; last line "N passed, N failed".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
. "$REPO/tests/lib/check.sh"
. "$REPO/tests/lib/harness.sh"
. "$REPO/tests/lib/mariadb.sh"

THEIRS=/lib/x86_64-linux-gnu/security/pam_mysql.so
HOST_BIN=$HOST
PARTS=${PMN_PARTS:-dovecot vsftpd sshd setuid}
SIDES=${PMN_SIDES:-net c}
LOAD=$HERE/services/login_load.py
EVIL_SRC=$HERE/services/evil.c

MAIL_USER=alice@example.test
PW='S3cret-alice!'
UNKNOWN=nosuch@example.test
SSH_USER=pmnssh$$
PAM_SUCCESS=0 PAM_AUTH_ERR=7 PAM_USER_UNKNOWN=10

# Everything the clean-up must undo, recorded the moment it is created.
PAM_FILES=()
ADDED_USERS=()
RUN_SSHD_CREATED=0
EXTRA_DIRS=()
DOVECOT_PID= VSFTPD_PID= SSHD_PID= SAMPLER_PID=

# --- processes -------------------------------------------------------------------------------

# start_bg VAR LOG CMD...: runs CMD in a session (and process group) of its own, output to LOG;
# VAR gets its PID, which is also the group's ID (setsid does not fork: a background job of a
# non-interactive shell is no group leader).
start_bg() {
  local var=$1 log=$2
  shift 2
  setsid "$@" >"$log" 2>&1 </dev/null &
  printf -v "$var" %s "$!"
}

# stop_pid VAR: SIGTERM to the PID in VAR, up to 10 s for it to go, then SIGKILL; then SIGKILL to
# whatever is left of its process group (session children of vsftpd, say). Clears VAR.
stop_pid() {
  local var=$1 pid i
  pid=${!var}
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null
  for i in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  kill -KILL -- "-$pid" 2>/dev/null
  # Left-over group members are reaped by init; give that up to 2 s so none shows after the run.
  for i in $(seq 1 20); do
    pgrep -g "$pid" >/dev/null || break
    sleep 0.1
  done
  printf -v "$var" %s ""
}

# idle_wait PID: up to 5 s for PID to have no children left (the sessions of the last client have
# ended), so that stopping it leaves no orphaned sessions for init to reap.
idle_wait() {
  local i
  for i in $(seq 1 50); do
    pgrep -P "$1" >/dev/null || return 0
    sleep 0.1
  done
}

stop_all() {
  stop_pid SAMPLER_PID
  stop_pid DOVECOT_PID
  stop_pid VSFTPD_PID
  stop_pid SSHD_PID
  mdb_stop
  local f u d
  for f in "${PAM_FILES[@]}"; do rm -f -- "$f"; done
  PAM_FILES=()
  for u in "${ADDED_USERS[@]}"; do userdel "$u" >/dev/null 2>&1; done
  ADDED_USERS=()
  [ "$RUN_SSHD_CREATED" = 1 ] && rmdir /run/sshd 2>/dev/null
  RUN_SSHD_CREATED=0
  for d in "${EXTRA_DIRS[@]}"; do rm -rf -- "$d"; done
  EXTRA_DIRS=()
}

# wait_banner PORT TEXT: true once a connection to 127.0.0.1:PORT greets with TEXT (10 s at most).
wait_banner() {
  python3 - "$1" "$2" <<'PY'
import socket, sys, time
port, want = int(sys.argv[1]), sys.argv[2].encode()
end = time.monotonic() + 10
while time.monotonic() < end:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            if s.recv(200).startswith(want):
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.1)
sys.exit(1)
PY
}

# --- PAM service files -----------------------------------------------------------------------

# module_args SIDE: the module and its options. The seed's recipe for both; ours adds nodelay
# (its 2 s pam_fail_delay would only slow the refusals down; pam_mysql has no failure delay).
module_args() {
  local opts="user=postfix passwd=yourpass host=127.0.0.1:$MDB_PORT db=postfix table=mailbox"
  opts="$opts usercolumn=username passwdcolumn=password crypt=1 md5=1"
  case $1 in
    net) echo "$PMN_MODULE $opts nodelay" ;;
    c) echo "$THEIRS $opts" ;;
  esac
}

# pam_service FILE SIDE [LINE...]: auth and account through the module, then LINEs.
pam_service() {
  local file=$1 side=$2
  shift 2
  PAM_FILES+=("$file")
  {
    echo "# written by pam_mysql_net tests/integration/services.sh; removed when it exits"
    echo "auth    required $(module_args "$side")"
    echo "account required $(module_args "$side")"
    local line
    for line in "$@"; do echo "$line"; done
  } >"$file"
}

# load_check NAME EXPECT COUNT CLIENTS DEADLINE PROTO PORT USER PASS [ARGS...]: runs login_load.py
# and checks that all COUNT logins got the EXPECTed answer; the client's samples become notes.
load_check() {
  local name=$1 expect=$2 count=$3 clients=$4 deadline=$5 proto=$6 port=$7 user=$8 pass=$9 out
  shift 9
  out=$(timeout $((deadline + 60)) python3 "$LOAD" "$proto" "$port" "$user" "$pass" "$expect" \
    "$count" "$clients" --deadline "$deadline" --timeout 15 "$@" 2>&1)
  local summary right wrong notrun
  summary=$(printf '%s\n' "$out" | grep '^total=' | tail -1)
  right=$(sed -n 's/.* right=\([0-9]*\).*/\1/p' <<<"$summary")
  wrong=$(sed -n 's/.* wrong=\([0-9]*\).*/\1/p' <<<"$summary")
  notrun=$(sed -n 's/.* not_run=\([0-9]*\).*/\1/p' <<<"$summary")
  check "$name" "$count right, 0 wrong, 0 not run" "${right:-?} right, ${wrong:-?} wrong, ${notrun:-?} not run"
  printf '%s\n' "$out" | grep -v '^total=' | sed 's/^# //; s/^/# /' | head -8
  [ -n "$summary" ] && check_note "  $summary"
}

# --- Dovecot ----------------------------------------------------------------------------------

# Samples the auth-worker children of Dovecot's master every 0.2 s (for at most 10 minutes):
# "PID VmPeak_kB" lines. VmPeak is the process's peak since it started, so a sample at any time
# covers its past.
sample_auth_workers() {
  local master=$1 out=$2 i pid args peak
  for i in $(seq 1 3000); do
    while read -r pid args; do
      case $args in *auth*worker* | *auth\ -w*) ;; *) continue ;; esac
      peak=$(awk '/^VmPeak:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
      [ -n "$peak" ] && echo "$pid $peak"
    done < <(ps -o pid=,args= --ppid "$master" 2>/dev/null)
    sleep 0.2
  done >>"$out"
}

dovecot_conf() {
  local dir=$1 port=$2 service=$3
  cat <<EOF
# private Dovecot for tests/integration/services.sh; loopback only, state and logs under $dir
base_dir = $dir/run
state_dir = $dir/state
instance_name = pmn-dovecot-$$
log_path = $dir/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
# Every login reaches PAM. auth_debug logs each request with its auth-worker's PID (the restarts
# are counted from it); auth_failure_delay and default_vsz_limit keep Dovecot's defaults.
auth_cache_size = 0
auth_verbose = yes
auth_debug = yes
mail_location = maildir:~/Maildir
passdb {
  driver = pam
  args = $service
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=$dir/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    port = 0
  }
}
EOF
}

part_dovecot() {
  local side=$1 tag="[$1] dovecot"
  local dir=$WORK/dovecot-$side port service
  service=pmn-dovecot-$$-$side
  port=$(mdb_free_port)
  mkdir -p "$dir/mail" "$dir/state"
  chown 65534:65534 "$dir/mail"
  pam_service "/etc/pam.d/$service" "$side"
  dovecot_conf "$dir" "$port" "$service" >"$dir/dovecot.conf"
  start_bg DOVECOT_PID "$dir/dovecot.out" dovecot -F -c "$dir/dovecot.conf"
  if ! wait_banner "$port" "* OK"; then
    check "$tag: starts" started "not listening: $(tail -3 "$dir/dovecot.out" "$dir/dovecot.log" 2>/dev/null | tr '\n' ' ')"
    stop_pid DOVECOT_PID
    return
  fi
  check_note "$tag: default_vsz_limit = $(doveconf -c "$dir/dovecot.conf" -h default_vsz_limit 2>/dev/null)," \
    "auth_failure_delay = $(doveconf -c "$dir/dovecot.conf" -h auth_failure_delay 2>/dev/null)"
  : >"$dir/samples"
  sample_auth_workers "$DOVECOT_PID" "$dir/samples" &
  SAMPLER_PID=$!

  # Right password: every login must be OK. When an auth worker dies mid-request Dovecot refuses
  # the login (seen: a plain NO [AUTHENTICATIONFAILED]); any such answer counts as wrong.
  load_check "$tag: 500 sequential logins, right password -> OK" OK 500 1 180 imap "$port" "$MAIL_USER" "$PW"
  load_check "$tag: 4 clients x 100 logins, right password -> OK" OK 400 4 150 imap "$port" "$MAIL_USER" "$PW"
  # Refusals: NO [AUTHENTICATIONFAILED], in parallel (Dovecot delays each by auth_failure_delay).
  load_check "$tag: wrong password -> NO [AUTHENTICATIONFAILED] (3 logins)" NO 3 3 30 imap "$port" "$MAIL_USER" "wrong-$PW"
  load_check "$tag: unknown user -> NO [AUTHENTICATIONFAILED] (3 logins)" NO 3 3 30 imap "$port" "$UNKNOWN" "$PW"
  load_check "$tag: right password still OK after refusals (20 logins)" OK 20 2 60 imap "$port" "$MAIL_USER" "$PW"

  stop_pid SAMPLER_PID
  # Crashes of auth workers (or any Dovecot process) during the run; read before stopping Dovecot,
  # whose master logs its own "Killed with signal 15" then.
  local crash_re='killed with signal|Fatal|Panic|core dumped|out of memory'
  local crashes
  crashes=$(cat "$dir/dovecot.log" "$dir/dovecot.out" | grep -Eic "$crash_re")
  check "$tag: crash lines in Dovecot's log (signal/Fatal/Panic/core/out of memory)" 0 "$crashes"
  # The distinct lines, with the PID numbers masked so that repeats group together.
  cat "$dir/dovecot.log" "$dir/dovecot.out" | grep -Ei "$crash_re" | cut -d' ' -f4- |
    sed -E 's/\(([0-9]+)\)/(PID)/g; s/(child|pid=?) ?[0-9]+/\1 N/g' | sort | uniq -c | sort -rn | head -6 |
    cut -c1-300 | sed 's/^/#   /'
  stop_pid DOVECOT_PID
  local workers sampled peak
  workers=$(grep -o 'auth-worker([0-9]*)' "$dir/dovecot.log" | sort -u | wc -l)
  sampled=$(awk '{ print $1 }' "$dir/samples" | sort -u | wc -l)
  peak=$(awk '$2 > m { m = $2 } END { print m + 0 }' "$dir/samples")
  # passdb pam retires a worker after max_requests (100) requests: about 10 workers for 926 logins
  # is normal rotation; the ones killed by a signal are restarts after a crash.
  check_note "$tag: auth-worker processes: $workers in the log ($sampled sampled), of them" \
    "$(grep -c 'service(auth-worker): child [0-9]* killed with signal' "$dir/dovecot.log") killed by a signal;" \
    "peak VmPeak $((peak / 1024)) MiB (default_vsz_limit 256 MiB)"
}

# --- vsftpd -----------------------------------------------------------------------------------

part_vsftpd() {
  local side=$1 tag="[$1] vsftpd"
  local dir=$WORK/vsftpd-$side port service
  service=pmn-vsftpd-$$-$side
  port=$(mdb_free_port)
  # secure_chroot_dir: empty and root-owned; local_root: root-owned (not writable by the guest
  # user, so chroot_local_user needs no allow_writeable_chroot), with the file to RETR.
  mkdir -p "$dir/empty" "$dir/root"
  chmod 755 "$dir/empty" "$dir/root"
  head -c 3000 /dev/urandom | base64 >"$dir/root/hello.txt"
  chmod 644 "$dir/root/hello.txt"
  pam_service "/etc/pam.d/$service" "$side"
  # vsftpd's defaults stay as they are: seccomp_sandbox, isolate/isolate_network, and the
  # RLIMIT_AS of 200 MiB it puts on its session processes (PAM runs in the session's privileged
  # half). Passive mode only, on the control connection's address (127.0.0.1).
  cat >"$dir/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$port
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=NO
guest_enable=YES
guest_username=$FTP_GUEST
pam_service_name=$service
local_root=$dir/root
chroot_local_user=YES
secure_chroot_dir=$dir/empty
pasv_enable=YES
pasv_address=127.0.0.1
xferlog_enable=YES
dual_log_enable=YES
xferlog_file=$dir/xferlog
vsftpd_log_file=$dir/vsftpd.log
syslog_enable=NO
EOF
  chmod 600 "$dir/vsftpd.conf"
  start_bg VSFTPD_PID "$dir/vsftpd.out" vsftpd "$dir/vsftpd.conf"
  if ! wait_banner "$port" 220; then
    check "$tag: starts" started "not listening: $(tail -3 "$dir/vsftpd.out" | tr '\n' ' ')"
    stop_pid VSFTPD_PID
    return
  fi
  local file=(--file hello.txt --content "$dir/root/hello.txt")
  load_check "$tag: 200 logins with LIST + RETR, right password" OK 200 1 200 ftp "$port" "$MAIL_USER" "$PW" "${file[@]}"
  load_check "$tag: wrong password -> 530 (2 logins)" NO 2 2 30 ftp "$port" "$MAIL_USER" "wrong-$PW" "${file[@]}"
  load_check "$tag: unknown user -> 530 (2 logins)" NO 2 2 30 ftp "$port" "$UNKNOWN" "$PW" "${file[@]}"
  idle_wait "$VSFTPD_PID"
  stop_pid VSFTPD_PID
  check_note "$tag: log: $(grep -c 'OK LOGIN' "$dir/vsftpd.log" 2>/dev/null) OK LOGIN," \
    "$(grep -c 'FAIL LOGIN' "$dir/vsftpd.log" 2>/dev/null) FAIL LOGIN," \
    "$(grep -c 'OK DOWNLOAD' "$dir/vsftpd.log" 2>/dev/null) OK DOWNLOAD"
}

# --- OpenSSH ----------------------------------------------------------------------------------

# ssh_try PORT USER PASS: OK (exit 0), DENIED (sshpass saw the prompt again, or "Permission
# denied") or ERROR(rc: last line).
ssh_try() {
  local out rc
  out=$(timeout 40 sshpass -p "$3" ssh -F /dev/null -p "$1" -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR \
    -o ConnectTimeout=10 -o PreferredAuthentications=keyboard-interactive \
    -o PubkeyAuthentication=no -o NumberOfPasswordPrompts=1 "$2@127.0.0.1" true 2>&1 </dev/null)
  rc=$?
  if [ $rc = 0 ]; then echo OK
  elif [ $rc = 5 ] || grep -q 'Permission denied' <<<"$out"; then echo DENIED
  else echo "ERROR($rc: $(tail -1 <<<"$out" | cut -c1-200))"; fi
}

part_sshd() {
  local side=$1 tag="[$1] sshd"
  local dir=$WORK/sshd-$side port prog
  prog=$WORK/pmn-sshd-$$-$side   # sshd's PAM service is its program name
  port=$(mdb_free_port)
  mkdir -p "$dir"
  ln -sf /usr/sbin/sshd "$prog"
  pam_service "/etc/pam.d/$(basename "$prog")" "$side" "session required pam_permit.so"
  [ -f "$WORK/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$WORK/ssh_host_ed25519_key"
  cat >"$dir/sshd_config" <<EOF
ListenAddress 127.0.0.1
Port $port
HostKey $WORK/ssh_host_ed25519_key
PidFile $dir/sshd.pid
UsePAM yes
KbdInteractiveAuthentication yes
PasswordAuthentication no
PubkeyAuthentication no
AuthenticationMethods keyboard-interactive
PermitRootLogin no
StrictModes no
UseDNS no
PrintMotd no
LogLevel VERBOSE
EOF
  local err
  if ! err=$("$prog" -t -f "$dir/sshd_config" 2>&1); then
    check "$tag: config valid" valid "$err"
    return
  fi
  start_bg SSHD_PID "$dir/sshd.out" "$prog" -D -f "$dir/sshd_config" -E "$dir/sshd.log"
  if ! wait_banner "$port" SSH-2.0; then
    check "$tag: starts" started "not listening: $(tail -3 "$dir/sshd.log" "$dir/sshd.out" 2>/dev/null | tr '\n' ' ')"
    stop_pid SSHD_PID
    return
  fi
  local i got ok=0 first_bad=
  for i in $(seq 1 20); do
    got=$(ssh_try "$port" "$SSH_USER" "$PW")
    if [ "$got" = OK ]; then ok=$((ok + 1)); else : "${first_bad:=$got}"; fi
  done
  check "$tag: 20 keyboard-interactive logins, right password -> exit 0" 20 "$ok${first_bad:+ (first other: $first_bad)}"
  check "$tag: wrong password -> refused" DENIED "$(ssh_try "$port" "$SSH_USER" "wrong-$PW")"
  check "$tag: unknown user (no account, no row) -> refused" DENIED "$(ssh_try "$port" "pmnnosuch$$" "$PW")"
  check "$tag: system user without a mailbox row (nobody) -> refused" DENIED "$(ssh_try "$port" nobody "$PW")"
  check "$tag: right password still accepted after refusals" OK "$(ssh_try "$port" "$SSH_USER" "$PW")"
  idle_wait "$SSHD_PID"
  stop_pid SSHD_PID
  # sshd's per-connection processes leave orphans that init reaps (lazily here, within ~3 s):
  # wait up to 5 s for them so that none shows after the run (comm holds 15 characters).
  local comm=pmn-sshd-$$ i
  for i in $(seq 1 50); do
    pgrep "^${comm:0:15}" >/dev/null || break
    sleep 0.1
  done
  check_note "$tag: log: $(grep -c 'Accepted keyboard-interactive' "$dir/sshd.log") accepted," \
    "$(grep -c 'Failed keyboard-interactive\|authentication failure' "$dir/sshd.log") failed/auth-failure lines," \
    "$(grep -i 'fatal\|signal' "$dir/sshd.log" | grep -vc 'Received signal 15') fatal/signal lines"
  grep -i 'fatal\|signal' "$dir/sshd.log" | grep -v 'Received signal 15' | head -3 | cut -c1-250 | sed 's/^/#   /'
}

# --- setuid host ------------------------------------------------------------------------------

# The attacker's world for one side, all owned by nobody except the marker dir (root, 1777, as
# /tmp would be): ATT (the cwd: libssl.so.3/ and evil.so, cert files, TMPDIR), HOME, dump/trace
# paths.
setuid_world() {
  local base=$1
  rm -rf "$base"
  mkdir -p "$base/att/libssl.so.3" "$base/att/certs" "$base/att/tmp" "$base/home" "$base/dumps" "$base/marker"
  printf -- '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' >"$base/att/cert.pem"
  cp "$WORK/evil-$(basename "$base").so" "$base/att/evil.so"
  chown -R 65534:65534 "$base/att" "$base/home" "$base/dumps"
  chmod 700 "$base/home"
  chmod 1777 "$base/marker"
}

# listing DIR...: every entry below the DIRs (path, owner, size), for a before/after comparison.
listing() { find "$@" -mindepth 1 -printf '%p %u %s\n' 2>/dev/null | sort; }

# suid_run BASE SERVICE USER PASS EXPECT hostile|clean: one pam_authenticate in the setuid host,
# run as nobody from BASE/att; prints "exit=N rc=R" ("signal=N" / "timeout" when it did not exit).
suid_run() {
  local base=$1 service=$2 user=$3 pass=$4 expect=$5 mode=$6 out status env
  env=(PATH=/usr/bin:/bin)
  if [ "$mode" = hostile ]; then
    local d=$base/dumps
    env+=(HOME="$base/home" TMPDIR="$base/att/tmp"
      DOTNET_OPENSSL_VERSION_OVERRIDE=3/../evil.so CLR_OPENSSL_VERSION_OVERRIDE=3/../evil.so
      SSL_CERT_FILE="$base/att/cert.pem" SSL_CERT_DIR="$base/att/certs"
      OPENSSL_CONF="$base/att/cert.pem" OPENSSL_MODULES="$base/att"
      DOTNET_DbgEnableMiniDump=1 DOTNET_DbgMiniDumpName="$d/dotnet-dump.%p" DOTNET_DbgMiniDumpType=4
      DOTNET_EnableCrashReport=1 DOTNET_CreateDumpDiagnostics=1 DOTNET_CreateDumpLogToFile="$d/createdump.log"
      DOTNET_gcServer=1 DOTNET_GCHeapHardLimit=0x1000 DOTNET_GCgen0size=0x1000
      DOTNET_EnableEventPipe=1 DOTNET_EventPipeOutputPath="$d/trace.nettrace" DOTNET_EventPipeConfig='*:5'
      DOTNET_DiagnosticPorts="$d/diag.sock" DOTNET_EnableDiagnostics=1
      COMPlus_DbgEnableMiniDump=1 COMPlus_DbgMiniDumpName="$d/complus-dump.%p" COMPlus_EnableCrashReport=1
      COMPlus_gcServer=1 COMPlus_GCHeapHardLimit=0x1000 COMPlus_EnableEventPipe=1
      COMPlus_EventPipeOutputPath="$d/complus-trace.nettrace" COMPlus_DiagnosticPorts="$d/complus-diag.sock"
      DOTNET_SYSTEM_NET_DISABLEIPV6=1 DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=0
      # for whatever the host execs: the dynamic loader must treat these as hostile too
      LD_PRELOAD="$base/att/evil.so" LD_LIBRARY_PATH="$base/att" LD_DEBUG=files
      LD_DEBUG_OUTPUT="$d/ld-debug")
  fi
  out=$(cd "$base/att" && timeout 20 setpriv --reuid=65534 --regid=65534 --clear-groups \
    env -i "${env[@]}" "$SUID_DIR/pmn_pam_host" "$SUID_PAMD" "$service" "$user" "$pass" "$expect" auth 2>&1)
  status=$?
  local rc
  rc=$(sed -n 's/.*rc=\(-\?[0-9]*\).*/\1/p' <<<"$out" | head -1)
  if [ $status = 124 ]; then echo "timeout rc=${rc:-none}"
  elif [ $status -gt 128 ]; then echo "signal=$((status - 128)) rc=${rc:-none}"
  else echo "exit=$status rc=${rc:-none}"; fi
  printf '%s\n' "$out" >>"$base/host.out"
}

# Installs the setuid copy of the host once: a root-owned 0755 directory on a filesystem without
# nosuid ($WORK when /tmp allows setuid, else /var/tmp; said in a note).
setuid_install() {
  SUID_DIR=$WORK/suid
  if findmnt -n -o OPTIONS -T "$WORK" | tr ',' '\n' | grep -qx nosuid; then
    SUID_DIR=$(mktemp -d /var/tmp/pmn-suid.XXXXXX) || return 1
    EXTRA_DIRS+=("$SUID_DIR")
    check_note "setuid: $WORK is on a nosuid mount; the setuid host goes to $SUID_DIR"
    if findmnt -n -o OPTIONS -T "$SUID_DIR" | tr ',' '\n' | grep -qx nosuid; then return 1; fi
  fi
  mkdir -p "$SUID_DIR"
  cp "$HOST_BIN" "$SUID_DIR/pmn_pam_host" || return 1
  chown root:root "$SUID_DIR" "$SUID_DIR/pmn_pam_host"
  chmod 755 "$SUID_DIR"
  chmod 4755 "$SUID_DIR/pmn_pam_host"
  SUID_PAMD=$WORK/suid-pam.d
  mkdir -p "$SUID_PAMD"
  chmod 755 "$SUID_PAMD"
}

part_setuid() {
  local side=$1 tag="[$1] setuid host"
  local base=$WORK/setuid-$side service=pmn-suid-$side
  # Compiled per side with its own marker path, so one side's marker cannot count for the other.
  cc -shared -fPIC -O2 -Wall -DMARKER="\"$base/marker/evil-ran\"" -o "$WORK/evil-setuid-$side.so" \
    "$EVIL_SRC" 2>"$WORK/evil-cc.log" || { check "$tag: evil.so builds" built "$(cat "$WORK/evil-cc.log")"; return; }
  setuid_world "$base"
  pam_service "$SUID_PAMD/$service" "$side"
  chmod 644 "$SUID_PAMD/$service"
  local watched=("$base/att" "$base/home" "$base/dumps" "$base/marker")
  local before after
  before=$(listing "${watched[@]}")

  # Control: the same setuid host as nobody with an empty environment.
  check "$tag, clean env: right password -> PAM_SUCCESS" "exit=0 rc=$PAM_SUCCESS" \
    "$(suid_run "$base" "$service" "$MAIL_USER" "$PW" $PAM_SUCCESS clean)"
  # The hostile environment, each outcome in a fresh process (each starts the module cold).
  local r1 r2 r3
  r1=$(suid_run "$base" "$service" "$MAIL_USER" "$PW" $PAM_SUCCESS hostile)
  r2=$(suid_run "$base" "$service" "$MAIL_USER" "wrong-$PW" $PAM_AUTH_ERR hostile)
  r3=$(suid_run "$base" "$service" "$UNKNOWN" "$PW" $PAM_USER_UNKNOWN hostile)
  check "$tag, hostile env: right password -> PAM_SUCCESS" "exit=0 rc=$PAM_SUCCESS" "$r1"
  check "$tag, hostile env: wrong password -> PAM_AUTH_ERR" "exit=0 rc=$PAM_AUTH_ERR" "$r2"
  check "$tag, hostile env: unknown user -> PAM_USER_UNKNOWN" "exit=0 rc=$PAM_USER_UNKNOWN" "$r3"
  local signals
  signals=$(printf '%s\n' "$r1" "$r2" "$r3" | grep -c '^signal\|^timeout')
  check "$tag, hostile env: host never ended by a signal or timeout" 0 "$signals"
  # evil.so's constructor leaves the marker when the runtime dlopened it (as root: euid=0).
  local marker=absent
  [ -e "$base/marker/evil-ran" ] &&
    marker="present, $(wc -l <"$base/marker/evil-ran") line(s): $(head -1 "$base/marker/evil-ran")"
  check "$tag, hostile env: evil.so never loaded (no marker)" absent "$marker"
  after=$(listing "${watched[@]}")
  local created
  created=$(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after") | grep -v "/marker/evil-ran " |
    sed "s|$base/||" | tr '\n' ' ')
  check "$tag, hostile env: no files created in cwd/HOME/TMPDIR/dump dirs" none "${created:-none}"
  grep -v '^auth\[' "$base/host.out" | sort | uniq -c | sort -rn | head -4 | cut -c1-250 | sed 's/^/#   host: /'
}

# --- main -------------------------------------------------------------------------------------

need_tools() {
  local missing=() t
  for t in dovecot doveconf vsftpd /usr/sbin/sshd ssh ssh-keygen sshpass python3 cc setpriv setsid \
    findmnt useradd userdel mariadbd mariadb-install-db openssl; do
    command -v "$t" >/dev/null || missing+=("$t")
  done
  [ -f "$THEIRS" ] || missing+=("$THEIRS (libpam-mysql)")
  [ -x "$HOST_BIN" ] || missing+=("$HOST_BIN (cmake --build out)")
  [ ${#missing[@]} -eq 0 ] || harness_fatal "missing: ${missing[*]} (see build/install-deps.sh)"
}

setup() {
  harness_begin services stop_all
  need_tools
  { mdb_start "$WORK/db" && mdb_seed_mailbox; } || harness_fatal "MariaDB did not start"
  mdb_add_user "$MAIL_USER" "$PW" && mdb_add_user "$SSH_USER" "$PW" || harness_fatal "could not add mailbox rows"
  check_note "pam_mysql: $THEIRS ($(dpkg-query -W -f='${Version}' libpam-mysql 2>/dev/null)); ours: $PMN_MODULE"
  # Which build ran (out/ may be rebuilt between runs): hashes and times of shim, core, helper.
  local f
  for f in "$PMN_MODULE" "$(dirname "$PMN_MODULE")"/{pam_mysql_net_core.so,pam-mysql-net}; do
    [ -f "$f" ] && check_note "build: $(basename "$f") sha256 $(sha256sum "$f" | cut -c1-12) $(date -r "$f" '+%F %T')"
  done
  # vsftpd maps every virtual user to guest_username: Debian's 'ftp' user when there is one.
  if getent passwd ftp >/dev/null; then FTP_GUEST=ftp
  else
    FTP_GUEST=pmnftp$$
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$FTP_GUEST" ||
      harness_fatal "useradd $FTP_GUEST failed"
    ADDED_USERS+=("$FTP_GUEST")
  fi
  case " $PARTS " in *" sshd "*)
    # sshd needs a system account for its login user, and its privilege-separation directory.
    mkdir -p "$WORK/ssh-home"
    useradd --system --no-create-home --home-dir "$WORK/ssh-home" --shell /bin/sh "$SSH_USER" ||
      harness_fatal "useradd $SSH_USER failed"
    ADDED_USERS+=("$SSH_USER")
    chown "$SSH_USER" "$WORK/ssh-home"
    if [ ! -d /run/sshd ]; then
      mkdir -m 755 /run/sshd || harness_fatal "cannot create /run/sshd"
      RUN_SSHD_CREATED=1
    fi ;;
  esac
  case " $PARTS " in *" setuid "*) setuid_install || harness_fatal "cannot install the setuid host" ;; esac
}

main() {
  local start=$SECONDS part side
  setup
  for part in $PARTS; do
    for side in $SIDES; do
      echo "# --- $part, [$side] $(if [ "$side" = net ]; then echo "$PMN_MODULE"; else echo "$THEIRS"; fi)"
      "part_$part" "$side"
    done
  done
  check_note "runtime: $((SECONDS - start)) s"
  harness_end
}

main "$@"

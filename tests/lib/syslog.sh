# Captures syslog lines (pam_syslog writes to /dev/log) into a file for a test to read.
# These machines run no syslog daemon. Where /dev/log is free, our listener takes it for the run;
# where a daemon owns it, the calling script must run in its own mount namespace (see
# syslog_private_namespace) so that our socket can be bound over /dev/log for it alone.
#   syslog_private_namespace "$0" "$@"   re-exec the script under `unshare -m` when needed
#   syslog_start FILE   start the listener          syslog_stop   stop it, restore /dev/log
#   syslog_mark         remember the current end    syslog_since  lines written after the mark

SYSLOG_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

syslog_private_namespace() {
  if [ -e /dev/log ] && [ -z "${PMN_IN_PRIVATE_NS:-}" ]; then
    PMN_IN_PRIVATE_NS=1 exec unshare --mount --propagation private bash "$@"
  fi
}

syslog_start() {
  SYSLOG_FILE=$1
  : >"$SYSLOG_FILE"
  SYSLOG_SOCK=$(mktemp -u /tmp/pmn-log.XXXXXX)
  python3 "$SYSLOG_LIB_DIR/syslog_listener.py" "$SYSLOG_SOCK" "$SYSLOG_FILE" &
  SYSLOG_PID=$!
  local i
  for i in $(seq 1 50); do [ -S "$SYSLOG_SOCK" ] && break; sleep 0.05; done
  if [ -e /dev/log ]; then
    mount --bind "$SYSLOG_SOCK" /dev/log
    SYSLOG_MOUNTED=1
  else
    ln -s "$SYSLOG_SOCK" /dev/log
    SYSLOG_LINKED=1
  fi
  SYSLOG_MARK=0
}

syslog_stop() {
  [ -n "${SYSLOG_MOUNTED:-}" ] && umount /dev/log
  [ -n "${SYSLOG_LINKED:-}" ] && [ -L /dev/log ] && rm -f /dev/log
  SYSLOG_MOUNTED= SYSLOG_LINKED=
  [ -n "${SYSLOG_PID:-}" ] && kill "$SYSLOG_PID" 2>/dev/null && wait "$SYSLOG_PID" 2>/dev/null
  SYSLOG_PID=
  rm -f "${SYSLOG_SOCK:-}"
}

# Waits until the listener has written what was sent (the file stops growing), up to 2 s.
syslog_settle() {
  local i before after
  for i in $(seq 1 20); do
    before=$(wc -c <"$SYSLOG_FILE"); sleep 0.1; after=$(wc -c <"$SYSLOG_FILE")
    [ "$before" = "$after" ] && return 0
  done
}
syslog_mark() { syslog_settle; SYSLOG_MARK=$(wc -l <"$SYSLOG_FILE"); }
syslog_since() { syslog_settle; tail -n +"$((SYSLOG_MARK + 1))" "$SYSLOG_FILE"; }

# shellcheck shell=bash
# Whom the module trusts and whom the daemon serves: a socket not owned by root, a daemon not
# running as root (its socket chowned to root, so that SO_PEERCRED is what refuses it), a host
# not running as root, and a client not running as root on a socket opened to everyone (that one
# is Debian's /usr/bin/python3: root's PATH may name an interpreter nobody cannot run).
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }

broker_trust() {
  bsvc auto auto
  bsvc req required
  chown nobody "$SOCK"
  syslog_mark
  check "socket owned by nobody: auto runs in process" "$PAM_SUCCESS" "$(rc auto "$USER1" "$PW1")"
  check "socket owned by nobody: one 'ignoring' line" 1 "$(lines_matching "ignoring $SOCK: not a socket owned by root")"
  check "socket owned by nobody: required refused" "$PAM_AUTHINFO_UNAVAIL" "$(rc req "$USER1" "$PW1")"
  chown root "$SOCK"
  check "socket owned by root again: required served" "$PAM_SUCCESS" "$(rc req "$USER1" "$PW1")"

  # A daemon running as nobody, in a directory of its own.
  local dir=$WORK/nobody-run ndpid
  mkdir -p "$dir"; chown nobody "$dir"
  if DAEMON_CMD="setpriv --reuid=65534 --regid=65534 --clear-groups" DSOCK=$dir/socket daemon_start; then
    ndpid=$DPID
    chown root "$dir/socket"
    BSOCK=$dir/socket bsvc auto-nobody auto
    BSOCK=$dir/socket bsvc req-nobody required
    syslog_mark
    check "daemon as nobody: auto runs in process" "$PAM_SUCCESS" "$(rc auto-nobody "$USER1" "$PW1")"
    check "daemon as nobody: one line about its uid" 1 "$(lines_matching "ignoring the daemon at $dir/socket: it runs as uid 65534, not root")"
    check "daemon as nobody: required refused" "$PAM_AUTHINFO_UNAVAIL" "$(rc req-nobody "$USER1" "$PW1")"
    daemon_stop "$ndpid"
  fi
  DPID=${DAEMON_PIDS[0]}

  # A host that is not root does not even try (the pam.d dir, module and host are world-readable).
  chmod 755 "$WORK/pam.d"
  syslog_mark
  local r
  r=$(as_nobody "$HOST" "$WORK/pam.d" req "$USER1" "$PW1" -1 auth 2>&1 | sed -n 's/.*rc=\([0-9-]*\).*/\1/p')
  check "host as nobody, required: refused" "$PAM_AUTHINFO_UNAVAIL" "$r"
  check "host as nobody, required: one line 'serves only root hosts'" 1 "$(lines_matching 'the daemon serves only root hosts, and this one runs as uid 65534')"

  # The daemon itself refuses non-root peers, before reading a byte.
  chmod 0666 "$SOCK"
  syslog_mark
  r=$(as_nobody /usr/bin/python3 "$PROTO" login "$SOCK" "$USER1" "$PW1" "$SEED")
  check "client as nobody on a 0666 socket: EOF without any frame" "eof frames=0" "$r"
  r=$(as_nobody /usr/bin/python3 "$PROTO" login "$SOCK" "$USER1" "$PW1" "$SEED")
  check "client as nobody, again: EOF without any frame" "eof frames=0" "$r"
  check "the daemon logs 'refusing connections from uid 65534' once" 1 "$(lines_matching 'refusing connections from uid 65534')"
  chmod 0600 "$SOCK"
  check "root's protocol client is served" "rc=0" "$(python3 "$PROTO" login "$SOCK" "$USER1" "$PW1" "$SEED")"
}

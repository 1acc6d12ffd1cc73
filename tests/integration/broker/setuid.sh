# shellcheck shell=bash
# A setuid-root host (euid 0) run by nobody is served by the daemon, and the request carries the
# host's real uid: PasswordChangeFlow lets root (real uid 0, no PAM_CHANGE_EXPIRED_AUTHTOK) set a
# new password without the current one, while any other caller must prove the current one. The
# setuid host run by nobody must not get root's right through the daemon.
suid_host() { # EXPECT OP USER PASSWORD (PMN_OLD / PMN_NEW passed on): the host's "rc=" code as nobody
  (cd / && env -i PATH=/usr/bin:/bin ${PMN_OLD+PMN_OLD="$PMN_OLD"} ${PMN_NEW+PMN_NEW="$PMN_NEW"} \
    setpriv --reuid=65534 --regid=65534 --clear-groups "$SUID_DIR/pmn_pam_host" "$WORK/pam.d" req "$3" "$4" "$1" "$2" 2>&1) |
    sed -n 's/.*rc=\([0-9-]*\).*/\1/p' | head -n 1
}
stored_hash() { mdb_sql "SELECT password FROM postfix.mailbox WHERE username = '$1'"; }

broker_setuid() {
  SUID_DIR=$WORK/suid
  if findmnt -n -o OPTIONS -T "$WORK" | tr ',' '\n' | grep -qx nosuid; then
    SUID_DIR=$(mktemp -d /var/tmp/pmn-broker-suid.XXXXXX); on_exit rm -rf "$SUID_DIR"
  fi
  mkdir -p "$SUID_DIR"; chmod 755 "$SUID_DIR" "$WORK/pam.d"
  install -o root -g root -m 4755 "$HOST" "$SUID_DIR/pmn_pam_host"
  mdb_sql "GRANT UPDATE (password) ON postfix.mailbox TO 'postfix'@'127.0.0.1'"
  bsvc req required
  check "setuid host as nobody, required: right password (served by the daemon)" "$PAM_SUCCESS" \
    "$(suid_host 0 auth "$USER1" "$PW1")"
  check "setuid host as nobody, required: wrong password" "$PAM_AUTH_ERR" "$(suid_host 7 auth "$USER1" wrong)"

  mdb_add_user dave@example.test 'Dave-old1'
  local h0; h0=$(stored_hash dave@example.test)
  syslog_mark
  check "setuid host as nobody: password change with a wrong current password refused" "$PAM_AUTH_ERR" \
    "$(PMN_OLD=wrong PMN_NEW='Dave-new1' suid_host 7 chauthtok dave@example.test x)"
  check "setuid host as nobody: ... because the current password was checked (real uid 65534 is not root)" 1 \
    "$(lines_matching 'password change refused: wrong current password')"
  check "setuid host as nobody: ... the row is unchanged" "$h0" "$(stored_hash dave@example.test)"
  check "setuid host as nobody: with the right current password" "$PAM_SUCCESS" \
    "$(PMN_OLD='Dave-old1' PMN_NEW='Dave-new1' suid_host 0 chauthtok dave@example.test x)"
  check "setuid host as nobody: ... the new password logs in" "$PAM_SUCCESS" "$(suid_host 0 auth dave@example.test 'Dave-new1')"
  # The contrast: root (real uid 0) is never asked for the current one, so a wrong one is no obstacle.
  check "root host: password change with a wrong current password (root is not asked)" "$PAM_SUCCESS" \
    "$(PMN_OLD=wrong PMN_NEW='Dave-root1' rc req dave@example.test x chauthtok)"
  check "root host: ... the new password logs in" "$PAM_SUCCESS" "$(rc req dave@example.test 'Dave-root1')"
}

# L6 (empty typed passwords), L4 (password-change policy) and L1/I6 (the 512-byte password cap) of
# the security review, December 2026, through libpam with a real MariaDB. The PAM application is
# pmn_pam_host's call mode (it can pass PAM flags; DH_* from the environment).
#   L6: an empty password is refused without nullok, and with nullok when the application passes
#       PAM_DISALLOW_NULL_AUTHTOK, whatever the stored value ({PLAIN}, {CLEAR}, {PLAIN.HEX} empty,
#       MD5 hex / MD5-crypt of "").
#   L4: root skips the current password only without PAM_CHANGE_EXPIRED_AUTHTOK; an expired
#       account (status bit 0) cannot change its password (22, as pam_mysql); a new password over
#       512 bytes is refused and the row is unchanged; a wrong current password is delayed.
#   L1/I6: a login password over 512 bytes is refused with its own line, never "not a valid hash".

pw_dhost() { # pw_dhost SERVICE USER OP  (DH_* from the environment) -> the PAM code
  timeout 30 "$HOST" "$WORK/pam.d" "$1" "$2" - 0 call "$3" 2>/dev/null | sed -n 's/^rc=\([0-9-]*\).*/\1/p'
}
pw_put() { # pw_put USER STORED [STATUS]
  local s=${2//\'/\'\'}
  mdb_sql "REPLACE INTO postfix.pwbox (username, password, status) VALUES ('$1', '$s', ${3:-0})"
}
pw_stored() { mdb_sql "SELECT password FROM postfix.pwbox WHERE username = '$1'"; }

security_passwords() {
  mdb_sql "CREATE TABLE postfix.pwbox (username VARCHAR(255) NOT NULL PRIMARY KEY, password VARCHAR(1024) NULL,
           status INT NOT NULL DEFAULT 0) DEFAULT CHARSET=utf8mb4;
           GRANT SELECT, UPDATE ON postfix.pwbox TO 'postfix'@'127.0.0.1'"
  on_exit mdb_sql "DROP TABLE IF EXISTS postfix.pwbox"
  local base="user=postfix passwd=yourpass host=127.0.0.1:$MDB_PORT db=postfix table=pwbox usercolumn=username passwdcolumn=password nodelay"

  echo "# L6: empty typed passwords"
  pw_put plain-empty '{PLAIN}'; pw_put clear-empty '{CLEAR}'; pw_put hex-empty '{PLAIN.HEX}'
  pw_put md5hex-empty d41d8cd98f00b204e9800998ecf8427e           # md5sum </dev/null
  pw_put md5crypt-empty "$(openssl passwd -1 '')"
  service pw-auto "$base crypt=auto"
  service pw-auto-nullok "$base crypt=auto nullok"
  service pw-md5 "$base crypt=3"
  service pw-md5-nullok "$base crypt=3 nullok"
  service pw-crypt "$base crypt=1"
  service pw-crypt-nullok "$base crypt=1 nullok"
  local u svc
  for u in plain-empty clear-empty hex-empty md5hex-empty md5crypt-empty; do
    case $u in md5hex-empty) svc=pw-md5 ;; md5crypt-empty) svc=pw-crypt ;; *) svc=pw-auto ;; esac
    syslog_mark
    check "L6 $u ($svc): empty password without nullok" "$PAM_AUTH_ERR" "$(DH_PASS='' pw_dhost "$svc" "$u" auth)"
    check_true "L6 $u: the log says the empty password was refused (nullok is not set)" \
      grep -q 'empty password.*nullok is not set' <<<"$(syslog_since)"
    check "L6 $u ($svc nullok): empty password with PAM_DISALLOW_NULL_AUTHTOK" "$PAM_AUTH_ERR" \
      "$(DH_PASS='' DH_FLAGS=1 pw_dhost "$svc-nullok" "$u" auth)"
    check "L6 $u ($svc nullok): empty password, the application allows it" "$PAM_SUCCESS" "$(DH_PASS='' pw_dhost "$svc-nullok" "$u" auth)"
  done
  check "L6 md5crypt-empty (nullok): a non-empty password still fails" "$PAM_AUTH_ERR" "$(DH_PASS=x pw_dhost pw-crypt-nullok md5crypt-empty auth)"

  echo "# L1 / I6: the 512-byte password cap"
  local p512 p513
  p512=$(head -c 512 /dev/zero | tr '\0' p); p513=${p512}p
  # (mkpasswd and libxcrypt refuse 512 bytes and openssl passwd truncates at 256: coreutils' md5sum)
  pw_put longpw "$(printf '%s' "$p512" | md5sum | cut -d' ' -f1)"
  check "L1: a 512-byte password logs in" "$PAM_SUCCESS" "$(DH_PASS=$p512 pw_dhost pw-md5 longpw auth)"
  pw_put ypw "$(printf '%s\n' x | mkpasswd -m yescrypt -s)"
  syslog_mark
  check "L1: a 513-byte password is refused" "$PAM_AUTH_ERR" "$(DH_PASS=$p513 pw_dhost pw-crypt ypw auth)"
  check "I6: a 512-byte password against yescrypt is a wrong password" "$PAM_AUTH_ERR" "$(DH_PASS=$p512 pw_dhost pw-crypt ypw auth)"
  local lines; lines=$(syslog_since)
  check_true "L1: the log says the password is longer than 512 bytes" grep -q 'longer than 512 bytes' <<<"$lines"
  check_true "I6: no 'not a valid hash' line for long passwords" test -z "$(grep 'not a valid hash' <<<"$lines")"
  pw_put capped '$2b$15$y6z2VBs/TdJni2EaooYgdOt/lHvM1MAnsi.bgC.6oh6Tpm7qaeOHi'
  syslog_mark
  check "L1: a stored bcrypt cost over the cap is refused" "$PAM_AUTH_ERR" "$(DH_PASS=x pw_dhost pw-crypt capped auth)"
  check_true "L1: the log says it is over the cap" grep -q 'bcrypt cost 15 is over the cap of 14' <<<"$(syslog_since)"

  echo "# L4: password changes (as root)"
  local h0; h0=$(openssl passwd -1 'Old-pass1')
  service pw-change "$base crypt=1 md5=1 statcolumn=status"
  pw_put chg "$h0"
  check "L4: root without PAM_CHANGE_EXPIRED_AUTHTOK needs no current password" "$PAM_SUCCESS" \
    "$(DH_OLD='' DH_NEW='New-pass1' pw_dhost pw-change chg chauthtok)"
  pw_put chg "$h0"
  check "L4: root with PAM_CHANGE_EXPIRED_AUTHTOK and a wrong current password" "$PAM_AUTH_ERR" \
    "$(DH_FLAGS=32 DH_OLD='wrong' DH_NEW='New-pass1' pw_dhost pw-change chg chauthtok)"
  check "L4: ... the row is unchanged" "$h0" "$(pw_stored chg)"
  check "L4: root with PAM_CHANGE_EXPIRED_AUTHTOK and the current password" "$PAM_SUCCESS" \
    "$(DH_FLAGS=32 DH_OLD='Old-pass1' DH_NEW='New-pass1' pw_dhost pw-change chg chauthtok)"
  check "L4: ... the new password logs in" "$PAM_SUCCESS" "$(DH_PASS='New-pass1' pw_dhost pw-change chg auth)"
  pw_put chg "$h0" 1
  check "L4: an expired account (status 1) cannot change its password (pam_mysql's 22)" "22" \
    "$(DH_NEW='New-pass1' pw_dhost pw-change chg chauthtok)"
  check "L4: ... the row is unchanged" "$h0" "$(pw_stored chg)"
  pw_put chg "$h0" 2
  check "L4: an expired password (status 2) can be changed" "$PAM_SUCCESS" "$(DH_NEW='New-pass1' pw_dhost pw-change chg chauthtok)"
  pw_put chg "$h0"
  syslog_mark
  check "L4: a new password over 512 bytes is refused" "20" "$(DH_NEW=$p513 pw_dhost pw-change chg chauthtok)"
  check "L4: ... the row is unchanged" "$h0" "$(pw_stored chg)"
  check_true "L4: the log says the new password is too long" grep -q 'new password .* is longer than 512 bytes' <<<"$(syslog_since)"
  check "L4: a 512-byte new password is taken" "$PAM_SUCCESS" "$(DH_NEW=$p512 pw_dhost pw-change chg chauthtok)"
  check "L4: ... and logs in" "$PAM_SUCCESS" "$(DH_PASS=$p512 pw_dhost pw-change chg auth)"
  # The fail delay: without nodelay, a wrong current password costs libpam's delay (2 s, randomised
  # by libpam to 50-150 %); a right one does not.
  service pw-change-delay "${base% nodelay} crypt=1 md5=1"
  pw_put chg "$h0"
  local t0 t1 ms
  t0=$(date +%s%N); DH_FLAGS=32 DH_OLD=wrong DH_NEW='New-pass1' pw_dhost pw-change-delay chg chauthtok >/dev/null; t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000000 ))
  check_true "L4: a wrong current password is delayed (${ms} ms, want >= 900)" test "$ms" -ge 900
}

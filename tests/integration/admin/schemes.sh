# shellcheck shell=bash
# default_scheme and weak_schemes through the module; every stored value is made here by an
# independent tool (doveadm pw, openssl passwd, MariaDB's MD5()/SHA2()).
admin_schemes() {
  local auto="$SEED broker=off crypt=auto" stored
  # ViMbAdmin: doveadm pw output with the {SCHEME} prefix removed.
  mdb_set_password vimb@example.test "$(doveadm pw -s SSHA512 -p 'V1mb-pass!' | sed 's/^{SSHA512}//')"
  mdb_set_password vimbc@example.test "$(doveadm pw -s SHA512-CRYPT -p 'V1mb-crypt!' | sed 's/^{SHA512-CRYPT}//')"
  service vimb "$auto default_scheme=SSHA512"
  check "default_scheme=SSHA512: a bare doveadm SSHA512 value is read" $PAM_SUCCESS "$(rc vimb vimb@example.test 'V1mb-pass!')"
  check "... a wrong password is refused" $PAM_AUTH_ERR "$(rc vimb vimb@example.test 'wrong')"
  service vimbc "$auto default_scheme=SHA512-CRYPT"
  check "default_scheme=SHA512-CRYPT: a bare doveadm SHA512-CRYPT value is read" $PAM_SUCCESS "$(rc vimbc vimbc@example.test 'V1mb-crypt!')"
  service noscheme "$auto"
  check "without default_scheme the bare SSHA512 value is no shape crypt=auto knows" $PAM_AUTH_ERR "$(rc noscheme vimb@example.test 'V1mb-pass!')"

  # PostfixAdmin 3.x raw cleartext beside 4.x {CLEARTEXT} in one table.
  mdb_set_password pfa3@example.test 'Old-cl3ar'
  mdb_set_password pfa4@example.test '{CLEARTEXT}New-cl3ar'
  mdb_set_password pfa4c@example.test "$(doveadm pw -s SHA512-CRYPT -p 'Hashed-4')"
  service pfa "$auto default_scheme=PLAIN"
  check "default_scheme=PLAIN: raw cleartext (PostfixAdmin 3.x)" $PAM_SUCCESS "$(rc pfa pfa3@example.test 'Old-cl3ar')"
  check "default_scheme=PLAIN: {CLEARTEXT} (PostfixAdmin 4.x)" $PAM_SUCCESS "$(rc pfa pfa4@example.test 'New-cl3ar')"
  check "default_scheme=PLAIN: a {SHA512-CRYPT} row keeps its prefix" $PAM_SUCCESS "$(rc pfa pfa4c@example.test 'Hashed-4')"
  check "default_scheme=PLAIN: the stored text itself is not the password of a hashed row" $PAM_AUTH_ERR \
    "$(rc pfa pfa4c@example.test "$(mdb_sql "SELECT password FROM postfix.mailbox WHERE username = 'pfa4c@example.test'")")"

  service badcombo "$SEED broker=off crypt=1 default_scheme=PLAIN"
  syslog_mark
  check "default_scheme with crypt=1 is a configuration error" $PAM_SERVICE_ERR "$(rc badcombo alice@example.test 'S3cret!')"
  check "... logged as such" 1 "$(syslog_since | grep -c 'default_scheme=PLAIN needs crypt=auto')"

  # A password change keeps the table readable: the new crypt hash gets {CRYPT} under default_scheme=PLAIN.
  mdb_sql "GRANT UPDATE ON postfix.mailbox TO 'postfix'@'127.0.0.1'"
  PMN_NEW='Fresh-pass-9' "$HOST" "$WORK/pam.d" pfa pfa3@example.test 'Old-cl3ar' -1 chauthtok >/dev/null 2>&1
  stored=$(mdb_sql "SELECT password FROM postfix.mailbox WHERE username = 'pfa3@example.test'")
  check "a password change under default_scheme=PLAIN writes {CRYPT}\$1\$... (md5=1 in the seed)" "{CRYPT}\$1\$" "${stored:0:10}"
  check "... and the new password logs in" $PAM_SUCCESS "$(rc pfa pfa3@example.test 'Fresh-pass-9')"
  check "... the stored text is not a password" $PAM_AUTH_ERR "$(rc pfa pfa3@example.test "$stored")"

  # weak_schemes: MariaDB's own MD5() and SHA2(), openssl's md5crypt and sha512crypt.
  mdb_sql "REPLACE INTO postfix.mailbox (username, password) VALUES
             ('md5@example.test', MD5('Weak-md5!')), ('sha@example.test', SHA2('Weak-sha!', 512))"
  mdb_set_password md5c@example.test "$(openssl passwd -1 'Weak-crypt!')"
  mdb_set_password strong@example.test "$(openssl passwd -6 'Str0ng-pass!')"
  service refuse "$auto weak_schemes=refuse"
  service allow "$auto"
  syslog_mark
  check "weak_schemes=refuse: the right password on an MD5() row is refused as a wrong one" $PAM_AUTH_ERR "$(rc refuse md5@example.test 'Weak-md5!')"
  local log
  log=$(syslog_since)
  check "... with one line naming the user and the scheme" 1 \
    "$(grep -c 'authentication refused: the stored password of user "md5@example.test" uses the weak scheme md5-hex (weak_schemes=refuse)' <<<"$log")"
  check "... and neither the hash nor the password in the log" 0 \
    "$(grep -c -e "$(mdb_sql "SELECT MD5('Weak-md5!')")" -e 'Weak-md5' <<<"$log")"
  check "weak_schemes=refuse: SHA2(..., 512) hex is weak too" $PAM_AUTH_ERR "$(rc refuse sha@example.test 'Weak-sha!')"
  check "weak_schemes=refuse: md5crypt (\$1\$) is weak" $PAM_AUTH_ERR "$(rc refuse md5c@example.test 'Weak-crypt!')"
  check "weak_schemes=refuse: sha512crypt is let in" $PAM_SUCCESS "$(rc refuse strong@example.test 'Str0ng-pass!')"
  # The answers that tell a client something are those of weak_schemes=allow: a wrong password and
  # an unknown user get the same codes with the option as without it.
  check "wrong password on a weak row: the code of weak_schemes=allow" "$(rc allow md5@example.test 'nope')" "$(rc refuse md5@example.test 'nope')"
  check "unknown user: the code of weak_schemes=allow" "$(rc allow ghost@example.test 'nope')" "$(rc refuse ghost@example.test 'nope')"
  check "weak_schemes=allow lets the MD5() row in (as pam_mysql)" $PAM_SUCCESS "$(rc allow md5@example.test 'Weak-md5!')"
  service warn "$auto weak_schemes=log"
  syslog_mark
  check "weak_schemes=log lets the MD5() row in" $PAM_SUCCESS "$(rc warn md5@example.test 'Weak-md5!')"
  check "... and says so in one line" 1 "$(syslog_since | grep -c 'authenticated user "md5@example.test", whose stored password uses the weak scheme md5-hex (weak_schemes=log)')"
  service refusefile "$SEED broker=off crypt=auto config_file=$WORK/weak.conf"
  printf 'users.weak_schemes = refuse\nusers.default_scheme = PLAIN\n' >"$WORK/weak.conf"
  chmod 600 "$WORK/weak.conf"
  check "the config-file keys users.weak_schemes and users.default_scheme: a raw cleartext row is weak and refused" \
    $PAM_AUTH_ERR "$(rc refusefile pfa4@example.test 'New-cl3ar')"
  check "pam-mysql-net check --user names the weak scheme" 1 \
    "$("$CLI" check --service refuse --pam-dir "$WORK/pam.d" --user md5@example.test 2>/dev/null | grep -c 'stored password scheme: md5-hex (weak: md5-hex; weak_schemes=refuse)')"
  check "pam-mysql-net check prints default_scheme and weak_schemes" 1 \
    "$("$CLI" check --service pfa --pam-dir "$WORK/pam.d" 2>/dev/null | grep -c '^  stored values: without a prefix read as {PLAIN}; weak schemes: allow$')"
}

# shellcheck shell=bash
# App passwords (max_rows): PostfixAdmin's mailbox + mailbox_app_password through a select= with a
# UNION, hashes made by mkpasswd and openssl. Any row may match, every route; without the option two
# rows are PAM_SERVICE_ERR; more than max_rows too; a malformed row blocks nothing; statcolumn is read
# from every row; a password change with several rows is refused and writes nothing.
admin_apppw() {
  local PAM_AUTHTOK_ERR=20
  mdb_sql "CREATE TABLE postfix.mailbox_app_password (
             id INT AUTO_INCREMENT PRIMARY KEY,
             username VARCHAR(255) NOT NULL,
             description VARCHAR(255) NOT NULL DEFAULT '',
             password_hash VARCHAR(255) NOT NULL,
             INDEX (username));
           GRANT SELECT ON postfix.mailbox_app_password TO 'postfix'@'127.0.0.1'"
  local main app1 app2 app3
  main=$(mkpasswd -m sha512crypt 'B0b-main!') && app1=$(openssl passwd -6 'app-one-1') \
    && app2=$(mkpasswd -m sha256crypt 'app-two-2') && app3=$(openssl passwd -1 'app-three-3') \
    || { check "setup: mkpasswd and openssl make the hashes" ok failed; return; }
  mdb_set_password bob@example.test "$main"
  app() { mdb_sql "INSERT INTO postfix.mailbox_app_password (username, description, password_hash) VALUES ('bob@example.test', '$1', '${2//\'/\'\'}')"; }
  app thunderbird "$app1"
  app phone "$app2"
  local select="[select=SELECT password FROM mailbox WHERE username = %u AND active = 1 UNION ALL SELECT a.password_hash FROM mailbox_app_password a JOIN mailbox m ON m.username = a.username WHERE a.username = %u AND m.active = 1]"
  lines() { syslog_since | grep -c -- "$1"; }

  local sock=$WORK/apppw-daemon.sock route prefix args
  admin_daemon "$sock"
  for route in process helper daemon; do
    admin_route "$route" "$sock"
    rr() { $prefix "$HOST" "$WORK/pam.d" "$1" "$2" "$3" -1 auth 2>&1 | sed -n 's/.*rc=\([0-9-]*\).*/\1/p' | head -n 1; }
    service "apppw-$route" "$SEED $args max_rows=3 $select"
    check "$route: the main password (3 rows, max_rows=3)" $PAM_SUCCESS "$(rr "apppw-$route" bob@example.test 'B0b-main!')"
    check "$route: the first app password" $PAM_SUCCESS "$(rr "apppw-$route" bob@example.test 'app-one-1')"
    check "$route: the second app password" $PAM_SUCCESS "$(rr "apppw-$route" bob@example.test 'app-two-2')"
    check "$route: a wrong password" $PAM_AUTH_ERR "$(rr "apppw-$route" bob@example.test 'app-one-2')"
    check "$route: a user without app passwords (one row)" $PAM_SUCCESS "$(rr "apppw-$route" alice@example.test 'S3cret!')"
    check "$route: an unknown user" $PAM_USER_UNKNOWN "$(rr "apppw-$route" nobody@example.test 'B0b-main!')"
  done

  echo "# without max_rows two rows stay an error"
  service apppw-off "$SEED broker=off $select"
  syslog_mark
  check "without max_rows: the main password of a user with app passwords" $PAM_SERVICE_ERR "$(rc apppw-off bob@example.test 'B0b-main!')"
  check "... an app password" $PAM_SERVICE_ERR "$(rc apppw-off bob@example.test 'app-one-1')"
  check "... one line each: more than one row" 2 "$(lines 'the query returned more than one row for user "bob@example.test"')"
  check "... a user with one row still logs in" $PAM_SUCCESS "$(rc apppw-off alice@example.test 'S3cret!')"
  # Exactly two rows: one app password.
  mdb_set_password dave@example.test "$(mkpasswd -m sha512crypt 'D4ve-main!')"
  mdb_sql "INSERT INTO postfix.mailbox_app_password (username, password_hash) VALUES ('dave@example.test', '$(openssl passwd -6 'dave-app-1')')"
  check "without max_rows: two rows (one app password) are refused" $PAM_SERVICE_ERR "$(rc apppw-off dave@example.test 'D4ve-main!')"
  service apppw2 "$SEED broker=off max_rows=2 $select"
  check "max_rows=2: the main password of a user with two rows" $PAM_SUCCESS "$(rc apppw2 dave@example.test 'D4ve-main!')"
  check "max_rows=2: its app password" $PAM_SUCCESS "$(rc apppw2 dave@example.test 'dave-app-1')"
  check "max_rows=2: three rows are refused" $PAM_SERVICE_ERR "$(rc apppw2 bob@example.test 'B0b-main!')"

  echo "# more than max_rows"
  app laptop "$app3"
  service apppw "$SEED broker=off max_rows=3 $select"
  syslog_mark
  check "4 rows, max_rows=3: the main password is refused" $PAM_SERVICE_ERR "$(rc apppw bob@example.test 'B0b-main!')"
  check "... the new app password too" $PAM_SERVICE_ERR "$(rc apppw bob@example.test 'app-three-3')"
  check "... one line each, naming the limit" 2 "$(lines 'authentication failure: the query returned more than max_rows=3 rows for user "bob@example.test"; max_rows is the most')"
  service apppw4 "$SEED broker=off max_rows=4 $select"
  check "max_rows=4: the fourth row (an MD5-crypt app password) works" $PAM_SUCCESS "$(rc apppw4 bob@example.test 'app-three-3')"
  check "max_rows=4: the main password works" $PAM_SUCCESS "$(rc apppw4 bob@example.test 'B0b-main!')"

  echo "# a malformed app password row blocks no other row"
  mdb_sql "DELETE FROM postfix.mailbox_app_password WHERE description = 'laptop'"
  app broken '$6$rounds=12$not a hash'
  syslog_mark
  check "the main password with a malformed app password row" $PAM_SUCCESS "$(rc apppw4 bob@example.test 'B0b-main!')"
  check "an app password with it" $PAM_SUCCESS "$(rc apppw4 bob@example.test 'app-two-2')"
  check "a wrong password with it" $PAM_AUTH_ERR "$(rc apppw4 bob@example.test 'nope')"
  check "one line per login names the row's position" 3 "$(lines 'stored value 4 of the 4 of user "bob@example.test" cannot be checked')"
  check_true "no password or hash in the log" bash -c '! grep -qF -e "B0b-main!" -e "app-two-2" -e "not a hash" -e "\$6\$" <<<"$1"' _ "$(syslog_since)"
  mdb_sql "DELETE FROM postfix.mailbox_app_password WHERE description = 'broken'"

  echo "# account management: the status of every row"
  local stat="[select=SELECT password, IF(active = 0, 1, 0) FROM mailbox WHERE username = %u UNION ALL SELECT a.password_hash, IF(m.active = 0, 1, 0) | IF(a.description = 'expired', 2, 0) FROM mailbox_app_password a JOIN mailbox m ON m.username = a.username WHERE a.username = %u]"
  service apppw-stat "$SEED broker=off max_rows=3 statcolumn=1 $stat"
  check "acct_mgmt with 3 rows in good standing" $PAM_SUCCESS "$(rc apppw-stat bob@example.test 'app-one-1' acct)"
  mdb_sql "UPDATE postfix.mailbox_app_password SET description = 'expired' WHERE description = 'phone'"
  check "one row's bit 1: the most restrictive wins (PAM_NEW_AUTHTOK_REQD)" $PAM_NEW_AUTHTOK_REQD "$(rc apppw-stat bob@example.test 'app-one-1' acct)"
  mdb_sql "UPDATE postfix.mailbox SET active = 0 WHERE username = 'bob@example.test'"
  check "the mailbox inactive: PAM_ACCT_EXPIRED" $PAM_ACCT_EXPIRED "$(rc apppw-stat bob@example.test 'app-one-1' acct)"
  mdb_sql "UPDATE postfix.mailbox SET active = 1 WHERE username = 'bob@example.test';
           UPDATE postfix.mailbox_app_password SET description = 'phone' WHERE description = 'expired'"

  echo "# a password change needs exactly one row"
  mdb_sql "GRANT UPDATE (password) ON postfix.mailbox TO 'postfix'@'127.0.0.1'"
  syslog_mark
  check "chauthtok (as root) with app passwords: PAM_AUTHTOK_ERR" $PAM_AUTHTOK_ERR \
    "$(PMN_NEW='N3w-pass!' PMN_RETYPE='N3w-pass!' rc apppw bob@example.test x chauthtok)"
  check "... one line" 1 "$(lines 'password change refused: user "bob@example.test" has 3 stored passwords (max_rows=3, app passwords)')"
  check "... the main password is unchanged" "$main" "$(mdb_sql "SELECT password FROM postfix.mailbox WHERE username = 'bob@example.test'")"
  check "... and still works" $PAM_SUCCESS "$(rc apppw bob@example.test 'B0b-main!')"
  mdb_add_user carol@example.test 'C4rol-old!'
  check "a user without app passwords changes it (max_rows=3)" $PAM_SUCCESS \
    "$(PMN_NEW='C4rol-new!' PMN_RETYPE='C4rol-new!' rc apppw carol@example.test x chauthtok)"
  check "... and logs in with the new one" $PAM_SUCCESS "$(rc apppw carol@example.test 'C4rol-new!')"

  echo "# pam-mysql-net check"
  "$CLI" check --service apppw --pam-dir "$WORK/pam.d" --user bob@example.test >"$WORK/apppw-check.out" 2>&1
  check_true "check names the limit" grep -qF 'rows per user: up to max_rows=3' "$WORK/apppw-check.out"
  check_true "check --user: 3 stored passwords, every scheme" grep -qE "user 'bob@example.test': found; 3 stored passwords \(max_rows=3\), schemes: .*, .*, " "$WORK/apppw-check.out"
  check_true "check prints no hash" bash -c '! grep -qF "\$6\$" "$1"' _ "$WORK/apppw-check.out"
}

#!/usr/bin/env bash
# Every reference vector (tests/data/vectors: made by mkpasswd, openssl, htpasswd, doveadm, PHP,
# argon2, MariaDB...) through the built admin CLI and through the real module:
#  1. `out/pam-mysql-net verify` matches every row of vectors.tsv and extra.tsv in the pam_mysql
#     crypt mode that names its format and in crypt=auto, and matches no row of negatives.tsv in
#     any of those modes (exit 1 or 2; a crash, exit >= 128, is a failure).
#  2. A throwaway MariaDB holds one user per row (user name = row id, password column = hash);
#     out/pmn_pam_host authenticates each through libpam and pam_mysql_net.so with a crypt=1
#     service (crypt(3) rows), a crypt=auto service (all rows) and the row's pam_mysql mode
#     (mysql, hex digests, drupal, joomla, ssha); the right password gives PAM_SUCCESS and a wrong
#     one PAM_AUTH_ERR.
#   bash tests/integration/hashes.sh        (after cmake --build out; as root)
# Only failures are printed one by one; each section ends with its counts.
set -u
export LC_ALL=C   # passwords are bytes, not characters
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$REPO/tests/lib/syslog.sh"
syslog_private_namespace "$0" "$@"
source "$REPO/tests/lib/pam_suite.sh"   # check.sh, harness.sh, mariadb.sh, pam_suite_stop, PAM_*

VECTORS=$REPO/tests/data/vectors
harness_begin hashes pam_suite_stop

# Counted silently; only a failure prints a line.
pass() { CHECK_PASSED=$((CHECK_PASSED + 1)); }
fail() { CHECK_FAILED=$((CHECK_FAILED + 1)); echo "FAIL - $*"; }

# modes SCHEME: the "MODE[+323][:VARIANT]" entries a row is checked in, as in the unit tests
# (tests/PamMySqlNet.Tests/Hashing/VectorFile.cs). VARIANT "upper" = hash in upper case,
# "bare" = hash without its {SSHA} prefix (pam_mysql crypt=7 stores bare base64).
modes() {
  case $1 in
    md5crypt|sha256crypt|sha256crypt-rounds|sha512crypt|sha512crypt-rounds|bcrypt-2a|bcrypt-2b|bcrypt-2y|\
    yescrypt|gost-yescrypt|scrypt|descrypt|bsdicrypt|sunmd5|nt|\
    sha512crypt-empty-salt|sha256crypt-empty-salt|yescrypt-params|gost-yescrypt-params) echo "1 auto" ;;
    mysql41) echo "2 2+323 auto" ;;
    mysql323) echo "2+323 auto+323" ;;           # without use_323_passwd a 16-hex value is not read
    md5-hex) echo "3 3:upper auto" ;;
    sha1-hex) echo "4 auto" ;;
    sha256-hex) echo "9 auto" ;;
    sha512-hex) echo "8 8:upper auto" ;;
    drupal7|phpass) echo "5 auto" ;;
    joomla15) echo "6 auto" ;;
    ldap-ssha|dovecot-SSHA) echo "7:bare auto" ;;
    malformed) local m; for m in 0 1 2 3 4 5 6 7 8 9 auto; do printf '%s %s+323 ' "$m" "$m"; done; echo ;;
    *) echo "auto" ;;
  esac
}

variant() { # variant NAME HASH
  case $1 in
    upper) printf '%s' "${2^^}" ;;
    bare) printf '%s' "${2#\{SSHA\}}" ;;
    *) printf '%s' "$2" ;;
  esac
}

# rows FILE: id, scheme, password_b64, hash, separated by US (0x1f): with a tab as IFS, read
# would merge the empty password field of an empty-password row into its neighbours.
rows() { awk -F'\t' 'NR > 1 && $1 != "" { print $1 "\037" $2 "\037" $3 "\037" $4 }' "$1"; }

# ---------------------------------------------------------------------------------------------
echo "# 1. the CLI: pam-mysql-net verify"
[ -x "$CLI" ] || harness_fatal "no $CLI (build first)"
PWFILE=$WORK/pw
cli_section() { # cli_section FILE EXPECT(match|nomatch)
  local file=$1 expect=$2 id scheme b64 hash entry mode extra rc p0=$CHECK_PASSED f0=$CHECK_FAILED
  while IFS=$'\037' read -r id scheme b64 hash; do
    base64 -d <<<"$b64" >"$PWFILE"
    for entry in $(modes "$scheme"); do
      mode=${entry%%:*}; extra=()
      [[ $mode == *+323 ]] && { extra=(--use-323-passwd); mode=${mode%+323}; }
      "$CLI" verify --crypt "$mode" "${extra[@]}" -- "$(variant "${entry#*:}" "$hash")" <"$PWFILE" >/dev/null 2>"$WORK/err"
      rc=$?
      if [ "$expect" = match ]; then
        if [ $rc -eq 0 ]; then pass; else fail "cli $id $scheme crypt=$entry: exit $rc, expected 0 $(head -c 200 "$WORK/err")"; fi
      elif [ $rc -eq 1 ] || [ $rc -eq 2 ]; then pass
      else fail "cli $id $scheme crypt=$entry: exit $rc, expected 1 or 2 (no match)"; fi
    done
  done < <(rows "$file")
  check_note "$(basename "$file"): $((CHECK_PASSED - p0)) passed, $((CHECK_FAILED - f0)) failed"
}
cli_section "$VECTORS/vectors.tsv" match
cli_section "$VECTORS/extra.tsv" match
cli_section "$VECTORS/formats.tsv" match
cli_section "$VECTORS/negatives.tsv" nomatch

# ---------------------------------------------------------------------------------------------
echo "# 2. the module through libpam: one user per vector row"
mkdir -p "$WORK/pam.d"
echo "auth required pam_deny.so" >"$WORK/pam.d/other"
syslog_start "$WORK/syslog"
mdb_start "$WORK/db" || harness_fatal "MariaDB did not start"
mdb_sql "CREATE DATABASE vec;
         CREATE TABLE vec.users (name VARCHAR(64) NOT NULL PRIMARY KEY, pw TEXT NULL)
           DEFAULT CHARSET=utf8mb4 COLLATE utf8mb4_bin;
         CREATE USER 'pmn'@'127.0.0.1' IDENTIFIED BY 'vecpass';
         GRANT SELECT ON vec.* TO 'pmn'@'127.0.0.1';"

# Made now by this MariaDB: PostfixAdmin 3.x mysql_encrypt's ENCRYPT(pw, CONCAT('$6$', '$6$<salt>')),
# whose salt crypt(3) reads as empty ("$6$$…"), and ENCRYPT with a $5$ and a DES salt.
FRESH=$WORK/fresh.tsv
printf 'id\tscheme\tpassword_b64\thash\n' >"$FRESH"
i=0
for pw in test123 "pässwörd 密码" "$(head -c 30 /dev/urandom | base64 -w0 | tr -d '/+=')"; do
  for salt in "CONCAT('\$6\$', '\$6\$$(head -c 9 /dev/urandom | base64 -w0 | tr '+' '.')')" "'\$5\$\$'" "'ab'"; do
    i=$((i + 1))
    h=$(mdb_sql "SELECT ENCRYPT(CONVERT(X'$(printf '%s' "$pw" | od -An -v -tx1 | tr -d ' \n')' USING utf8mb4), $salt)")
    case $salt in *6*) scheme=sha512crypt-empty-salt ;; *5*) scheme=sha256crypt-empty-salt ;; *) scheme=descrypt ;; esac
    printf 'm%04d\t%s\t%s\t%s\n' "$i" "$scheme" "$(printf '%s' "$pw" | base64 -w0)" "$h" >>"$FRESH"
  done
done
check "MariaDB ENCRYPT() wrote \$6\$\$ values" 3 "$(grep -c $'\t\\$6\\$\\$' "$FRESH")"
cli_section "$FRESH" match

# The table: user <id> (or <id>~<variant>) -> hash, sent as hex so that no byte needs quoting.
hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
{
  for file in "$VECTORS/vectors.tsv" "$VECTORS/extra.tsv" "$VECTORS/formats.tsv" "$FRESH"; do
    while IFS=$'\037' read -r id scheme _ hash; do
      for entry in $(modes "$scheme"); do
        v=${entry#*:}; [ "$v" = "$entry" ] && v=; user=$id${v:+~$v}
        echo "INSERT IGNORE INTO vec.users VALUES ('$user', CONVERT(X'$(hex "$(variant "$v" "$hash")")' USING utf8mb4));"
      done
    done < <(rows "$file")
  done
} >"$WORK/users.sql"
mdb_sql "source $WORK/users.sql"
check_note "$(mdb_sql 'SELECT COUNT(*) FROM vec.users') users loaded"

# nodelay: hundreds of refused logins here; the 2 s failure delay is checked in module.sh
BASE="user=pmn passwd=vecpass host=127.0.0.1:$MDB_PORT db=vec table=users usercolumn=name passwdcolumn=pw nodelay"
for m in 1 2 3 4 5 6 7 8 9 auto; do
  echo "auth required $MODULE $BASE crypt=$m" >"$WORK/pam.d/m$m"
  echo "auth required $MODULE $BASE crypt=$m use_323_passwd=1" >"$WORK/pam.d/m$m+323"
  # An empty password is refused without nullok whatever is stored (security review L6).
  echo "auth required $MODULE $BASE crypt=$m nullok" >"$WORK/pam.d/m$m-nullok"
  echo "auth required $MODULE $BASE crypt=$m use_323_passwd=1 nullok" >"$WORK/pam.d/m$m+323-nullok"
done

# rc SERVICE USER PASSWORD (tests/lib/pam_suite.sh): the PAM code pam_authenticate returned

# A wrong password that differs from the right one in its first byte's low 7 bits (descrypt reads
# 7 bits of 8 bytes, bcrypt 72 bytes, OLD_PASSWORD() skips spaces: appending would not do).
wrong_password() {
  local first=${1:0:1}
  if [ -z "$1" ]; then printf a
  elif [ "$first" = a ] || [ "$(printf '%d' "'$first" 2>/dev/null)" = 225 ]; then printf 'b%s' "${1:1}"
  else printf 'a%s' "${1:1}"; fi
}

module_section() { # module_section FILE
  local file=$1 id scheme b64 hash entry mode v user pw bad got p0=$CHECK_PASSED f0=$CHECK_FAILED
  while IFS=$'\037' read -r id scheme b64 hash; do
    # The exact bytes, trailing newlines included (a command substitution would strip them).
    pw=$(base64 -d <<<"$b64"; printf x); pw=${pw%x}
    bad=$(wrong_password "$pw"; printf x); bad=${bad%x}
    for entry in $(modes "$scheme"); do
      mode=${entry%%:*}; v=${entry#*:}; [ "$v" = "$entry" ] && v=; user=$id${v:+~$v}
      if [ -z "$pw" ]; then
        got=$(rc "m$mode" "$user" "$pw")
        if [ "$got" = "$PAM_AUTH_ERR" ]; then pass; else fail "module $user $scheme crypt=$mode: the empty password without nullok gave rc=$got"; fi
        got=$(rc "m$mode-nullok" "$user" "$pw")
      else
        got=$(rc "m$mode" "$user" "$pw")
      fi
      if [ "$got" = "$PAM_SUCCESS" ]; then pass; else fail "module $user $scheme crypt=$mode: right password gave rc=$got"; fi
      got=$(rc "m$mode" "$user" "$bad")
      if [ "$got" = "$PAM_AUTH_ERR" ]; then pass; else fail "module $user $scheme crypt=$mode: wrong password gave rc=$got"; fi
    done
  done < <(rows "$file")
  check_note "$(basename "$file") through the module: $((CHECK_PASSED - p0)) passed, $((CHECK_FAILED - f0)) failed"
}
start=$SECONDS
module_section "$VECTORS/vectors.tsv"
module_section "$VECTORS/extra.tsv"
module_section "$VECTORS/formats.tsv"
module_section "$FRESH"
check_note "module section took $((SECONDS - start)) s"

# {DIGEST-MD5} hashes the login name in (PostfixAdmin's dovecot:DIGEST-MD5): made now by doveadm
# for each name; the module checks it with the PAM user name, the CLI with --user.
if command -v doveadm >/dev/null; then
  for u in dm1@example.test dm2 dm3@sub@example.test; do
    h=$(doveadm pw -s DIGEST-MD5 -u "$u" -p "pw-$u")
    mdb_sql "INSERT INTO vec.users VALUES ('$u', '$h')"
    check "DIGEST-MD5 $u: right password" $PAM_SUCCESS "$(rc mauto "$u" "pw-$u")"
    check "DIGEST-MD5 $u: wrong password" $PAM_AUTH_ERR "$(rc mauto "$u" "pw-x$u")"
    printf '%s' "pw-$u" | "$CLI" verify --user "$u" -- "$h" >/dev/null
    check "DIGEST-MD5 $u: cli verify --user" 0 $?
    printf '%s' "pw-$u" | "$CLI" verify --user "x$u" -- "$h" >/dev/null
    check "DIGEST-MD5 $u: cli verify --user with another name" 1 $?
  done
else
  fail "doveadm is not installed (apt-get install -y dovecot-core)"
fi

# Every failure above was logged; none of the logged lines may carry a password or a hash.
leaks=0
while IFS=$'\037' read -r _ _ _ hash; do
  [ ${#hash} -ge 13 ] && grep -qF -- "$hash" "$WORK/syslog" && leaks=$((leaks + 1))
done < <(cat <(rows "$VECTORS/vectors.tsv") <(rows "$VECTORS/formats.tsv"))
check "no stored hash appears in the module's log lines" 0 "$leaks"
check_true "the module logged the wrong passwords" grep -q 'wrong password for user' "$WORK/syslog"

harness_end

#!/usr/bin/env bash
# Differential suite: the same matrix of cases through Debian's C pam_mysql.so (libpam-mysql 0.8.2)
# and through ours (out/pam_mysql_net.so), against the same throwaway MariaDB, through real libpam.
# Every case asserts the PAM code of both modules (and, where the case changes the database, the
# rows both leave behind). A case where the two differ on purpose is marked "[D-xxx]" and asserts
# what each module does; D-xxx is its entry in tests/integration/differential/DIFFERENCES.md
# ([OPEN-xxx]: a difference we would rather not have, asserted as it is until it is fixed).
#
#   bash tests/integration/differential.sh        (as root, after cmake --build out)
# Env: PMN_MODULE (our module, default out/pam_mysql_net.so), PMN_KEEP=1 keeps the temp dir.
# Output: "ok - ..." / "FAIL - ..." lines; "# ..." notes; last line "N passed, N failed".
# Check names read "... : pam_mysql ours"; a FAIL shows "(expected T O, got T O)".
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$REPO/tests/lib/syslog.sh"
syslog_private_namespace "$0" "$@"
source "$REPO/tests/lib/check.sh"
source "$REPO/tests/lib/pkg.sh"
source "$REPO/tests/lib/harness.sh"
source "$REPO/tests/lib/mariadb.sh"

THEIRS=/lib/x86_64-linux-gnu/security/pam_mysql.so

PAM_SUCCESS=0 PAM_SERVICE_ERR=3 PAM_PERM_DENIED=6 PAM_AUTH_ERR=7 PAM_AUTHINFO_UNAVAIL=9
PAM_USER_UNKNOWN=10 PAM_NEW_AUTHTOK_REQD=12 PAM_ACCT_EXPIRED=13 PAM_AUTHTOK_ERR=20
PAM_AUTHTOK_RECOVERY_ERR=21 PAM_AUTHTOK_LOCK_BUSY=22 PAM_AUTHTOK_EXPIRED=27

stop_all() {
  mdb_stop
  syslog_stop
}

harness_begin differential stop_all
if ! dpkg-query -W -f='${Status}' libpam-mysql 2>/dev/null | grep -q "install ok installed"; then
  echo "# installing libpam-mysql"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q libpam-mysql >/dev/null 2>&1 ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libpam-mysql >/dev/null; } ||
    harness_fatal "could not install libpam-mysql"
fi
pkg_need mariadbd mariadb-server
pkg_need mkpasswd whois
pkg_need setpriv util-linux
pkg_need cc gcc
pkg_install_needed || harness_fatal "could not install prerequisites"
[ -f "$THEIRS" ] || harness_fatal "$THEIRS not found"

# The PAM host's call mode (tests/hosts/pmn_pam_host.c), copied where nobody may run it.
DHOST=$WORK/pamhost
cp "$HOST" "$DHOST" && chmod 755 "$DHOST" || harness_fatal "cannot copy $HOST"
mkdir -p "$WORK/pam.d"
chmod 755 "$WORK" "$WORK/pam.d"
syslog_start "$WORK/syslog"
{ mdb_start "$WORK/db" && mdb_seed_mailbox; } || harness_fatal "MariaDB did not start"
check_note "pam_mysql: $THEIRS ($(dpkg-query -W -f='${Version}' libpam-mysql)); ours: $PMN_MODULE"

# --- database ---------------------------------------------------------------------------------
# postfix.mailbox (seeded by mariadb.sh) plus: a status column, a domain table for JOINs, a table
# without a unique key, a second copy for update_table, and pam_mysql's own example log table
# (examples/log.sql upstream: every column NOT NULL).
mdb_sql "
  ALTER TABLE postfix.mailbox ADD COLUMN status VARCHAR(16) NULL DEFAULT '0';
  CREATE TABLE postfix.domain (domain VARCHAR(255) PRIMARY KEY, active TINYINT NOT NULL DEFAULT 1);
  INSERT INTO postfix.domain VALUES ('example.test', 1), ('closed.test', 0);
  CREATE TABLE postfix.dup (name VARCHAR(64) NOT NULL, pw VARCHAR(255) NULL);
  CREATE TABLE postfix.readcopy LIKE postfix.mailbox;
  CREATE TABLE postfix.log (
    time timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp(),
    user varchar(50) NOT NULL, pid mediumint(9) NOT NULL, host varchar(100) NOT NULL,
    rhost tinytext NOT NULL, message tinytext NOT NULL);
  GRANT SELECT, INSERT, UPDATE ON postfix.* TO 'postfix'@'127.0.0.1';
  GRANT SELECT, INSERT, UPDATE ON postfix.* TO 'postfix'@'localhost';" ||
  harness_fatal "could not create the tables"

# sq TEXT: TEXT as an SQL string literal
sq() { local s=${1//\\/\\\\}; s=${s//\'/\'\'}; printf "'%s'" "$s"; }
# put USER SQL_EXPR [STATUS_SQL]: (re)creates USER's mailbox row with password = SQL_EXPR
put() {
  local u=$1 lp=${1%%@*} dom=${1#*@}
  mdb_sql "REPLACE INTO postfix.mailbox (username, password, local_part, domain, status)
           VALUES ($(sq "$u"), $2, $(sq "$lp"), $(sq "$dom"), ${3:-'0'})"
}
# stored USER: the stored password ("<NULL>" for NULL), unescaped (--raw: salts may hold '\')
stored() {
  mariadb --no-defaults -uroot --socket="$MDB_SOCK" -N -B --raw \
    -e "SELECT IFNULL(password, '<NULL>') FROM postfix.mailbox WHERE username = $(sq "$1")"
}

# --- running both modules --------------------------------------------------------------------
# svc NAME OPTION...: service files t-NAME (pam_mysql) and o-NAME (ours) with the same options on
# an auth, account, password and session line.
svc() {
  local name=$1 side mod type; shift
  for side in t o; do
    # ours: nodelay, since pam_mysql has no failure delay to compare with
    if [ $side = t ]; then mod=$THEIRS; else mod="$PMN_MODULE nodelay"; fi
    for type in auth account password session; do
      printf '%s required %s %s\n' "$type" "$mod" "$*"
    done >"$WORK/pam.d/$side-$name"
  done
}
# stack NAME TEXT: service files from TEXT, with @MOD@ standing for the module under test
stack() {
  printf '%s\n' "${2//@MOD@/$THEIRS}" >"$WORK/pam.d/t-$1"
  printf '%s\n' "${2//@MOD@/$PMN_MODULE nodelay}" >"$WORK/pam.d/o-$1"
}

# run SIDE NAME USER OP: "RC PROMPTS" of one PAM call in a fresh process (env DH_* pass through);
# "crash(STATUS) 0" when the process dies without an answer. AS_NOBODY=1 runs it as nobody.
run() {
  local out status pre=()
  [ "${AS_NOBODY:-0}" = 1 ] && pre=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  out=$(timeout 30 "${pre[@]}" "$DHOST" "$WORK/pam.d" "$1-$2" "$3" - 0 call "$4" 2>>"$WORK/dhost.err")
  status=$?
  if [[ $out =~ rc=([0-9]+)\ prompts=([0-9]+) ]]; then
    echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
  else
    echo "crash($status) 0"
  fi
}
rc() { local r; r=$(run "$@"); echo "${r%% *}"; }
# both NAME USER OP: "THEIRS OURS" (PAM codes)
both() { echo "$(rc t "$@") $(rc o "$@")"; }
# same DESC EXPECTED NAME USER OP: both modules must answer EXPECTED
same() { check "$1: pam_mysql ours" "$2 $2" "$(both "$3" "$4" "$5")"; }
# differ TAG DESC THEIRS OURS NAME USER OP: a difference listed in DIFFERENCES.md under TAG
differ() { check "$2 [$1]: pam_mysql ours" "$3 $4" "$(both "$5" "$6" "$7")"; }
# alice_case NAME DESC CODE ARGS...: service NAME from ARGS (as svc); the right password of
# alice@example.test ($PW) gets CODE from both modules
alice_case() {
  local name=$1 desc=$2 code=$3; shift 3
  svc "$name" "$@"
  DH_PASS=$PW same "$desc" "$code" "$name" alice@example.test auth
}

BASE="user=postfix passwd=yourpass host=127.0.0.1:$MDB_PORT db=postfix table=mailbox usercolumn=username passwdcolumn=password"

echo "# crypt modes: stored values made by independent tools"
PW='S3cret!pw'
NEW='N3w-pass!'               # the new password of every password change
U='u-chg@example.test'         # the user whose password is changed
export DH_NEW=$NEW
svc c0 "$BASE" crypt=0
svc c1 "$BASE" crypt=1
svc c1y "$BASE" crypt=Y
svc c2 "$BASE" crypt=2
svc c2o "$BASE" crypt=mysql use_323_passwd=1
svc c3 "$BASE" crypt=3
svc c4 "$BASE" crypt=4
svc c5 "$BASE" crypt=5
svc c6 "$BASE" crypt=6
svc c7 "$BASE" crypt=7
svc c8 "$BASE" crypt=8
svc c9 "$BASE" crypt=9
svc cplain "$BASE" crypt=plain
# seed NAME SERVICE SQL_EXPR PASSWORD: right and wrong password for one stored value
seed() {
  put "u-$1@example.test" "$3"
  DH_PASS=$4 same "$1: right password" $PAM_SUCCESS "$2" "u-$1@example.test" auth
  DH_PASS="x$4" same "$1: wrong password" $PAM_AUTH_ERR "$2" "u-$1@example.test" auth
}
seed plain c0 "$(sq "$PW")" "$PW"
seed plain-named cplain "$(sq "$PW")" "$PW"
seed md5crypt-openssl c1 "$(sq "$(openssl passwd -1 -- "$PW")")" "$PW"
seed md5crypt-crypt=Y c1y "$(sq "$(openssl passwd -1 -- "$PW")")" "$PW"
seed sha512crypt-mkpasswd c1 "$(sq "$(mkpasswd -m sha512crypt -- "$PW")")" "$PW"
seed sha256crypt-openssl c1 "$(sq "$(openssl passwd -5 -- "$PW")")" "$PW"
seed bcrypt-mkpasswd c1 "$(sq "$(mkpasswd -m bcrypt -- "$PW")")" "$PW"
seed yescrypt-mkpasswd c1 "$(sq "$(mkpasswd -m yescrypt -- "$PW")")" "$PW"
seed descrypt-mkpasswd c1 "$(sq "$(mkpasswd -m descrypt -- "$PW")")" "$PW"
seed mysql-PASSWORD c2 "PASSWORD($(sq "$PW"))" "$PW"
seed mysql-OLD_PASSWORD c2o "OLD_PASSWORD($(sq "$PW"))" "$PW"
seed hex-MD5 c3 "MD5($(sq "$PW"))" "$PW"
seed hex-SHA1 c4 "SHA1($(sq "$PW"))" "$PW"
seed hex-SHA2-512 c8 "SHA2($(sq "$PW"), 512)" "$PW"
seed hex-SHA2-256 c9 "SHA2($(sq "$PW"), 256)" "$PW"
# tests/data/vectors: vec ID -> "PASSWORD<TAB>HASH"
vec() { awk -F'\t' -v id="$1" '$1 == id { print $3 "\t" $4 }' "$REPO"/tests/data/vectors/*.tsv; }
vecseed() {
  local row pw hash
  row=$(vec "$3"); pw=$(printf '%s' "${row%%$'\t'*}" | base64 -d); hash=${row#*$'\t'}
  seed "$1-$3" "$2" "$(sq "${hash#\{SSHA\}}")" "$pw"
}
vecseed drupal7 c5 x0002
vecseed phpass-P c5 x0026
vecseed phpass-H c5 x0012
vecseed phpass-utf8 c5 x0014
vecseed joomla15 c6 x0028
vecseed joomla15-utf8 c6 x0029
vecseed ssha c7 v0374
# Issue 14: PostfixAdmin 3.x mysql_encrypt's empty-salt $6$$ (MariaDB ENCRYPT() with the salt it
# passes, '$6$' followed by a whole $6$ salt) and yescrypt with p/t parameters (formats.tsv f0176,
# libxcrypt crypt() of $y$jA.0./): crypt(3) strings both modules hand to, or read as, libxcrypt.
seed sha512crypt-empty-salt c1 "ENCRYPT($(sq "$PW"), CONCAT('\$6\$', '\$6\$saltsaltsaltsalt'))" "$PW"
vecseed yescrypt-params c1 f0176
SSHA_FRESH=$(python3 -c 'import hashlib,base64,os,sys; s=os.urandom(8); print(base64.b64encode(hashlib.sha1(sys.argv[1].encode()+s).digest()+s).decode())' "$PW")
seed ssha-python c7 "$(sq "$SSHA_FRESH")" "$PW"
put u-hexupper@example.test "UPPER(MD5($(sq "$PW")))"
DH_PASS=$PW differ D16 "hex-MD5 stored in upper case" $PAM_AUTH_ERR $PAM_SUCCESS c3 u-hexupper@example.test auth

echo "# malformed stored values"
put u-bad1@example.test "'\$1\$abc'"
DH_PASS=x same "crypt=1 malformed MD5-crypt" $PAM_AUTH_ERR c1 u-bad1@example.test auth
put u-bad3@example.test "'not-hex'"
DH_PASS=x same "crypt=3 not hex" $PAM_AUTH_ERR c3 u-bad3@example.test auth
put u-bad5@example.test "'\$S\$Dtooshort'"
DH_PASS=x same "crypt=5 truncated" $PAM_AUTH_ERR c5 u-bad5@example.test auth
put u-bad6@example.test "'nocolon'"
# crypt=7 with a value that is not base64 of digest+salt: pam_mysql 0.8.2 upstream crashed here
# (negative salt length); Debian's deb12u1 patch refuses it. Ours must say PAM_AUTH_ERR.
put u-bad7@example.test "'abc'"
r7=$(DH_PASS=x run t c7 u-bad7@example.test auth); r7=${r7%% *}
check_note "crypt=7 malformed value, pam_mysql: ${r7}$([[ $r7 == crash* ]] && echo ' (host crashed)')"
check "crypt=7 malformed value [D5]: ours" $PAM_AUTH_ERR "$(DH_PASS=x rc o c7 u-bad7@example.test auth)"


echo "# hosts, connection and required options"
HASH=$(openssl passwd -1 -- "$PW")
put alice@example.test "$(sq "$HASH")"
alice_case tcp "host=127.0.0.1:port (TCP)" $PAM_SUCCESS "$BASE" crypt=1
alice_case sock "host=/path/to/unix/socket" $PAM_SUCCESS "${BASE/host=127.0.0.1:$MDB_PORT/host=$MDB_SOCK}" crypt=1
svc lhport "${BASE/host=127.0.0.1:$MDB_PORT/host=localhost:$MDB_PORT}" crypt=1
DH_PASS=$PW differ D-localhost-port "host=localhost:port (pam_mysql: the default socket, absent here; ours: TCP)" \
  $PAM_AUTHINFO_UNAVAIL $PAM_SUCCESS lhport alice@example.test auth
alice_case nohost "no host: the default socket (absent here)" $PAM_AUTHINFO_UNAVAIL "${BASE/host=127.0.0.1:$MDB_PORT /}" crypt=1
alice_case closed "unreachable database (closed port)" $PAM_AUTHINFO_UNAVAIL "${BASE/host=127.0.0.1:$MDB_PORT/host=127.0.0.1:$(mdb_free_port)}" crypt=1
alice_case baddbpw "bad DB password" $PAM_AUTHINFO_UNAVAIL "${BASE/passwd=yourpass/passwd=wrong}" crypt=1
alice_case nodb "missing db" $PAM_SERVICE_ERR "${BASE/db=postfix /}" crypt=1
alice_case nouser "missing user" $PAM_SERVICE_ERR "${BASE/user=postfix /}" crypt=1
alice_case notable "missing table" $PAM_SERVICE_ERR "${BASE/table=mailbox /}" crypt=1
alice_case nousercol "missing usercolumn" $PAM_SERVICE_ERR "${BASE/usercolumn=username /}" crypt=1
alice_case nopwcol "missing passwdcolumn" $PAM_SERVICE_ERR "${BASE/ passwdcolumn=password/}" crypt=1
alice_case badcrypt "bad crypt value" $PAM_SERVICE_ERR "$BASE" crypt=bogus
alice_case nosuchtable "table that does not exist (SQL error)" $PAM_SERVICE_ERR "${BASE/table=mailbox/table=nosuch}" crypt=1
alice_case unknownopt "unknown option ignored" $PAM_SUCCESS "$BASE" crypt=1 usercolum=oops
alice_case disc "disconnect_every_op: right password" $PAM_SUCCESS "$BASE" crypt=1 disconnect_every_op
DH_PASS=x same "disconnect_every_op: wrong password" $PAM_AUTH_ERR disc alice@example.test auth
DH_PASS=$PW same "disconnect_every_op: account" $PAM_SUCCESS disc alice@example.test acct 2>/dev/null

echo "# where, JOIN tables, hostile user names, duplicate rows"
put inactive@example.test "$(sq "$HASH")"
mdb_sql "UPDATE postfix.mailbox SET active = 0 WHERE username = 'inactive@example.test'"
put carol@closed.test "$(sq "$HASH")"
alice_case where "where keeps active users" $PAM_SUCCESS "$BASE" crypt=1 "[where=active = 1 AND domain <> 'x y']"
DH_PASS=$PW same "where hides inactive users" $PAM_USER_UNKNOWN where inactive@example.test auth
JOIN="user=postfix passwd=yourpass host=127.0.0.1:$MDB_PORT db=postfix crypt=1 usercolumn=mailbox.username passwdcolumn=mailbox.password"
alice_case join "JOIN table: user in an active domain" $PAM_SUCCESS "$JOIN" "[table=mailbox JOIN domain ON mailbox.domain = domain.domain]" "[where=domain.active = 1]"
DH_PASS=$PW same "JOIN table: user in a closed domain" $PAM_USER_UNKNOWN join carol@closed.test auth
DH_PASS=x same "JOIN table: wrong password" $PAM_AUTH_ERR join alice@example.test auth
DH_PASS=$PW same "unknown user" $PAM_USER_UNKNOWN tcp nobody@example.test auth
for name in "x' OR '1'='1" "%" "_" "alice@example.%" "alice@example.tes_" "a\\' OR 1=1 -- " \
            "' UNION SELECT '$HASH' -- "; do
  DH_PASS=$PW same "hostile user name [$name]" $PAM_USER_UNKNOWN tcp "$name" auth
done
mdb_sql "INSERT INTO postfix.dup VALUES ('two','a'),('two','b'),('three','a'),('three','b'),('three','c')"
DUP="user=postfix passwd=yourpass host=127.0.0.1:$MDB_PORT db=postfix table=dup usercolumn=name passwdcolumn=pw crypt=0"
svc dup "$DUP" "[statcolumn=0]"
DH_PASS=a same "2 rows for a name" $PAM_SERVICE_ERR dup two auth
DH_PASS=a differ D-rows "3 rows, first row's password" $PAM_SUCCESS $PAM_SERVICE_ERR dup three auth
DH_PASS=b differ D-rows "3 rows, second row's password" $PAM_AUTH_ERR $PAM_SERVICE_ERR dup three auth
same "account: 2 rows for a name" $PAM_SERVICE_ERR dup two acct
differ D-rows "account: 3 rows for a name" $PAM_SUCCESS $PAM_SERVICE_ERR dup three acct
# An admin's table option that comments out the rest of pam_mysql's query: every row comes back.
svc tablecomment "${BASE/table=mailbox/[table=mailbox -- ]}" crypt=1
DH_PASS=$PW differ D-sqltext "table option ending in an SQL comment, other user with alice's password" \
  $PAM_SUCCESS $PAM_SERVICE_ERR tablecomment nobody@example.test auth
svc wherecomment "$BASE" crypt=1 "[where=active = 1 /* active only */]"
DH_PASS=$PW differ D-sqltext "where option with a /* comment */" $PAM_SUCCESS $PAM_SERVICE_ERR wherecomment alice@example.test auth
alice_case wheresemi "where option with ';' (a second statement)" $PAM_SERVICE_ERR "$BASE" crypt=1 "[where=active = 1; DELETE FROM log]"

echo "# NULL and empty stored passwords, nullok, PAM_DISALLOW_NULL_AUTHTOK"
put nullpw@example.test NULL
put emptypw@example.test "''"
DH_PASS='' same "NULL stored, empty password" $PAM_AUTH_ERR c1 nullpw@example.test auth
DH_PASS=x same "NULL stored, some password" $PAM_AUTH_ERR c1 nullpw@example.test auth
DH_PASS='' same "NULL stored, crypt=0, empty password" $PAM_AUTH_ERR c0 nullpw@example.test auth
DH_PASS='' differ D-empty "empty stored, crypt=0, empty password" $PAM_SUCCESS $PAM_AUTH_ERR c0 emptypw@example.test auth
DH_PASS=x same "empty stored, crypt=0, some password" $PAM_AUTH_ERR c0 emptypw@example.test auth
DH_PASS='' same "empty stored, crypt=1, empty password" $PAM_AUTH_ERR c1 emptypw@example.test auth
svc nullok "$BASE" crypt=1 nullok
svc nullok0 "$BASE" crypt=0 nullok
DH_PASS='' same "nullok: NULL stored, empty password" $PAM_SUCCESS nullok nullpw@example.test auth
DH_PASS=x differ D-nullok "nullok: NULL stored, some password" $PAM_SUCCESS $PAM_AUTH_ERR nullok nullpw@example.test auth
DH_PASS='' same "nullok: empty stored, crypt=0, empty password" $PAM_SUCCESS nullok0 emptypw@example.test auth
DH_PASS='' DH_FLAGS=1 same "nullok + PAM_DISALLOW_NULL_AUTHTOK: NULL stored, empty password" $PAM_AUTH_ERR nullok nullpw@example.test auth
DH_PASS='' DH_FLAGS=1 same "PAM_DISALLOW_NULL_AUTHTOK without nullok: NULL stored" $PAM_AUTH_ERR c1 nullpw@example.test auth
DH_PASS=$PW DH_FLAGS=1 same "PAM_DISALLOW_NULL_AUTHTOK: ordinary user" $PAM_SUCCESS c1 alice@example.test auth

echo "# account management (statcolumn)"
svc acct "$BASE" crypt=1 statcolumn=status
same "account without statcolumn" $PAM_SUCCESS tcp alice@example.test acct
same "account: unknown user" $PAM_USER_UNKNOWN acct nobody@example.test acct
same "account: where hides the user" $PAM_USER_UNKNOWN where inactive@example.test acct
# status STATUS_SQL [PASSWORD_SQL]: alice's row with that status
status() { put alice@example.test "${2:-$(sq "$HASH")}" "$1"; }
status "'0'"; same "statcolumn 0" $PAM_SUCCESS acct alice@example.test acct
status "'1'"; same "statcolumn 1 (account expired)" $PAM_ACCT_EXPIRED acct alice@example.test acct
status "'2'"; differ D-authtok-expired "statcolumn 2 (password expired)" $PAM_AUTHTOK_EXPIRED $PAM_NEW_AUTHTOK_REQD acct alice@example.test acct
status "'2'" NULL; same "statcolumn 2 with a NULL password" $PAM_NEW_AUTHTOK_REQD acct alice@example.test acct
status "'3'"; same "statcolumn 3" $PAM_ACCT_EXPIRED acct alice@example.test acct
status NULL; same "statcolumn NULL" $PAM_ACCT_EXPIRED acct alice@example.test acct
status "'abc'"; differ D-status-text "statcolumn non-numeric text" $PAM_SUCCESS $PAM_SERVICE_ERR acct alice@example.test acct
status "'1abc'"; differ D-status-text "statcolumn '1abc'" $PAM_ACCT_EXPIRED $PAM_SERVICE_ERR acct alice@example.test acct
svc acctexpr "$BASE" crypt=1 "[statcolumn=IF(active = 1, 0, 1)]"
same "statcolumn as an SQL expression: active" $PAM_SUCCESS acctexpr alice@example.test acct
same "statcolumn as an SQL expression: inactive" $PAM_ACCT_EXPIRED acctexpr inactive@example.test acct
status "'1'"; DH_PASS=$PW same "statcolumn 1 does not stop authentication" $PAM_SUCCESS acct alice@example.test auth
status "'0'"

echo "# use_first_pass / try_first_pass (pam_unix first in the stack supplies PAM_AUTHTOK)"
# pair_full NAME USER OP: "RC/PROMPTS RC/PROMPTS"
pair_full() { local t o; t=$(run t "$@"); o=$(run o "$@"); echo "${t/ //} ${o/ //}"; }
UNIX="auth optional pam_unix.so nodelay"
stack ufp "$UNIX
auth required @MOD@ $BASE crypt=1 use_first_pass"
stack tfp "$UNIX
auth required @MOD@ $BASE crypt=1 try_first_pass"
stack nofp "$UNIX
auth required @MOD@ $BASE crypt=1 try_first_pass=0"
svc ufpalone "$BASE" crypt=1 use_first_pass
check "use_first_pass, earlier password right: rc/prompts" "0/1 0/1" "$(DH_PASS=$PW pair_full ufp alice@example.test auth)"
check "use_first_pass, earlier password wrong: rc/prompts" "7/1 7/1" "$(DH_PASS=x pair_full ufp alice@example.test auth)"
check "use_first_pass, no earlier module: rc/prompts" "7/0 7/0" "$(DH_PASS=$PW pair_full ufpalone alice@example.test auth)"
check "try_first_pass, earlier password right: rc/prompts" "0/1 0/1" "$(DH_PASS=$PW pair_full tfp alice@example.test auth)"
check "try_first_pass, earlier password wrong, asked again: rc/prompts" "0/2 0/2" \
  "$(DH_PASS_FIRST=x DH_PASS=$PW pair_full tfp alice@example.test auth)"
check "try_first_pass, earlier password wrong twice: rc/prompts" "7/2 7/2" "$(DH_PASS=x pair_full tfp alice@example.test auth)"
check "try_first_pass=0: always asks: rc/prompts" "0/2 0/2" "$(DH_PASS_FIRST=x DH_PASS=$PW pair_full nofp alice@example.test auth)"
check "no earlier module: one prompt: rc/prompts" "0/1 0/1" "$(DH_PASS=$PW pair_full tcp alice@example.test auth)"

echo "# config_file (pam_mysql's key names; root-owned 0600 unless said otherwise)"
# conf FILE MODE [LINE...]: a config file with the standard keys (plus LINEs) for this database
conf() {
  local file=$1 mode=$2; shift 2
  {
    echo "# pam_mysql configuration (differential suite)"
    echo "users.host = 127.0.0.1:$MDB_PORT"
    echo "users.database = postfix"
    echo "users.db_user = postfix"
    echo "users.db_passwd = yourpass"
    echo "users.table = mailbox"
    echo "users.user_column = username"
    echo "users.password_column = password"
    echo "users.password_crypt = 1"
    echo "users.use_md5 = 1"
    echo "users.status_column = status"
    echo "verbose = 0"
    printf '%s\n' "$@"
  } >"$file"
  chown root:root "$file"
  chmod "$mode" "$file"
}
conf "$WORK/std.conf" 600 "users.where_clause = active = 1"
alice_case cf "config file: right password" $PAM_SUCCESS "config_file=$WORK/std.conf"
DH_PASS=x same "config file: wrong password" $PAM_AUTH_ERR cf alice@example.test auth
DH_PASS=$PW same "config file: where_clause hides inactive users" $PAM_USER_UNKNOWN cf inactive@example.test auth
same "config file: account (status_column)" $PAM_SUCCESS cf alice@example.test acct
alice_case cfover "config file values override the arguments" $PAM_SUCCESS "${BASE/db=postfix/db=nosuchdb}" crypt=0 "config_file=$WORK/std.conf"
sed 's/$/;/; /^#/s/;$//' "$WORK/std.conf" >"$WORK/semi.conf"; chmod 600 "$WORK/semi.conf"
alice_case cfsemi "config file with NSS-MySQL style ';' line ends" $PAM_SUCCESS "config_file=$WORK/semi.conf"
conf "$WORK/injected.conf" 600 "users.where_clause = active = 1; DELETE FROM log"
svc cfinj "config_file=$WORK/injected.conf"
DH_PASS=$PW differ D-config-sql "config file: text after ';' in a value" $PAM_SUCCESS $PAM_SERVICE_ERR cfinj alice@example.test auth
conf "$WORK/trail.conf" 600 "users.database = postfix "
svc cftrail "config_file=$WORK/trail.conf"
DH_PASS=$PW differ D-trim "config file: trailing space after a value" $PAM_AUTHINFO_UNAVAIL $PAM_SUCCESS cftrail alice@example.test auth
conf "$WORK/open.conf" 644
svc cfopen "config_file=$WORK/open.conf"
DH_PASS=$PW differ D-config-perm "config file with the DB password readable by everyone (0644)" \
  $PAM_SUCCESS $PAM_SERVICE_ERR cfopen alice@example.test auth
svc cfmissing "$BASE" crypt=1 "config_file=$WORK/no-such.conf"
DH_PASS=$PW differ D-config-missing "config_file that does not exist (arguments complete)" \
  $PAM_SUCCESS $PAM_SERVICE_ERR cfmissing alice@example.test auth

echo "# verbose / debug: what reaches syslog"
svc verbose verbose=1 "$BASE" crypt=1
svc debug debug "$BASE" crypt=1
DH_PASS=$PW same "verbose: right password" $PAM_SUCCESS verbose alice@example.test auth
DH_PASS=$PW same "debug: right password" $PAM_SUCCESS debug alice@example.test auth
syslog_mark; DH_PASS=$PW run t verbose alice@example.test auth >/dev/null; syslog_since >"$WORK/verbose-t.log"
syslog_mark; DH_PASS=$PW run o verbose alice@example.test auth >/dev/null; syslog_since >"$WORK/verbose-o.log"
check_true "verbose [D-verbose]: pam_mysql logs the DB password" grep -q yourpass "$WORK/verbose-t.log"
check_true "verbose [D-verbose]: pam_mysql logs its SQL" grep -q "SELECT password FROM mailbox" "$WORK/verbose-t.log"
check_true "verbose [D-verbose]: ours logs a line" test -s "$WORK/verbose-o.log"
check_true "verbose [D-verbose]: ours logs neither the DB password nor SQL nor the hash" \
  bash -c "! grep -qE 'yourpass|SELECT|\\\$1\\\$' '$WORK/verbose-o.log'"

echo "# SQL per pam_authenticate (MariaDB general log)"
GLOG=$WORK/db/general.log
mdb_sql "SET GLOBAL general_log_file = '$GLOG'; SET GLOBAL general_log = 1"
selects() { sleep 0.2; grep -c "Query.*SELECT password.* FROM mailbox" "$GLOG" 2>/dev/null || true; }
n0=$(selects); DH_PASS=$PW run t tcp alice@example.test auth >/dev/null
n1=$(selects); DH_PASS=$PW run o tcp alice@example.test auth >/dev/null
n2=$(selects)
check "pam_mysql: SELECTs per pam_authenticate (try_first_pass with no earlier password) [D-first-pass-query]" 2 $((n1 - n0))
check "ours: exactly one SELECT per pam_authenticate" 1 $((n2 - n1))
n0=$(selects); DH_PASS=$PW run o cf alice@example.test auth >/dev/null; n1=$(selects)
check "ours: exactly one SELECT per pam_authenticate (config file, where)" 1 $((n1 - n0))
mdb_sql "SET GLOBAL general_log = 0"

echo "# sqllog (pam_mysql's example log table: every column NOT NULL)"
LOGOPTS="sqllog=1 logtable=log logmsgcolumn=message logusercolumn=user loghostcolumn=host logrhostcolumn=rhost logpidcolumn=pid logtimecolumn=time"
svc slog "$BASE" crypt=1 statcolumn=status "$LOGOPTS"
svc slog1 "$BASE" crypt=1 statcolumn=status try_first_pass=0 "$LOGOPTS"
HOSTIP=$(getent ahostsv4 "$(hostname)" | awk 'NR == 1 { print $1 }')
logrows() {
  mdb_sql "SELECT CONCAT_WS('|', message, user, host, rhost, pid > 0, time IS NOT NULL) FROM postfix.log" | paste -sd ';'
}
# logged SIDE NAME USER OP: "RC ROWS" with the log table emptied first
logged() {
  local r
  mdb_sql "DELETE FROM postfix.log"
  r=$(rc "$@")
  echo "$r $(logrows)"
}
# logcase DESC EXPECTED_RC EXPECTED_ROWS NAME USER OP: both modules answer and log the same
logcase() {
  local desc=$1 code=$2 rows=$3; shift 3
  check "$desc: pam_mysql" "$code $rows" "$(logged t "$@")"
  check "$desc: ours" "$code $rows" "$(logged o "$@")"
}
R=198.51.100.7
DH_PASS=$PW DH_RHOST=$R logcase "sqllog: success" 0 "AUTHENTICATION SUCCESS|alice@example.test|$HOSTIP|$R|1|1" slog1 alice@example.test auth
DH_PASS=x DH_RHOST=$R logcase "sqllog: wrong password" 7 "AUTHENTICATION FAILURE|alice@example.test|$HOSTIP|$R|1|1" slog1 alice@example.test auth
DH_PASS=x DH_RHOST=$R logcase "sqllog: unknown user" 10 "AUTHENTICATION FAILURE|nobody@example.test|$HOSTIP|$R|1|1" slog1 nobody@example.test auth
DH_PASS=$PW logcase "sqllog: no PAM_RHOST" 0 "AUTHENTICATION SUCCESS|alice@example.test|$HOSTIP|(unknown)|1|1" slog1 alice@example.test auth
DH_RHOST=$R logcase "sqllog: account" 0 "QUERYING SUCCESS|alice@example.test|$HOSTIP|$R|1|1" slog alice@example.test acct
DH_RHOST=$R logcase "sqllog: account, unknown user" 10 "QUERYING FAILURE|nobody@example.test|$HOSTIP|$R|1|1" slog nobody@example.test acct
DH_RHOST=$R logcase "sqllog: open_session" 0 "OPEN SESSION|alice@example.test|$HOSTIP|$R|1|1" slog alice@example.test open
DH_RHOST=$R logcase "sqllog: close_session" 0 "CLOSE SESSION|alice@example.test|$HOSTIP|$R|1|1" slog alice@example.test close
check "sqllog [D-first-pass-query]: try_first_pass without an earlier password: pam_mysql" \
  "0 AUTHENTICATION FALURE (FIRST_PASS)|alice@example.test|$HOSTIP|$R|1|1;AUTHENTICATION SUCCESS|alice@example.test|$HOSTIP|$R|1|1" \
  "$(DH_PASS=$PW DH_RHOST=$R logged t slog alice@example.test auth)"
check "sqllog [D-first-pass-query]: try_first_pass without an earlier password: ours" \
  "0 AUTHENTICATION SUCCESS|alice@example.test|$HOSTIP|$R|1|1" \
  "$(DH_PASS=$PW DH_RHOST=$R logged o slog alice@example.test auth)"
DH_RHOST=$R logcase "no sqllog: open_session" 0 "" tcp alice@example.test open
DH_RHOST=$R logcase "no sqllog: close_session" 0 "" tcp alice@example.test close
svc sloghalf "$BASE" crypt=1 try_first_pass=0 sqllog=1 logtable=log logmsgcolumn=message
DH_PASS=$PW logcase "sqllog without the user/host/pid/time columns: no row, login unaffected" 0 "" sloghalf alice@example.test auth
put "$U" "$(sq "$HASH")"; mdb_sql "DELETE FROM postfix.log"; rc t slog "$U" chauthtok >/dev/null; t_rows=$(logrows)
put "$U" "$(sq "$HASH")"; mdb_sql "DELETE FROM postfix.log"; rc o slog "$U" chauthtok >/dev/null; o_rows=$(logrows)
check "sqllog: chauthtok as root" \
  "QUERYING SUCCESS|$U|$HOSTIP|(unknown)|1|1;ALTERATION SUCCESS|$U|$HOSTIP|(unknown)|1|1 QUERYING SUCCESS|$U|$HOSTIP|(unknown)|1|1;ALTERATION SUCCESS|$U|$HOSTIP|(unknown)|1|1" \
  "$t_rows $o_rows"
differ D-session-db "open_session with the database unreachable" $PAM_AUTHINFO_UNAVAIL $PAM_SUCCESS closed alice@example.test open

echo "# chauthtok as root: codes and what gets stored"
# chg NAME [SEED_SQL]: the same password change through each module from the same row;
# sets T_RC O_RC (codes) and T_ST O_ST (stored afterwards)
chg() {
  local seed=${2:-$(sq "$HASH")}
  put "$U" "$seed"; T_RC=$(rc t "$1" "$U" chauthtok); T_ST=$(stored "$U")
  put "$U" "$seed"; O_RC=$(rc o "$1" "$U" chauthtok); O_ST=$(stored "$U")
}
sqlv() { mdb_sql "SELECT $1"; }
crypt_ok() { perl -e 'exit(crypt($ARGV[0], $ARGV[1]) eq $ARGV[1] ? 0 : 1)' "$1" "$2"; }
md5crypt_ok() { local salt=${2#\$1\$}; salt=${salt%%\$*}; [ "$(openssl passwd -1 -salt "$salt" -- "$1")" = "$2" ]; }
# pam_mysql_accepts SERVICE STORED: pam_mysql authenticates NEW against STORED (a cross-check
# with an independent implementation)
pam_mysql_accepts() { put u-x@example.test "$(sq "$2")"; [ "$(DH_PASS=$NEW rc t "$1" u-x@example.test auth)" = 0 ]; }
CH="$BASE statcolumn=status"
for m in 0 1 2 3 4 5 6 7 8 9; do svc "pw$m" "$CH" "crypt=$m"; done
svc pw1md5 "$CH" crypt=1 md5=1
svc pw2old "$CH" crypt=2 use_323_passwd=1
chg pw0; check "crypt=0: codes" "0 0" "$T_RC $O_RC"
check "crypt=0: both store the plain text" "$NEW $NEW" "$T_ST $O_ST"
chg pw1md5; check "crypt=1 md5=1: codes" "0 0" "$T_RC $O_RC"
check_true "crypt=1 md5=1: pam_mysql stores MD5-crypt that openssl passwd -1 reproduces" md5crypt_ok "$NEW" "$T_ST"
check_true "crypt=1 md5=1: ours stores MD5-crypt that openssl passwd -1 reproduces" md5crypt_ok "$NEW" "$O_ST"
chg pw1; check "crypt=1: codes" "0 0" "$T_RC $O_RC"
# shellcheck disable=SC2016 # literal '$1$ $6$'
check "crypt=1 without md5 [D-new-scheme]: schemes written (pam_mysql MD5-crypt, ours SHA-512-crypt)" '$1$ $6$' "${T_ST:0:3} ${O_ST:0:3}"
check_true "crypt=1: pam_mysql's value verifies with openssl passwd -1" md5crypt_ok "$NEW" "$T_ST"
check_true "crypt=1: ours verifies with perl crypt()" crypt_ok "$NEW" "$O_ST"
check_true "crypt=1: pam_mysql accepts ours" pam_mysql_accepts c1 "$O_ST"
t_first=$T_ST o_first=$O_ST; chg pw1
check "crypt=1 [D-new-scheme]: same new password twice gives the same salt in pam_mysql, fresh salts in ours" \
  "same different" "$([ "$t_first" = "$T_ST" ] && echo same || echo different) $([ "$o_first" = "$O_ST" ] && echo same || echo different)"
svc pw1md50 "$CH" crypt=1 md5=0
chg pw1md50; check "crypt=1 md5=0: codes" "0 0" "$T_RC $O_RC"
check "crypt=1 md5=0 [D-new-scheme]: schemes written (pam_mysql DES, ours SHA-512-crypt)" "des \$6\$" \
  "$([[ $T_ST =~ ^[./0-9A-Za-z]{13}$ ]] && echo des || echo "$T_ST") ${O_ST:0:3}"
check_true "crypt=1 md5=0: pam_mysql's DES value verifies with perl crypt()" crypt_ok "$NEW" "$T_ST"
chg pw2; check "crypt=2: codes" "0 0" "$T_RC $O_RC"
P2=$(sqlv "PASSWORD($(sq "$NEW"))")
check "crypt=2: both store MariaDB PASSWORD()" "$P2 $P2" "$T_ST $O_ST"
chg pw2old; check "crypt=2 use_323_passwd [D-323-write]: codes" "0 $PAM_AUTHTOK_ERR" "$T_RC $O_RC"
check "crypt=2 use_323_passwd [D-323-write]: pam_mysql stores OLD_PASSWORD(), ours leaves the row" \
  "$(sqlv "OLD_PASSWORD($(sq "$NEW"))") $HASH" "$T_ST $O_ST"
for m in 3:"MD5(X)" 4:"SHA1(X)" 8:"SHA2(X, 512)" 9:"SHA2(X, 256)"; do
  expr=${m#*:}; expr=${expr/X/$(sq "$NEW")}; want=$(sqlv "$expr")
  chg "pw${m%%:*}"; check "crypt=${m%%:*}: codes" "0 0" "$T_RC $O_RC"
  check "crypt=${m%%:*}: both store MariaDB ${m#*:}" "$want $want" "$T_ST $O_ST"
done
joomla_ok() { [ "$(sqlv "MD5(CONCAT($(sq "$NEW"), SUBSTRING($(sq "$1"), 34))) = SUBSTRING_INDEX($(sq "$1"), ':', 1)")" = 1 ]; }
chg pw6; check "crypt=6: codes" "0 0" "$T_RC $O_RC"
check_true "crypt=6: pam_mysql's md5(pw.salt):salt verifies with MariaDB MD5()" joomla_ok "$T_ST"
check_true "crypt=6: ours verifies with MariaDB MD5()" joomla_ok "$O_ST"
chg pw5; check "crypt=5: codes" "0 0" "$T_RC $O_RC"
check "crypt=5 [D-empty-write]: pam_mysql stores an empty string" "" "$T_ST"
check_true "crypt=5 [D-empty-write]: ours stores a Drupal 7 hash that pam_mysql accepts" pam_mysql_accepts c5 "$O_ST"
chg pw7; check "crypt=7: codes" "0 0" "$T_RC $O_RC"
check "crypt=7 [D-empty-write]: pam_mysql stores an empty string" "" "$T_ST"
put u-x@example.test "''"; r=$(DH_PASS=$NEW run t c7 u-x@example.test auth)
check_note "crypt=7: pam_mysql logging in with the new password after its own change: ${r%% *}"
ssha_ok() { python3 -c 'import base64,hashlib,sys; b=base64.b64decode(sys.argv[2]); sys.exit(hashlib.sha1(sys.argv[1].encode()+b[20:]).digest()!=b[:20])' "$NEW" "$1"; }
check_true "crypt=7 [D-empty-write]: ours stores SSHA that Python's hashlib verifies" ssha_ok "$O_ST"
check_true "crypt=7: pam_mysql accepts ours" pam_mysql_accepts c7 "$O_ST"
for m in 0 2 3 4 6 8 9; do
  chg "pw$m" >/dev/null
  check_true "crypt=$m: pam_mysql accepts the value ours wrote" pam_mysql_accepts "c$m" "$O_ST"
done

echo "# chauthtok as root: other cases"
DH_RETYPE=other chg pw1md5; check "mismatched retype: codes" "$PAM_AUTHTOK_RECOVERY_ERR $PAM_AUTHTOK_RECOVERY_ERR" "$T_RC $O_RC"
check "mismatched retype: nothing stored" "$HASH $HASH" "$T_ST $O_ST"
svc pwnostat "$BASE" crypt=1 md5=1
chg pwnostat; check "without statcolumn: codes" "0 0" "$T_RC $O_RC"
status_expired() { put "$U" "$(sq "$HASH")" "'1'"; }
status_expired; r1=$(rc t pw1md5 "$U" chauthtok); status_expired; r2=$(rc o pw1md5 "$U" chauthtok)
check "expired account (status 1): codes (both refuse)" "$PAM_AUTHTOK_LOCK_BUSY $PAM_AUTHTOK_LOCK_BUSY" "$r1 $r2"
differ D-chauthtok-stat "unknown user" $PAM_PERM_DENIED $PAM_USER_UNKNOWN pw1md5 nobody@example.test chauthtok
put "$U" "$(sq "$HASH")"; mdb_sql "DELETE FROM postfix.readcopy; INSERT INTO postfix.readcopy SELECT * FROM postfix.mailbox WHERE username = '$U'"
svc pwupd "${CH/table=mailbox/table=readcopy update_table=mailbox}" crypt=1 md5=1
r1=$(rc t pwupd "$U" chauthtok); t_main=$(stored "$U"); t_copy=$(mdb_sql "SELECT password FROM postfix.readcopy")
put "$U" "$(sq "$HASH")"; mdb_sql "UPDATE postfix.readcopy SET password = '$HASH'"
r2=$(rc o pwupd "$U" chauthtok); o_main=$(stored "$U"); o_copy=$(mdb_sql "SELECT password FROM postfix.readcopy")
check "update_table: codes" "0 0" "$r1 $r2"
check "update_table [D-update-table]: pam_mysql writes table, ours update_table" "changed-copy changed-main" \
  "$([ "$t_copy" != "$HASH" ] && [ "$t_main" = "$HASH" ] && echo changed-copy || echo "main=$t_main copy=$t_copy") $([ "$o_main" != "$HASH" ] && [ "$o_copy" = "$HASH" ] && echo changed-main || echo "main=$o_main copy=$o_copy")"
svc pwjoin "$JOIN" "[table=mailbox JOIN domain ON mailbox.domain = domain.domain]" "[where=domain.active = 1]" \
  statcolumn=mailbox.status md5=1 update_table=mailbox
chg pwjoin; check "JOIN table with update_table: codes" "0 0" "$T_RC $O_RC"
check_true "JOIN table: both stored MD5-crypt values verify" bash -c "$(declare -f md5crypt_ok); md5crypt_ok '$NEW' '$T_ST' && md5crypt_ok '$NEW' '$O_ST'"

echo "# chauthtok as a non-root user (nobody, TCP)"
check_true "module files readable by nobody" setpriv --reuid=65534 --regid=65534 --clear-groups \
  bash -c "test -r '$THEIRS' && test -r '$PMN_MODULE' && test -r '$(dirname "$PMN_MODULE")/pam_mysql_net_core.so' && test -x '$(dirname "$PMN_MODULE")/pam-mysql-net'"
AS_NOBODY=1 DH_OLD=$PW chg pw1md5
check "non-root, right old password [D-nonroot]: codes" "$PAM_PERM_DENIED 0" "$T_RC $O_RC"
check "non-root, right old password [D-nonroot]: pam_mysql leaves the row" "$HASH" "$T_ST"
check_true "non-root, right old password: ours stores MD5-crypt of the new password" md5crypt_ok "$NEW" "$O_ST"
AS_NOBODY=1 DH_OLD=wrong chg pw1md5
check "non-root, wrong old password [D-nonroot]: codes" "$PAM_PERM_DENIED $PAM_AUTH_ERR" "$T_RC $O_RC"
check "non-root, wrong old password: nothing stored" "$HASH $HASH" "$T_ST $O_ST"
AS_NOBODY=1 DH_OLD='' chg pw1md5
check "non-root, no old password: codes" "$PAM_PERM_DENIED $PAM_PERM_DENIED" "$T_RC $O_RC"
check "non-root, no old password: nothing stored" "$HASH $HASH" "$T_ST $O_ST"
AS_NOBODY=1 DH_OLD=$PW DH_RETYPE=other chg pw1md5
check "non-root, mismatched retype [D-nonroot]: codes" "$PAM_PERM_DENIED $PAM_AUTHTOK_RECOVERY_ERR" "$T_RC $O_RC"
AS_NOBODY=1 DH_PASS=$PW same "non-root host: authentication" $PAM_SUCCESS tcp alice@example.test auth

harness_end

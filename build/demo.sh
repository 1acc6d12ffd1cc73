#!/usr/bin/env bash
# The main job in one command: build the module, start a throwaway MariaDB on loopback, create the
# PostfixAdmin-style mailbox table with a demo user (MD5-crypt password), write a PAM service that
# uses the module with the classic pam_mysql line, and authenticate through it with pamtester:
# the right password is accepted, a wrong one refused. Everything is removed afterwards.
#   build/demo.sh            (as root on Debian 12)
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
source tests/lib/mariadb.sh

bash build/install-deps.sh || exit 1
cmake -S . -B out -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build out >/dev/null || {
  echo "build failed: run 'cmake --build out' to see why"; exit 1; }

WORK=$(mktemp -d /tmp/pmn-demo.XXXXXX)
SERVICE=pmn-demo-$$
cleanup() { mdb_stop; rm -f "/etc/pam.d/$SERVICE"; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

mdb_start "$WORK/db" || exit 1
mdb_seed_mailbox
mdb_add_user demo@example.test 'demo-password'
echo "MariaDB on 127.0.0.1:$MDB_PORT; postfix.mailbox holds:"
mdb_sql "SELECT username, password FROM postfix.mailbox" | sed 's/^/    /'

LINE="user=postfix passwd=yourpass host=127.0.0.1:$MDB_PORT db=postfix table=mailbox usercolumn=username passwdcolumn=password crypt=1 md5=1"
cat >"/etc/pam.d/$SERVICE" <<PAM
auth    required   $REPO/out/pam_mysql_net.so $LINE
account sufficient $REPO/out/pam_mysql_net.so $LINE
PAM
echo "/etc/pam.d/$SERVICE:"
sed 's/^/    /' "/etc/pam.d/$SERVICE"

status=0
echo "pamtester $SERVICE demo@example.test authenticate acct_mgmt  (right password)"
if echo 'demo-password' | pamtester "$SERVICE" demo@example.test authenticate acct_mgmt; then
  echo "  -> accepted, as it should be"
else
  echo "  -> REFUSED: something is wrong"; status=1
fi
echo "pamtester $SERVICE demo@example.test authenticate  (wrong password)"
if echo 'not-the-password' | pamtester "$SERVICE" demo@example.test authenticate 2>&1; then
  echo "  -> ACCEPTED: something is wrong"; status=1
else
  echo "  -> refused, as it should be"
fi
exit $status

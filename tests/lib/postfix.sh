# shellcheck shell=bash
# A private Postfix instance for tests: own config directory and queue directory under a temp dir,
# smtpd on a loopback port, started with `postfix -c CONF start` (no change to /etc/postfix: as
# root, -c needs no alternate_config_directories entry; that list only guards the set-gid
# postdrop/postqueue) and stopped by PID. Source this file; every function is prefixed pf_.
#
#   pf_ensure_installed               -> installs postfix, swaks (with Net::SSLeay), openssl,
#                                        libsasl2-modules if missing
#                                        (needs tests/lib/pkg.sh)
#   pf_render TEMPLATE OUT KEY=VAL... -> copies TEMPLATE to OUT replacing each @KEY@ with VAL
#   pf_make_cert DIR                  -> self-signed cert for STARTTLS; sets PF_CERT PF_KEY
#   pf_setup DIR TEMPLATES PORT SASLAUTHD_DIR PAM_SERVICE
#                                     -> config in DIR/conf, queue (= smtpd chroot) in DIR/spool,
#                                        smtpd.conf pointing at SASLAUTHD_DIR/mux (SASLAUTHD_DIR must
#                                        lie inside DIR/spool), smtpd_sasl_service = PAM_SERVICE
#                                        (saslauthd passes it on as the PAM service name);
#                                        sets PF_CONF PF_QUEUE PF_PORT PF_LOG
#   pf_start / pf_stop                -> start; stop and wait for every process of the instance
#   pf_alive                          -> true while the master runs

source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/procs.sh"

pf_ensure_installed() {
  pkg_need postfix postfix
  pkg_need swaks swaks
  pkg_need /usr/lib/x86_64-linux-gnu/perl5/5.36/Net/SSLeay.pm libnet-ssleay-perl   # swaks STARTTLS
  pkg_need openssl openssl
  pkg_need /usr/lib/x86_64-linux-gnu/sasl2/libplain.so libsasl2-modules
  pkg_install_needed
}

pf_render() {
  local template=$1 out=$2 text pair; shift 2
  text=$(cat "$template") || return 1
  for pair in "$@"; do
    text=${text//"@${pair%%=*}@"/"${pair#*=}"}
  done
  printf '%s\n' "$text" >"$out"
  if grep -v '^#' "$out" | grep -q '@[A-Z_]*@'; then
    echo "unfilled placeholder in $out:"; grep -v '^#' "$out" | grep '@[A-Z_]*@'; return 1
  fi
}

pf_make_cert() {
  mkdir -p "$1"
  PF_CERT=$1/cert.pem PF_KEY=$1/key.pem
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=mail.pmn-e2e.test \
    -keyout "$PF_KEY" -out "$PF_CERT" >/dev/null 2>&1 || { echo "openssl req failed"; return 1; }
  chmod 600 "$PF_KEY"
}

pf_setup() {
  local dir=$1 templates=$2 saslauthd_dir=$4 pam_service=$5
  PF_PORT=$3 PF_CONF=$dir/conf PF_QUEUE=$dir/spool PF_LOG=$dir/maillog
  case $saslauthd_dir in "$PF_QUEUE"/*) ;; *) echo "saslauthd dir must be inside $PF_QUEUE"; return 1 ;; esac
  # The chroot: root-owned and traversable by the postfix user (chrooted daemons drop privileges).
  mkdir -p "$dir" && chmod 755 "$dir"
  mkdir -p "$PF_CONF/sasl" "$PF_QUEUE" "$dir/data" "$saslauthd_dir"
  chmod 755 "$PF_QUEUE" "$saslauthd_dir"
  chown postfix "$dir/data"
  pf_make_cert "$dir/tls" || return 1
  pf_render "$templates/main.cf.in" "$PF_CONF/main.cf" CONF="$PF_CONF" QUEUE="$PF_QUEUE" \
    DATA="$dir/data" MAILLOG="$PF_LOG" TLS_CERT="$PF_CERT" TLS_KEY="$PF_KEY" \
    SASL_CONFIG_PATH="$PF_CONF/sasl" PAM_SERVICE="$pam_service" || return 1
  pf_render "$templates/master.cf.in" "$PF_CONF/master.cf" LISTEN="127.0.0.1:$PF_PORT" || return 1
  pf_render "$templates/smtpd.conf.in" "$PF_CONF/sasl/smtpd.conf" \
    SASLAUTHD_PATH="${saslauthd_dir#"$PF_QUEUE"}/mux" || return 1
  # Creates the queue subdirectories with Postfix's own owners and modes.
  postfix -c "$PF_CONF" check >"$dir/postfix-check.log" 2>&1 ||
    { echo "postfix check failed:"; cat "$dir/postfix-check.log"; return 1; }
}

pf_master_pid() { sed -n '1{s/ //g;p}' "$PF_QUEUE/pid/master.pid" 2>/dev/null; }

pf_alive() { [ -n "${PF_MASTER_PID:-}" ] && kill -0 "$PF_MASTER_PID" 2>/dev/null; }

pf_start() {
  postfix -c "$PF_CONF" start >"$PF_CONF/../postfix-start.log" 2>&1 ||
    { echo "postfix start failed:"; cat "$PF_CONF/../postfix-start.log"; tail -20 "$PF_LOG"; return 1; }
  PF_MASTER_PID=$(pf_master_pid)
  [ -n "$PF_MASTER_PID" ] || { echo "no master.pid"; return 1; }
  for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PF_PORT") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "smtpd is not listening on 127.0.0.1:$PF_PORT"; tail -20 "$PF_LOG"; return 1
}

# The master is a session leader: the instance is every process in its process group.
pf_group_pids() {
  [ -n "${PF_MASTER_PID:-}" ] || return 0
  pgroup_members "$PF_MASTER_PID"
}

pf_stop() {
  [ -n "${PF_MASTER_PID:-}" ] || return 0
  timeout 20 postfix -c "$PF_CONF" stop >/dev/null 2>&1
  pgroup_reap "$PF_MASTER_PID" "postfix master $PF_MASTER_PID, after postfix stop,"
  PF_MASTER_PID=
}

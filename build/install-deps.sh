#!/usr/bin/env bash
# Installs the Debian 12 packages the build, the demo and the tests use, when any is missing.
# Needs root. The .NET SDK is expected on PATH (the module itself needs no .NET at run time).
#   build/install-deps.sh              everything below
#   build/install-deps.sh PACKAGE...   only these (tests/lib/pkg.sh), with the same precautions
set -eu
PACKAGES=(
  cmake gcc make libc6-dev binutils libpam0g-dev      # build the C shim
  mariadb-server mariadb-client                       # throwaway test databases
  pamtester libpam-modules                            # drive PAM stacks
  sasl2-bin libsasl2-modules                          # saslauthd, testsaslauthd
  postfix swaks libnet-ssleay-perl                    # the end-to-end SMTP AUTH test (swaks's STARTTLS
                                                      # needs Net::SSLeay, only a Recommends of swaks)
  man-db mandoc groff-base dpkg-dev                   # man page checks, package build
  systemd                                             # systemd-analyze verify/security of the units,
                                                      # systemd-socket-activate (tests/integration/broker.sh)
  openssl whois python3 procps util-linux             # reference hashes, syslog capture, unshare
  libcrypt1 libsodium23 libargon2-1                   # the C hash libraries the module calls (libxcrypt,
                                                      # libsodium) and the one build/bench-hash.sh compares
  apache2-utils dovecot-core php-cli argon2           # more reference hash tools (htpasswd, doveadm pw, ...)
  libpam-mysql                                        # the C pam_mysql.so, for the differential suite
  dovecot-imapd vsftpd openssh-server sshpass         # real PAM hosts (tests/integration/services.sh)
  galera-4 rsync bc iproute2                          # fail-over suite (Galera), e2e listening checks
  rpm rpmlint                                         # the RPM: rpmbuild for CPack, rpmlint (rpm.sh)
  checkpolicy selinux-policy-dev semodule-utils       # the SELinux policy module: checkmodule, the
                                                      # refpolicy devel Makefile, semodule_unpackage
)
[ $# -gt 0 ] && PACKAGES=("$@")
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Packages such as openssh-server, dovecot-imapd and vsftpd start their system services on every
# address when installed; the tests only ever run private loopback instances. Where the machine
# has no policy-rc.d (container images ship one), one that refuses every start is in place for
# the install.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\n# pam_mysql_net build/install-deps.sh: no service starts during the install\nexit 101\n' \
    >/usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
# Postfix asks how it is used; a local-only answer keeps its installer quiet. No daemon is
# started by the tests except their own private instances.
echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
echo "postfix postfix/mailname string localhost" | debconf-set-selections
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null

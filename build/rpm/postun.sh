# pam-mysql-net %postun: what %systemd_postun_with_restart pam-mysql-net.service does. After an
# upgrade a running daemon is the old one, speaking the old protocol to the new module: restart
# it if it runs (otherwise the socket starts the new one on the next login).
if [ "$1" -ge 1 ] && [ -x /usr/bin/systemctl ]; then
    /usr/bin/systemctl try-restart pam-mysql-net.service >/dev/null 2>&1 || :
fi

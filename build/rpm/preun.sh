# pam-mysql-net %preun: what %systemd_preun does. On erase (not upgrade) the socket and the daemon
# are disabled and stopped; the module, while still installed, then works in-process.
if [ "$1" -eq 0 ] && [ -x /usr/bin/systemctl ]; then
    /usr/bin/systemctl --no-reload disable --now pam-mysql-net.socket pam-mysql-net.service >/dev/null 2>&1 || :
fi

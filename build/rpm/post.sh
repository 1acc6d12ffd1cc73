# pam-mysql-net %post: what %systemd_post pam-mysql-net.socket does. On the first install the
# socket takes the system's preset (the RHEL family's default preset leaves a new unit disabled:
# "systemctl enable --now pam-mysql-net.socket" turns the broker on; without it the module works
# in-process). An upgrade keeps the admin's choice.
if [ "$1" -eq 1 ] && [ -x /usr/bin/systemctl ]; then
    /usr/bin/systemctl --no-reload preset pam-mysql-net.socket >/dev/null 2>&1 || :
fi

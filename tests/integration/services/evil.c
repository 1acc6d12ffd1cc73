/*
 * evil.c - the attacker's library for the setuid-host part of tests/integration/services.sh.
 * A setuid PAM host is run by an unprivileged user with DOTNET_OPENSSL_VERSION_OVERRIDE=3/../evil.so
 * and its working directory holding a directory libssl.so.3/ and this library as evil.so: a .NET
 * runtime that honours the variable dlopens "libssl.so.3/../evil.so", i.e. this file. Its
 * constructor then runs inside the host (as root, for a setuid host) and leaves a marker saying so.
 * Build: cc -shared -fPIC -DMARKER='"/path/to/marker"' -o evil.so evil.c
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef MARKER
#error "define MARKER as the marker file's path"
#endif

__attribute__((constructor)) static void evil_ran(void)
{
    char line[128];
    int fd = open(MARKER, O_WRONLY | O_CREAT | O_APPEND, 0666);
    if (fd < 0)
        return;
    int n = snprintf(line, sizeof line, "evil.so ran: pid=%d uid=%d euid=%d\n", (int)getpid(),
                     (int)getuid(), (int)geteuid());
    if (n > 0 && write(fd, line, (size_t)n) < 0) {
        /* nothing to do: the marker's existence is the finding */
    }
    close(fd);
}

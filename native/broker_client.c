/*
 * broker_client.c - runs a request in the resident daemon (`pam-mysql-net daemon`) when the
 * pam.d line lets it (broker=auto, the default, or broker=required) and the daemon can be trusted.
 * With the daemon, the host process loads no runtime at all: the request's frames (frames.c)
 * travel over one UNIX-socket connection per PAM call, exactly as with the fork helper.
 *
 * Trust: the daemon serves only root hosts (it checks SO_PEERCRED), so a host whose effective
 * uid is not 0 does not try. The socket must be a socket owned by root, and the process that
 * listens on it must run as uid 0 (SO_PEERCRED of the connection). Anything else: one log line,
 * and the request runs in this process (auto) or is refused (required).
 *
 * Bounded time: the connect never waits (a full backlog counts as "daemon unavailable"), sends
 * give up after BROKER_SEND_MS, and the daemon sends a heartbeat while it works on a request, so
 * a silence of BROKER_IDLE_MS means a hung daemon.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <security/pam_ext.h>

#include "pmn_shim.h"

#ifndef PMN_BROKER_SOCKET
#define PMN_BROKER_SOCKET "/run/pam_mysql_net/socket"
#endif
/* The daemon sends a heartbeat every 500 ms while it works on a request. */
#define BROKER_IDLE_MS 3000
#define BROKER_SEND_MS 3000

/* The value of "NAME=" among the module arguments (the last one wins, as in the core), or NULL. */
static const char *argument(int argc, const char *const *argv, const char *name)
{
    size_t n = strlen(name);
    const char *value = NULL;
    for (int i = 0; i < argc; i++)
        if (argv[i] != NULL && strncmp(argv[i], name, n) == 0 && argv[i][n] == '=')
            value = argv[i] + n + 1;
    return value;
}

void pmn_broker_choose(int argc, const char *const *argv, pmn_broker_choice *choice)
{
    const char *mode = argument(argc, argv, "broker");
    const char *path = argument(argc, argv, "broker_socket");
    if (mode == NULL || strcmp(mode, "auto") == 0)
        choice->mode = PMN_BROKER_AUTO;
    else if (strcmp(mode, "required") == 0)
        choice->mode = PMN_BROKER_REQUIRED;
    else
        choice->mode = PMN_BROKER_OFF; /* "off", or a value the core will report as an error */
    choice->socket = path != NULL ? path : PMN_BROKER_SOCKET;
    if (choice->socket[0] != '/' || strlen(choice->socket) >= sizeof(((struct sockaddr_un *)0)->sun_path))
        choice->mode = PMN_BROKER_OFF; /* the core reports the bad path */
}

/* Not usable: refused (required) or left to this process (auto), with a log line if given. */
static int unusable(pam_handle_t *pamh, const pmn_broker_choice *choice, const char *why)
{
    if (choice->mode == PMN_BROKER_REQUIRED) {
        pam_syslog(pamh, LOG_ERR, "broker=required: %s; request refused", why);
        return PAM_AUTHINFO_UNAVAIL;
    }
    if (why[0] != '\0')
        pam_syslog(pamh, LOG_WARNING, "%s; running the request in this process", why);
    return PMN_BROKER_NOT_USED;
}

/* A connected socket to a root daemon, or -1 with *why set (empty: nothing worth a log line). */
static int connect_daemon(const char *path, char *why, size_t size)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        /* No daemon installed or running: the normal case with broker=auto, so no line. */
        snprintf(why, size, "%s", "");
        return -1;
    }
    if (!S_ISSOCK(st.st_mode) || st.st_uid != 0) {
        snprintf(why, size, "ignoring %s: not a socket owned by root", path);
        return -1;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        snprintf(why, size, "cannot create a socket for the daemon: %s", strerror(errno));
        return -1;
    }
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    memcpy(addr.sun_path, path, strlen(path) + 1);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        /* EAGAIN: the daemon's backlog is full; ECONNREFUSED: nothing listens (daemon stopped). */
        snprintf(why, size, "cannot reach the daemon at %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    struct ucred peer;
    socklen_t len = sizeof peer;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 || len != sizeof peer) {
        snprintf(why, size, "cannot tell who listens on %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    if (peer.uid != 0) {
        snprintf(why, size, "ignoring the daemon at %s: it runs as uid %u, not root", path, (unsigned)peer.uid);
        close(fd);
        return -1;
    }
    /* Blocking from here on; reads poll with a deadline (frames.c), sends time out. */
    int flags = fcntl(fd, F_GETFL);
    struct timeval send_limit = { BROKER_SEND_MS / 1000, (BROKER_SEND_MS % 1000) * 1000 };
    if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0
        || setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_limit, sizeof send_limit) != 0) {
        snprintf(why, size, "cannot set up the connection to %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int pmn_broker_call(pam_handle_t *pamh, const pmn_broker_choice *choice, const pmn_request *request)
{
    char why[512];
    if (choice->mode == PMN_BROKER_OFF)
        return PMN_BROKER_NOT_USED;
    if (geteuid() != 0) {
        snprintf(why, sizeof why, "the daemon serves only root hosts, and this one runs as uid %u",
                 (unsigned)geteuid());
        return choice->mode == PMN_BROKER_REQUIRED ? unusable(pamh, choice, why) : PMN_BROKER_NOT_USED;
    }
    int fd = connect_daemon(choice->socket, why, sizeof why);
    if (fd < 0) {
        if (why[0] == '\0' && choice->mode == PMN_BROKER_REQUIRED)
            snprintf(why, sizeof why, "the daemon's socket %s does not exist", choice->socket);
        return unusable(pamh, choice, why);
    }
    int32_t version = 0;
    int rc = pmn_frames_exchange(fd, request, BROKER_IDLE_MS, &version);
    close(fd);
    if (rc >= 0)
        return rc;
    if (rc == PMN_EXCHANGE_VERSION) {
        snprintf(why, sizeof why, "the daemon at %s speaks ABI %d, this module %u: restart the daemon",
                 choice->socket, version, PMN_ABI_VERSION);
        return unusable(pamh, choice, why);
    }
    /* Died, hung or spoke garbage. A password change may have been written already: it is
     * not run a second time in this process. */
    if (request->operation == PMN_OP_CHAUTHTOK && choice->mode == PMN_BROKER_AUTO) {
        pam_syslog(pamh, LOG_ERR, "the daemon at %s failed to answer a password change; request refused",
                   choice->socket);
        return PAM_AUTHINFO_UNAVAIL;
    }
    snprintf(why, sizeof why, "the daemon at %s failed to answer", choice->socket);
    return unusable(pamh, choice, why);
}

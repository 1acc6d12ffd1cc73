/*
 * helper_client.c - runs one request in a freshly exec'd helper (`pam-mysql-net pam-helper`).
 * Used in a process whose ancestor started the .NET runtime, where the runtime must not be
 * re-entered. The helper runs the same managed code; this side relays its log lines to
 * pam_syslog and answers its password requests through the host's PAM conversation.
 * Frames are described in managed/PamMySqlNet.Core/Helper/HelperProtocol.cs.
 *
 * A socketpair (not pipes) so that writes use MSG_NOSIGNAL: a dead helper must not SIGPIPE the host.
 * The result comes from the 'R' frame, not the exit status: hosts such as saslauthd reap children
 * in a SIGCHLD handler.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <security/pam_ext.h>

#include "pmn_shim.h"

/* Longest silence we accept from the helper: above the largest connect + query timeouts. */
#define HELPER_IDLE_MS 130000
#define MAX_FRAME (1u << 20)
/* How long a helper that has answered may take to exit before it is killed. */
#define REAP_MS 2000

struct buf {
    unsigned char *data;
    size_t len, cap;
};

static int buf_put(struct buf *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (d == NULL)
            return -1;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

static int put_int(struct buf *b, int32_t v)
{
    unsigned char le[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                            (unsigned char)(v >> 24) };
    return buf_put(b, le, 4);
}

static int put_str(struct buf *b, const char *s)
{
    if (s == NULL)
        return put_int(b, -1);
    size_t n = strlen(s);
    return put_int(b, (int32_t)n) || buf_put(b, s, n);
}

static void buf_wipe(struct buf *b)
{
    if (b->data != NULL)
        explicit_bzero(b->data, b->cap);
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static int32_t get_int(const unsigned char *p)
{
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

static int send_all(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

static int send_frame(int fd, char type, const struct buf *payload)
{
    unsigned char head[5] = { (unsigned char)type };
    uint32_t n = (uint32_t)payload->len;
    head[1] = (unsigned char)n; head[2] = (unsigned char)(n >> 8);
    head[3] = (unsigned char)(n >> 16); head[4] = (unsigned char)(n >> 24);
    return send_all(fd, head, 5) || send_all(fd, payload->data, payload->len);
}

static int recv_all(int fd, void *p, size_t n)
{
    char *c = p;
    while (n > 0) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int r = poll(&pfd, 1, HELPER_IDLE_MS);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1; /* timeout or error */
        ssize_t got = recv(fd, c, n, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        c += got;
        n -= (size_t)got;
    }
    return 0;
}

/* Reads one frame; *payload is malloc'ed (caller wipes and frees). */
static int recv_frame(int fd, char *type, unsigned char **payload, uint32_t *len)
{
    unsigned char head[5];
    if (recv_all(fd, head, 5) != 0)
        return -1;
    *type = (char)head[0];
    *len = (uint32_t)get_int(head + 1);
    if (*len > MAX_FRAME)
        return -1;
    *payload = malloc(*len + 1);
    if (*payload == NULL)
        return -1;
    if (recv_all(fd, *payload, *len) != 0) {
        free(*payload);
        return -1;
    }
    (*payload)[*len] = '\0';
    return 0;
}

static int encode_request(struct buf *b, const pmn_request *r)
{
    int bad = put_int(b, (int32_t)r->abi_version) || put_int(b, r->operation) || put_int(b, r->flags)
              || put_int(b, r->argc);
    for (int i = 0; !bad && i < r->argc; i++)
        bad = put_str(b, r->argv[i]);
    return bad || put_str(b, r->user) || put_str(b, r->service) || put_str(b, r->rhost)
           || put_int(b, r->caller_uid) || put_int(b, r->caller_pid);
}

/* Reads the string at *offset of a payload (NUL-terminated copy in out, at most cap bytes). */
static int get_str(const unsigned char *payload, uint32_t len, uint32_t *offset, char *out, size_t cap)
{
    if (*offset + 4 > len)
        return -1;
    int32_t n = get_int(payload + *offset);
    *offset += 4;
    if (n < 0) {
        out[0] = '\0';
        return 1; /* NULL */
    }
    if ((uint32_t)n > len - *offset || (size_t)n >= cap)
        return -1;
    memcpy(out, payload + *offset, (size_t)n);
    out[n] = '\0';
    *offset += (uint32_t)n;
    return 0;
}

/* Answers an 'A' frame (item, mode, prompt): asks libpam for a password, sends a 'T' frame back. */
static int answer_authtok(int fd, const pmn_request *r, const unsigned char *payload, uint32_t len)
{
    const char *token = NULL;
    char prompt[256];
    uint32_t offset = 8;
    int rc = len >= 8 && get_str(payload, len, &offset, prompt, sizeof prompt) >= 0
        ? r->callbacks->get_authtok(r->callbacks->ctx, get_int(payload), get_int(payload + 4), prompt, &token)
        : PAM_CONV_ERR;
    struct buf reply = { 0 };
    int bad = put_int(&reply, rc) || put_str(&reply, rc == PAM_SUCCESS ? token : NULL)
              || send_frame(fd, 'T', &reply);
    buf_wipe(&reply);
    return bad ? -1 : 0;
}

/* Answers an 'S' frame (item, password): stores the item, sends a 'T' frame with the code. */
static int answer_set_authtok(int fd, const pmn_request *r, const unsigned char *payload, uint32_t len)
{
    int rc = PAM_CONV_ERR;
    if (len >= 8) {
        int32_t n = get_int(payload + 4);
        /* payload is NUL-terminated after len bytes, so the string ends at the payload's end */
        if (n >= 0 && (uint32_t)n == len - 8 && memchr(payload + 8, '\0', (size_t)n) == NULL)
            rc = r->callbacks->set_authtok(r->callbacks->ctx, get_int(payload), (const char *)payload + 8);
    }
    struct buf reply = { 0 };
    int bad = put_int(&reply, rc) || put_str(&reply, NULL) || send_frame(fd, 'T', &reply);
    buf_wipe(&reply);
    return bad ? -1 : 0;
}

/* Relays an 'L' frame to the host's log. */
static void relay_log(const pmn_request *r, const unsigned char *payload, uint32_t len)
{
    if (len < 8)
        return;
    int32_t n = get_int(payload + 4);
    if (n < 0 || (uint32_t)n > len - 8)
        return;
    /* payload is NUL-terminated after len bytes; the string ends exactly at the payload's end */
    if ((uint32_t)n == len - 8)
        r->callbacks->log(r->callbacks->ctx, get_int(payload), (const char *)payload + 8);
}

/*
 * In the child: fd 0 and 1 become the socket, fd 2 /dev/null, fd 3 the helper's file (close-on-exec:
 * execveat runs an ELF file from it all the same), nothing else stays open. Returns 3, or -1.
 * The socket and the file are first copied above 2, so that no dup2 meets itself (a host with
 * fd 0-2 closed hands out the socket as fd 0 or 1, and dup2 onto the same number would keep its
 * close-on-exec flag), and /dev/null goes to 2 before the socket takes 0 and 1 (it may be 0 or 1).
 */
static int child_fds(int fd, int exe)
{
    int high = fcntl(fd, F_DUPFD, 3);
    int exe_high = fcntl(exe, F_DUPFD_CLOEXEC, 3);
    int null = open("/dev/null", O_RDWR);
    if (high < 0 || exe_high < 0 || null < 0 || dup2(null, 2) < 0 || dup2(high, 0) < 0 || dup2(high, 1) < 0)
        return -1;
    if (exe_high != 3 && (dup2(exe_high, 3) < 0 || fcntl(3, F_SETFD, FD_CLOEXEC) < 0))
        return -1;
    if (close_range(4, ~0u, 0) != 0) {
        /* Older kernels: close them one by one. */
        long max = sysconf(_SC_OPEN_MAX);
        for (long i = 4; i < (max > 0 && max < 65536 ? max : 65536); i++)
            close((int)i);
    }
    return 3;
}

/* What the host leaves to its children that must not reach the helper: signal handlers and
 * ignored signals, the signal mask, the working directory, the umask, core dumps. */
static void child_state(void)
{
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            sigaction(sig, &dfl, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    umask(077);
    if (chdir("/") != 0)
        _exit(127);
    struct rlimit no_core = { 0, 0 };
    setrlimit(RLIMIT_CORE, &no_core);
}

/* Runs the helper from the descriptor EXE (checked by pmn_open_trusted), never from its path. */
static pid_t start_helper(int exe, int fd)
{
    char *const argv[] = { (char *)"pam-mysql-net", (char *)"pam-helper", NULL };
    /* A fixed environment: nothing of the host's reaches the helper's runtime. */
    char *const envp[] = { (char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", (char *)"MALLOC_ARENA_MAX=1", NULL };
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    /* Child: only async-signal-safe calls until fexecve (glibc: execveat with AT_EMPTY_PATH). */
    child_state();
    int exe_fd = child_fds(fd, exe);
    if (exe_fd < 0)
        _exit(127);
    fexecve(exe_fd, argv, envp);
    _exit(127);
}

/* A descriptor for the child, so that killing it can never hit a reused pid (-1 if unsupported). */
static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    return -1;
#endif
}

static void kill_child(pid_t pid, int pidfd)
{
#ifdef SYS_pidfd_send_signal
    if (pidfd >= 0) {
        syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
        return;
    }
#endif
    /* No pidfd: only while the child is certainly not reaped yet (WNOWAIT leaves it a zombie). */
    siginfo_t info = { 0 };
    if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == 0)
        kill(pid, SIGKILL);
}

/* Reaps the child, waiting at most REAP_MS for it to exit (it exits right after its answer);
 * a child still running then is killed. ECHILD: the host's own SIGCHLD handler reaped it. */
static void reap_child(pid_t pid, int pidfd)
{
    for (int waited = 0;; waited += 10) {
        pid_t r = waitpid(pid, NULL, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return;
        if (waited >= REAP_MS) {
            kill_child(pid, pidfd);
            while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
            return;
        }
        if (pidfd >= 0) {
            struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
            (void)poll(&pfd, 1, 10);
        } else {
            struct timespec ten_ms = { 0, 10 * 1000 * 1000 };
            nanosleep(&ten_ms, NULL);
        }
    }
}

int pmn_helper_call(pam_handle_t *pamh, int helper_fd, const char *helper_path, const pmn_request *request)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
        pam_syslog(pamh, LOG_ERR, "cannot create the helper socket: %m");
        return PAM_SERVICE_ERR;
    }
    pid_t pid = start_helper(helper_fd, sv[1]);
    close(sv[1]);
    if (pid < 0) {
        close(sv[0]);
        pam_syslog(pamh, LOG_ERR, "cannot start the helper: %m");
        return PAM_SERVICE_ERR;
    }
    int pidfd = open_pidfd(pid);

    int result = -1;
    struct buf req = { 0 };
    if (encode_request(&req, request) == 0 && send_frame(sv[0], 'Q', &req) == 0) {
        char type;
        unsigned char *payload;
        uint32_t len;
        while (result < 0 && recv_frame(sv[0], &type, &payload, &len) == 0) {
            int bad = 0;
            if (type == 'L')
                relay_log(request, payload, len);
            else if (type == 'A')
                bad = answer_authtok(sv[0], request, payload, len);
            else if (type == 'S')
                bad = answer_set_authtok(sv[0], request, payload, len);
            else if (type == 'D' && len >= 4)
                request->callbacks->fail_delay(request->callbacks->ctx, (unsigned int)get_int(payload));
            else if (type == 'R' && len >= 4)
                result = get_int(payload);
            else
                bad = 1;
            explicit_bzero(payload, len);
            free(payload);
            if (bad)
                break;
        }
    }
    buf_wipe(&req);
    close(sv[0]);
    if (result < 0) {
        kill_child(pid, pidfd);
        pam_syslog(pamh, LOG_ERR, "the helper %s failed to answer", helper_path);
        result = PAM_SERVICE_ERR;
    }
    reap_child(pid, pidfd);
    if (pidfd >= 0)
        close(pidfd);
    return result;
}

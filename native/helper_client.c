/*
 * helper_client.c - runs one request in a freshly exec'd helper (`pam-mysql-net pam-helper`).
 * Used in a process whose ancestor started the .NET runtime, where the runtime must not be
 * re-entered, and in hosts where it must not start at all (host_route.c). The helper runs the
 * same managed code; the request's frames are exchanged by frames.c.
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
/* How long a helper that has answered may take to exit before it is killed. */
#define REAP_MS 2000

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

    int32_t version = 0;
    int result = pmn_frames_exchange(sv[0], request, HELPER_IDLE_MS, &version);
    close(sv[0]);
    if (result == PMN_EXCHANGE_VERSION) {
        pam_syslog(pamh, LOG_ERR, "the helper %s speaks ABI %d, this module %u: reinstall both from one build",
                   helper_path, version, PMN_ABI_VERSION);
    } else if (result < 0) {
        pam_syslog(pamh, LOG_ERR, "the helper %s failed to answer", helper_path);
    }
    if (result < 0) {
        kill_child(pid, pidfd);
        result = PAM_SERVICE_ERR;
    }
    reap_child(pid, pidfd);
    if (pidfd >= 0)
        close(pidfd);
    return result;
}

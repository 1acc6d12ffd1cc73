/*
 * pmn_pam_host - a small PAM application for the integration tests. It loads modules through the
 * real libpam, with service files from a private directory (pam_start_confdir), and checks the
 * host-safety properties of a module:
 *
 *   pmn_pam_host CONFDIR SERVICE USER PASSWORD EXPECT auth
 *       one pam_authenticate; exit 0 iff it returned EXPECT (a PAM code number)
 *   ... acct                      one pam_acct_mgmt
 *   ... chauthtok                 one pam_chauthtok; prompts are answered from PMN_OLD ("Current
 *                                 password"), PMN_RETYPE ("Retype") and PMN_NEW ("New password")
 *   ... session                   pam_open_session then pam_close_session; prints both codes
 *   ... cycles N                  N x (pam_start, pam_authenticate, pam_end) in this process;
 *                                 prints thread/fd/RSS counts after the first cycle, after a
 *                                 warm-up (N/10 cycles, at least 7 s) and at the end
 *   ... fork DEPTH                authenticate, fork, authenticate in the child, and so on DEPTH deep;
 *                                 every generation must get EXPECT, and a wrong password PAM_AUTH_ERR
 *   ... sigpipe                   the host's SIGPIPE disposition (default, then a handler) must be
 *                                 unchanged by authenticating
 *   ... threads T [N]             T threads at once, each N (default 100) x pam_authenticate, as a
 *                                 multi-threaded host; exit 0 iff every answer was EXPECT
 *   ... timing N                  N rounds of: authenticate USER with PASSWORD (expected wrong) and
 *                                 the user named by PMN_OTHER_USER (expected unknown), alternating
 *                                 which goes first; prints the median and p90 of each, wall and
 *                                 process CPU time, in microseconds
 *
 *   ... call OP                   the differential suite's call: one PAM call OP (auth, acct,
 *                                 chauthtok, open, close) with flags and answers from the
 *                                 environment (below); prints "rc=N prompts=M" and exits 0 (a
 *                                 module that crashes shows as no line and a signal); PASSWORD and
 *                                 EXPECT are unused. DH_PASS answers "Password" prompts (default
 *                                 empty), DH_PASS_FIRST only the first one; DH_OLD, DH_NEW and
 *                                 DH_RETYPE (default DH_NEW) the current / new / retype prompts
 *                                 (matched case-insensitively, also "old" and "again"); DH_RHOST
 *                                 is PAM_RHOST; DH_FLAGS the call's flags (decimal)
 *   ... steps                     reads lines from stdin, in this one process: "auth USER PASSWORD
 *                                 [RHOST|-]" authenticates (RHOST as PAM_RHOST, - none) and prints
 *                                 "step N USER: rc=N (text) us=MICROSECONDS"; "sleep MS" waits;
 *                                 "run COMMAND" runs a shell command (e.g. to stop a server);
 *                                 USER, PASSWORD and EXPECT on the command line are unused
 *
 * The password answers every echo-off prompt. The code printed is "rc=N (text)". PMN_RHOST, when
 * set, is put as PAM_RHOST on every handle.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <security/pam_appl.h>

#include "proc_status.h"

static const char *confdir, *service, *user, *password, *rhost;

/* The answer to a prompt: the password-change prompts take theirs from the environment. */
static const char *answer(const char *prompt, const char *secret)
{
    const char *old = getenv("PMN_OLD"), *fresh = getenv("PMN_NEW"), *retype = getenv("PMN_RETYPE");
    if (strstr(prompt, "Current") != NULL && old != NULL)
        return old;
    if (strstr(prompt, "Retype") != NULL && (retype != NULL || fresh != NULL))
        return retype != NULL ? retype : fresh;
    if (strstr(prompt, "New") != NULL && fresh != NULL)
        return fresh;
    return secret;
}

static int converse(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
    const char *secret = data;
    struct pam_response *r = calloc((size_t)n, sizeof *r);
    if (r == NULL)
        return PAM_BUF_ERR;
    for (int i = 0; i < n; i++) {
        if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF || msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
            r[i].resp = strdup(answer(msg[i]->msg, secret));
    }
    *resp = r;
    return PAM_SUCCESS;
}

enum op { OP_AUTH, OP_ACCT, OP_CHAUTHTOK, OP_OPEN_SESSION, OP_CLOSE_SESSION };

/* The call mode's answers (see the header): prompts counted, told apart by their words. */
static int call_prompts, call_password_prompts;

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v != NULL ? v : fallback;
}

static const char *call_answer(const char *prompt)
{
    call_prompts++;
    if (strcasestr(prompt, "current") != NULL || strcasestr(prompt, "old") != NULL)
        return env_or("DH_OLD", "");
    if (strcasestr(prompt, "retype") != NULL || strcasestr(prompt, "again") != NULL)
        return env_or("DH_RETYPE", env_or("DH_NEW", ""));
    if (strcasestr(prompt, "new") != NULL)
        return env_or("DH_NEW", "");
    if (call_password_prompts++ == 0 && getenv("DH_PASS_FIRST") != NULL)
        return getenv("DH_PASS_FIRST");
    return env_or("DH_PASS", "");
}

static int call_converse(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
    (void)data;
    struct pam_response *r = calloc((size_t)n, sizeof *r);
    if (r == NULL)
        return PAM_BUF_ERR;
    for (int i = 0; i < n; i++) {
        if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF || msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
            r[i].resp = strdup(call_answer(msg[i]->msg));
    }
    *resp = r;
    return PAM_SUCCESS;
}

static int do_call(const char *name)
{
    static const struct { const char *name; enum op op; } ops[] = {
        { "auth", OP_AUTH }, { "acct", OP_ACCT }, { "chauthtok", OP_CHAUTHTOK },
        { "open", OP_OPEN_SESSION }, { "close", OP_CLOSE_SESSION },
    };
    int found = -1;
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (strcmp(name, ops[i].name) == 0)
            found = (int)i;
    if (found < 0) {
        fprintf(stderr, "unknown operation %s\n", name);
        return 2;
    }
    struct pam_conv conv = { call_converse, NULL };
    pam_handle_t *pamh = NULL;
    int rc = pam_start_confdir(service, user, &conv, confdir, &pamh);
    if (rc != PAM_SUCCESS) {
        printf("rc=start-failed-%d prompts=0\n", rc);
        return 1;
    }
    if (getenv("DH_RHOST") != NULL)
        pam_set_item(pamh, PAM_RHOST, getenv("DH_RHOST"));
    int flags = atoi(env_or("DH_FLAGS", "0"));
    switch (ops[found].op) {
    case OP_AUTH: rc = pam_authenticate(pamh, flags); break;
    case OP_ACCT: rc = pam_acct_mgmt(pamh, flags); break;
    case OP_CHAUTHTOK: rc = pam_chauthtok(pamh, flags); break;
    case OP_OPEN_SESSION: rc = pam_open_session(pamh, flags); break;
    case OP_CLOSE_SESSION: rc = pam_close_session(pamh, flags); break;
    }
    printf("rc=%d prompts=%d\n", rc, call_prompts);
    fflush(stdout);
    pam_end(pamh, rc);
    return 0;
}

/* One pam_start / operation / pam_end; returns the operation's code. */
static int run_op(const char *secret, enum op op)
{
    struct pam_conv conv = { converse, (void *)secret };
    pam_handle_t *pamh = NULL;
    int rc = pam_start_confdir(service, user, &conv, confdir, &pamh);
    if (rc != PAM_SUCCESS) {
        fprintf(stderr, "pam_start_confdir: %d\n", rc);
        return -1;
    }
    /* PMN_RHOST (or a step's): the remote host, as sshd or dovecot set it (PAM_RHOST). */
    if (rhost != NULL && rhost[0] != '\0' && pam_set_item(pamh, PAM_RHOST, rhost) != PAM_SUCCESS) {
        pam_end(pamh, PAM_SYSTEM_ERR);
        return -1;
    }
    switch (op) {
    case OP_AUTH: rc = pam_authenticate(pamh, 0); break;
    case OP_ACCT: rc = pam_acct_mgmt(pamh, 0); break;
    case OP_CHAUTHTOK: rc = pam_chauthtok(pamh, 0); break;
    case OP_OPEN_SESSION: rc = pam_open_session(pamh, 0); break;
    case OP_CLOSE_SESSION: rc = pam_close_session(pamh, 0); break;
    }
    pam_end(pamh, rc);
    return rc;
}

static int run_once(const char *secret, int acct)
{
    return run_op(secret, acct ? OP_ACCT : OP_AUTH);
}

static long count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    long n = 0;
    while (d != NULL && readdir(d) != NULL)
        n++;
    if (d != NULL)
        closedir(d);
    return n - 3; /* ".", ".." and the directory itself */
}

static void print_counts(const char *when)
{
    printf("%s: threads=%ld fds=%ld rss_kb=%ld vmsize_kb=%ld\n", when, status_field("Threads"),
           count_fds(), status_field("VmRSS"), status_field("VmSize"));
    fflush(stdout);
}

static int check(const char *what, int got, int expect)
{
    printf("%s[%d]: rc=%d (%s)\n", what, (int)getpid(), got, got >= 0 ? pam_strerror(NULL, got) : "start failed");
    fflush(stdout);
    return got == expect ? 0 : 1;
}

static int do_cycles(long n, int expect)
{
    print_counts("before first cycle");
    int bad = check("cycle 1", run_once(password, 0), expect);
    print_counts("after first cycle");
    /* Warm-up: N/10 cycles and at least 7 s, so that everything started lazily is running before
     * the baseline is taken: the driver's timeout timer first wakes the runtime's thread pool when
     * a timeout would have expired (default 5 s). */
    long warm = n / 10 > 1 ? n / 10 : 1;
    time_t warm_until = time(NULL) + 7;
    long i;
    for (i = 2; (i <= n || warm > 0) && !bad; i++) {
        if (warm > 0 && i > warm && time(NULL) >= warm_until) {
            print_counts("after warm-up");
            warm = 0;
        }
        int rc = run_once(password, 0);
        if (rc != expect) {
            bad = check("cycle", rc, expect);
            printf("failed at cycle %ld\n", i);
        }
    }
    print_counts("after last cycle");
    printf("cycles=%ld failed=%d\n", i - 1, bad);
    return bad;
}

static int do_fork(int depth, int expect)
{
    if (check("auth", run_once(password, 0), expect) != 0)
        return 1;
    if (check("wrong password", run_once("definitely-not-the-password", 0), PAM_AUTH_ERR) != 0)
        return 1;
    if (depth == 0)
        return 0;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0)
        _exit(do_fork(depth - 1, expect));
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
        printf("child %d died abnormally (status 0x%x)\n", (int)pid, status);
        return 1;
    }
    /* And the parent still works after its child used the helper. */
    return WEXITSTATUS(status) | check("auth after fork", run_once(password, 0), expect);
}

static long elapsed_us(const struct timespec *a, const struct timespec *b)
{
    return (b->tv_sec - a->tv_sec) * 1000000L + (b->tv_nsec - a->tv_nsec) / 1000;
}

static int by_value(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static long cpu_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1000000L + t.tv_nsec / 1000;
}

/* Median and 90th percentile of n values (sorts them). */
static void print_spread(const char *name, long *v, long n)
{
    qsort(v, (size_t)n, sizeof *v, by_value);
    printf("%s=%ld p90=%ld\n", name, v[n / 2], v[n * 9 / 10]);
}

static int do_timing(long n)
{
    const char *other = getenv("PMN_OTHER_USER");
    if (other == NULL || n < 1)
        return 2;
    /* wall and CPU time of each kind: [0] wrong password, [1] unknown user */
    long *wall[2] = { calloc((size_t)n, sizeof(long)), calloc((size_t)n, sizeof(long)) };
    long *cpu[2] = { calloc((size_t)n, sizeof(long)), calloc((size_t)n, sizeof(long)) };
    if (!wall[0] || !wall[1] || !cpu[0] || !cpu[1])
        return 2;
    const char *known = user;
    run_once(password, 0); /* warm-up: runtime, connection, dummy hash */
    for (long i = 0; i < n; i++) {
        /* The two kinds alternate which goes first, so that whatever the first call of a pair
         * pays (or leaves warm for the second) falls on both alike. */
        for (int k = 0; k < 2; k++) {
            int kind = (i % 2 == 0) ? k : 1 - k;
            struct timespec t0, t1;
            long c0 = cpu_us();
            clock_gettime(CLOCK_MONOTONIC, &t0);
            user = kind == 0 ? known : other;
            int rc = run_once(password, 0);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            cpu[kind][i] = cpu_us() - c0;
            wall[kind][i] = elapsed_us(&t0, &t1);
            if (rc != (kind == 0 ? PAM_AUTH_ERR : PAM_USER_UNKNOWN)) {
                printf("unexpected code %d for the %s\n", rc, kind == 0 ? "wrong password" : "unknown user");
                return 1;
            }
        }
    }
    print_spread("wrong_password_median_us", wall[0], n);
    print_spread("unknown_user_median_us", wall[1], n);
    print_spread("wrong_password_cpu_median_us", cpu[0], n);
    print_spread("unknown_user_cpu_median_us", cpu[1], n);
    for (int k = 0; k < 2; k++) {
        free(wall[k]);
        free(cpu[k]);
    }
    return 0;
}

static int do_steps(void)
{
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, stdin) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        char *rest = NULL, *word = strtok_r(line, " ", &rest);
        if (word == NULL)
            continue;
        if (strcmp(word, "sleep") == 0) {
            long ms = rest != NULL ? atol(rest) : 0;
            struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
            nanosleep(&ts, NULL);
        } else if (strcmp(word, "run") == 0) {
            fflush(stdout);
            if (rest == NULL || system(rest) != 0)
                printf("run failed: %s\n", rest != NULL ? rest : "");
        } else if (strcmp(word, "auth") == 0) {
            const char *u = strtok_r(NULL, " ", &rest), *p = strtok_r(NULL, " ", &rest), *r = strtok_r(NULL, " ", &rest);
            if (u == NULL || p == NULL) {
                printf("bad step\n");
                return 2;
            }
            user = u;
            rhost = r == NULL || strcmp(r, "-") == 0 ? NULL : r;
            struct timespec t0, t1;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            int rc = run_once(p, 0);
            clock_gettime(CLOCK_MONOTONIC, &t1);
            printf("step %d %s: rc=%d (%s) us=%ld\n", ++n, u, rc, rc >= 0 ? pam_strerror(NULL, rc) : "start failed",
                   (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000);
        } else {
            printf("unknown step %s\n", word);
            return 2;
        }
        fflush(stdout);
    }
    return 0;
}

static void on_sigpipe(int sig) { (void)sig; }

static int same_disposition(void (*want)(int), const char *label)
{
    struct sigaction now;
    sigaction(SIGPIPE, NULL, &now);
    int ok = now.sa_handler == want;
    printf("SIGPIPE %s after authenticating: %s\n", label, ok ? "unchanged" : "CHANGED");
    return ok ? 0 : 1;
}

/* threads T: T threads, each N logins (pam_start, pam_authenticate, pam_end) at the same time,
 * as a multi-threaded PAM application (a RADIUS or VPN server) makes them. */
struct thread_job {
    long n;
    int expect;
    long wrong;
};

static void *thread_logins(void *arg)
{
    struct thread_job *job = arg;
    for (long i = 0; i < job->n; i++)
        if (run_op(password, OP_AUTH) != job->expect)
            job->wrong++;
    return NULL;
}

static int do_threads(int count, long n, int expect)
{
    pthread_t tid[64];
    struct thread_job jobs[64];
    if (count < 1 || count > 64)
        return 2;
    for (int i = 0; i < count; i++) {
        jobs[i] = (struct thread_job){ .n = n, .expect = expect };
        if (pthread_create(&tid[i], NULL, thread_logins, &jobs[i]) != 0)
            return 2;
    }
    long wrong = 0;
    for (int i = 0; i < count; i++) {
        pthread_join(tid[i], NULL);
        wrong += jobs[i].wrong;
    }
    printf("threads: %d x %ld logins, %ld not as expected\n", count, n, wrong);
    return wrong == 0 ? 0 : 1;
}

static int do_sigpipe(int expect)
{
    signal(SIGPIPE, SIG_DFL);
    int bad = check("auth", run_once(password, 0), expect) | same_disposition(SIG_DFL, "default");
    signal(SIGPIPE, on_sigpipe);
    bad |= check("auth", run_once(password, 0), expect) | same_disposition(on_sigpipe, "handler");
    return bad;
}

int main(int argc, char **argv)
{
    if (argc < 7) {
        fprintf(stderr, "usage: %s CONFDIR SERVICE USER PASSWORD EXPECT auth|acct|chauthtok|session|cycles N|fork DEPTH|sigpipe|timing N|threads T [N]|steps|call OP\n", argv[0]);
        return 2;
    }
    confdir = argv[1];
    service = argv[2];
    user = argv[3];
    password = argv[4];
    int expect = atoi(argv[5]);
    const char *mode = argv[6];
    const char *arg = argc > 7 ? argv[7] : "1";
    rhost = getenv("PMN_RHOST");

    if (strcmp(mode, "auth") == 0)
        return check("auth", run_once(password, 0), expect);
    if (strcmp(mode, "acct") == 0)
        return check("acct", run_once(password, 1), expect);
    if (strcmp(mode, "chauthtok") == 0)
        return check("chauthtok", run_op(password, OP_CHAUTHTOK), expect);
    if (strcmp(mode, "session") == 0)
        return check("open_session", run_op(password, OP_OPEN_SESSION), expect)
               | check("close_session", run_op(password, OP_CLOSE_SESSION), expect);
    if (strcmp(mode, "cycles") == 0)
        return do_cycles(atol(arg), expect);
    if (strcmp(mode, "fork") == 0)
        return do_fork(atoi(arg), expect);
    if (strcmp(mode, "timing") == 0)
        return do_timing(atol(arg));
    if (strcmp(mode, "threads") == 0)
        return do_threads(atoi(arg), argc > 8 ? atol(argv[8]) : 100, expect);
    if (strcmp(mode, "steps") == 0)
        return do_steps();
    if (strcmp(mode, "call") == 0)
        return do_call(arg);
    if (strcmp(mode, "sigpipe") == 0)
        return do_sigpipe(expect);
    fprintf(stderr, "unknown mode %s\n", mode);
    return 2;
}

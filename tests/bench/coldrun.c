/*
 * coldrun - cold-login latency: one fresh `pamtester SERVICE USER authenticate` process per login,
 * the services interleaved within each round (the order rotates every round, so no module always
 * runs right after another one), the accounts spread over the whole table.
 *
 *   coldrun ROUNDS ACCOUNTS_FILE LABEL=SERVICE [LABEL=SERVICE ...]
 *
 * Prints one line per service:
 *   LABEL n=.. ok=.. median_ms=.. p95_ms=.. mean_ms=.. first_half_median_ms=.. second_half_median_ms=..
 *       cpu_median_ms=.. cpu_p95_ms=..
 * (the two half medians show drift over the run). The time is fork+exec to reaped exit, measured
 * here with CLOCK_MONOTONIC; cpu is the child's user+system CPU time (wait4), which waiting for
 * a core on a busy machine does not inflate. ok counts exit status 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stats.h"

extern char **environ;

static int run_pamtester(const char *service, const struct account *a, double *elapsed_us, double *cpu_us)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    char *argv[] = { "pamtester", (char *)service, a->user, "authenticate", NULL };
    pid_t pid;
    double start = now_us();
    int rc = posix_spawnp(&pid, "pamtester", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[0]);
    if (rc != 0) {
        close(fds[1]);
        return -1;
    }
    /* The answer to pamtester's password prompt (it reads stdin). */
    dprintf(fds[1], "%s\n", a->pass);
    close(fds[1]);
    int status;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
        ;
    *elapsed_us = now_us() - start;
    *cpu_us = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: coldrun ROUNDS ACCOUNTS_FILE LABEL=SERVICE...\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    long rounds = strtol(argv[1], NULL, 10);
    size_t naccounts;
    struct account *accounts = read_accounts(argv[2], &naccounts);
    int nsvc = argc - 3;
    char **label = calloc((size_t)nsvc, sizeof *label), **service = calloc((size_t)nsvc, sizeof *service);
    double **times = calloc((size_t)nsvc, sizeof *times), **cpu = calloc((size_t)nsvc, sizeof *cpu);
    long *ok = calloc((size_t)nsvc, sizeof *ok);
    for (int s = 0; s < nsvc; s++) {
        label[s] = strdup(argv[3 + s]);
        char *eq = strchr(label[s], '=');
        if (eq == NULL) {
            fprintf(stderr, "bad LABEL=SERVICE: %s\n", argv[3 + s]);
            return 2;
        }
        *eq = 0;
        service[s] = eq + 1;
        times[s] = calloc((size_t)rounds, sizeof **times);
        cpu[s] = calloc((size_t)rounds, sizeof **cpu);
    }
    for (long r = 0; r < rounds; r++) {
        /* Same account for every service in a round; a large prime stride walks the table. */
        const struct account *a = &accounts[((size_t)r * 7919u) % naccounts];
        for (int k = 0; k < nsvc; k++) {
            int s = (int)((r + k) % nsvc);
            double us = 0, cpu_us = 0;
            if (run_pamtester(service[s], a, &us, &cpu_us) == 0)
                ok[s]++;
            times[s][r] = us;
            cpu[s][r] = cpu_us;
        }
    }
    for (int s = 0; s < nsvc; s++) {
        size_t n = (size_t)rounds, h = n / 2;
        printf("%s n=%zu ok=%ld median_ms=%.3f p95_ms=%.3f mean_ms=%.3f first_half_median_ms=%.3f second_half_median_ms=%.3f cpu_median_ms=%.3f cpu_p95_ms=%.3f\n",
               label[s], n, ok[s], percentile(times[s], n, 50) / 1e3, percentile(times[s], n, 95) / 1e3,
               mean(times[s], n) / 1e3, percentile(times[s], h, 50) / 1e3,
               percentile(times[s] + h, n - h, 50) / 1e3, percentile(cpu[s], n, 50) / 1e3,
               percentile(cpu[s], n, 95) / 1e3);
    }
    return 0;
}

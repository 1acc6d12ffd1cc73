/*
 * saslbench - a saslauthd client for the warm-path benchmark: speaks saslauthd's socket protocol
 * (login, password, service, realm: each a 16-bit big-endian length and the bytes; the answer is
 * one such string, "OK..." or "NO...") on one fresh connection per login, as Cyrus SASL does.
 * No process is started per login. Several targets (one saslauthd each) are measured
 * interleaved, so load from elsewhere on the machine hits them all alike.
 *
 *   saslbench lat  ACCOUNTS N OFFSET TARGET...
 *       N rounds; each round one login per target, the order rotating every round
 *   saslbench tput ACCOUNTS THREADS SECONDS SLICE TARGET...
 *       THREADS clients looping; the targets take turns in SLICE-second slices until each has had
 *       SECONDS; a barrier between slices (no slice sees the previous target's stragglers)
 *   TARGET = LABEL=MUX_PATH,SERVICE
 *
 * lat prints per target:  LABEL n=.. ok=.. no=.. err=.. median_us=.. p95_us=.. mean_us=..
 *                         first_half_median_us=.. second_half_median_us=..
 * tput prints per target: LABEL threads=.. seconds=.. ok=.. no=.. err=.. per_s=.. median_us=..
 *                         p95_us=.. first_half_per_s=.. second_half_per_s=..
 * ok = "OK" answers, no = "NO" answers, err = anything else (connect/read failure, timeout).
 * Every read and write is bounded by a 20 s socket timeout.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "stats.h"

struct target {
    char *label, *mux, *service;
};

static struct target *targets;
static int ntargets;
static struct account *accounts;
static size_t naccounts;

enum answer { ANS_OK, ANS_NO, ANS_ERR };

static int put_field(char *buf, size_t *off, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (n > 65535 || *off + 2 + n > cap)
        return -1;
    uint16_t be = htons((uint16_t)n);
    memcpy(buf + *off, &be, 2);
    memcpy(buf + *off + 2, s, n);
    *off += 2 + n;
    return 0;
}

static int read_full(int fd, char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return 0;
}

static enum answer login(const struct target *t, const struct account *a)
{
    char req[2048];
    size_t off = 0;
    if (put_field(req, &off, sizeof req, a->user) || put_field(req, &off, sizeof req, a->pass) ||
        put_field(req, &off, sizeof req, t->service) || put_field(req, &off, sizeof req, ""))
        return ANS_ERR;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return ANS_ERR;
    struct timeval tv = { 20, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", t->mux);
    enum answer result = ANS_ERR;
    char hdr[2], body[1024];
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && write(fd, req, off) == (ssize_t)off &&
        read_full(fd, hdr, 2) == 0) {
        size_t len = ((size_t)(unsigned char)hdr[0] << 8) | (unsigned char)hdr[1];
        if (len >= 2 && len < sizeof body && read_full(fd, body, len) == 0)
            result = memcmp(body, "OK", 2) == 0 ? ANS_OK : memcmp(body, "NO", 2) == 0 ? ANS_NO : ANS_ERR;
    }
    close(fd);
    return result;
}

static int run_lat(long n, long offset)
{
    double **t = calloc((size_t)ntargets, sizeof *t);
    long (*count)[3] = calloc((size_t)ntargets, sizeof *count);
    for (int k = 0; k < ntargets; k++)
        t[k] = calloc((size_t)n, sizeof **t);
    for (long i = 0; i < n; i++) {
        const struct account *a = &accounts[((size_t)(i + offset) * 7919u) % naccounts];
        for (int j = 0; j < ntargets; j++) {
            int k = (int)((i + j) % ntargets);
            double start = now_us();
            count[k][login(&targets[k], a)]++;
            t[k][i] = now_us() - start;
        }
    }
    size_t h = (size_t)n / 2;
    for (int k = 0; k < ntargets; k++)
        printf("%s n=%ld ok=%ld no=%ld err=%ld median_us=%.1f p95_us=%.1f mean_us=%.1f first_half_median_us=%.1f second_half_median_us=%.1f\n",
               targets[k].label, n, count[k][ANS_OK], count[k][ANS_NO], count[k][ANS_ERR],
               percentile(t[k], (size_t)n, 50), percentile(t[k], (size_t)n, 95), mean(t[k], (size_t)n),
               percentile(t[k], h, 50), percentile(t[k] + h, (size_t)n - h, 50));
    return 0;
}

/* Per target: answers and latencies, and the OK count and time of each half of the slices. */
struct tally {
    long count[3];
    double *t;
    size_t nt, cap;
    long ok_half[2];
    double seconds_half[2];
};

struct worker {
    pthread_t thread;
    int index;
    pthread_barrier_t *barrier;
    long slices;
    double slice_us;
    int *slice_target; /* per slice */
    double *slice_end; /* per slice, set by thread 0 after the barrier */
    struct tally *tally; /* per target, this thread's own */
};

static void tally_add(struct tally *y, enum answer r, double us)
{
    y->count[r]++;
    if (y->nt == y->cap) {
        y->cap = y->cap ? y->cap * 2 : 4096;
        y->t = realloc(y->t, y->cap * sizeof *y->t);
        if (y->t == NULL)
            abort();
    }
    y->t[y->nt++] = us;
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    size_t i = (size_t)w->index * (naccounts / 16 + 1);
    for (long s = 0; s < w->slices; s++) {
        pthread_barrier_wait(w->barrier);
        if (w->index == 0)
            w->slice_end[s] = now_us() + w->slice_us;
        pthread_barrier_wait(w->barrier);
        int k = w->slice_target[s];
        struct tally *y = &w->tally[k];
        int half = s < w->slices / 2 ? 0 : 1;
        while (now_us() < w->slice_end[s]) {
            const struct account *a = &accounts[(i++ * 7919u) % naccounts];
            double start = now_us();
            enum answer r = login(&targets[k], a);
            tally_add(y, r, now_us() - start);
            if (r == ANS_OK)
                y->ok_half[half]++;
        }
    }
    return NULL;
}

static int run_tput(int threads, double seconds, double slice)
{
    long per_target = (long)(seconds / slice + 0.5);
    if (per_target < 1)
        per_target = 1;
    long slices = per_target * ntargets;
    int *slice_target = calloc((size_t)slices, sizeof *slice_target);
    double *slice_end = calloc((size_t)slices, sizeof *slice_end);
    /* Round r visits every target, the order rotating by one each round. */
    for (long s = 0; s < slices; s++)
        slice_target[s] = (int)((s / ntargets + s % ntargets) % ntargets);
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, (unsigned)threads);
    struct worker *w = calloc((size_t)threads, sizeof *w);
    for (int i = 0; i < threads; i++) {
        w[i] = (struct worker){ .index = i, .barrier = &barrier, .slices = slices, .slice_us = slice * 1e6,
                                .slice_target = slice_target, .slice_end = slice_end,
                                .tally = calloc((size_t)ntargets, sizeof(struct tally)) };
        pthread_create(&w[i].thread, NULL, worker_main, &w[i]);
    }
    for (int i = 0; i < threads; i++)
        pthread_join(w[i].thread, NULL);
    double half_seconds = (double)per_target * slice / 2.0;
    for (int k = 0; k < ntargets; k++) {
        long count[3] = { 0, 0, 0 }, ok_half[2] = { 0, 0 };
        size_t total = 0;
        for (int i = 0; i < threads; i++) {
            for (int c = 0; c < 3; c++)
                count[c] += w[i].tally[k].count[c];
            ok_half[0] += w[i].tally[k].ok_half[0];
            ok_half[1] += w[i].tally[k].ok_half[1];
            total += w[i].tally[k].nt;
        }
        double *all = calloc(total ? total : 1, sizeof *all);
        size_t off = 0;
        for (int i = 0; i < threads; i++) {
            memcpy(all + off, w[i].tally[k].t, w[i].tally[k].nt * sizeof *all);
            off += w[i].tally[k].nt;
        }
        double secs = (double)per_target * slice;
        printf("%s threads=%d seconds=%.1f ok=%ld no=%ld err=%ld per_s=%.1f median_us=%.1f p95_us=%.1f first_half_per_s=%.1f second_half_per_s=%.1f\n",
               targets[k].label, threads, secs, count[ANS_OK], count[ANS_NO], count[ANS_ERR],
               (double)count[ANS_OK] / secs, percentile(all, total, 50), percentile(all, total, 95),
               (double)ok_half[0] / half_seconds, (double)ok_half[1] / half_seconds);
        free(all);
    }
    return 0;
}

static void parse_targets(int argc, char **argv)
{
    ntargets = argc;
    targets = calloc((size_t)argc, sizeof *targets);
    for (int i = 0; i < argc; i++) {
        char *s = strdup(argv[i]), *eq = strchr(s, '='), *comma = eq ? strrchr(eq, ',') : NULL;
        if (comma == NULL) {
            fprintf(stderr, "bad target (LABEL=MUX,SERVICE): %s\n", argv[i]);
            exit(2);
        }
        *eq = 0;
        *comma = 0;
        targets[i] = (struct target){ s, eq + 1, comma + 1 };
    }
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    if (argc >= 6 && strcmp(argv[1], "lat") == 0) {
        accounts = read_accounts(argv[2], &naccounts);
        parse_targets(argc - 5, argv + 5);
        return run_lat(strtol(argv[3], NULL, 10), strtol(argv[4], NULL, 10));
    }
    if (argc >= 7 && strcmp(argv[1], "tput") == 0) {
        accounts = read_accounts(argv[2], &naccounts);
        parse_targets(argc - 6, argv + 6);
        return run_tput((int)strtol(argv[3], NULL, 10), strtod(argv[4], NULL), strtod(argv[5], NULL));
    }
    fprintf(stderr, "usage: saslbench lat ACCOUNTS N OFFSET TARGET... | tput ACCOUNTS THREADS SECONDS SLICE TARGET...\n");
    return 2;
}

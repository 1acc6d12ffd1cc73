/*
 * saslbench - a saslauthd client for the warm-path benchmark: speaks saslauthd's socket protocol
 * (login, password, service, realm: each a 16-bit big-endian length and the bytes; the answer is
 * one such string, "OK..." or "NO...") on one fresh connection per login, as Cyrus SASL does.
 * No process is started per login.
 *
 *   saslbench lat  MUX SERVICE ACCOUNTS_FILE N [OFFSET]        N logins one after another
 *   saslbench tput MUX SERVICE ACCOUNTS_FILE THREADS SECONDS   THREADS clients, each looping
 *
 * lat prints:  n=.. ok=.. no=.. err=.. median_us=.. p95_us=.. mean_us=..
 * tput prints: threads=.. seconds=.. ok=.. no=.. err=.. per_s=.. median_us=.. p95_us=..
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

static const char *mux, *service;
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

static enum answer login(const struct account *a)
{
    char req[2048];
    size_t off = 0;
    if (put_field(req, &off, sizeof req, a->user) || put_field(req, &off, sizeof req, a->pass) ||
        put_field(req, &off, sizeof req, service) || put_field(req, &off, sizeof req, ""))
        return ANS_ERR;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return ANS_ERR;
    struct timeval tv = { 20, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", mux);
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
    double *t = calloc((size_t)n, sizeof *t);
    long count[3] = { 0, 0, 0 };
    for (long i = 0; i < n; i++) {
        const struct account *a = &accounts[((size_t)(i + offset) * 7919u) % naccounts];
        double start = now_us();
        count[login(a)]++;
        t[i] = now_us() - start;
    }
    printf("n=%ld ok=%ld no=%ld err=%ld median_us=%.1f p95_us=%.1f mean_us=%.1f\n", n, count[ANS_OK],
           count[ANS_NO], count[ANS_ERR], percentile(t, (size_t)n, 50), percentile(t, (size_t)n, 95),
           mean(t, (size_t)n));
    return 0;
}

struct worker {
    pthread_t thread;
    int index;
    double deadline;
    long count[3];
    double *t;
    size_t nt, cap;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    size_t i = (size_t)w->index * (naccounts / 8 + 1);
    while (now_us() < w->deadline) {
        const struct account *a = &accounts[(i++ * 7919u) % naccounts];
        double start = now_us();
        w->count[login(a)]++;
        if (w->nt == w->cap) {
            w->cap = w->cap ? w->cap * 2 : 4096;
            w->t = realloc(w->t, w->cap * sizeof *w->t);
            if (w->t == NULL)
                abort();
        }
        w->t[w->nt++] = now_us() - start;
    }
    return NULL;
}

static int run_tput(int threads, double seconds)
{
    struct worker *w = calloc((size_t)threads, sizeof *w);
    double start = now_us();
    for (int i = 0; i < threads; i++) {
        w[i].index = i;
        w[i].deadline = start + seconds * 1e6;
        pthread_create(&w[i].thread, NULL, worker_main, &w[i]);
    }
    long count[3] = { 0, 0, 0 };
    size_t total = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(w[i].thread, NULL);
        for (int k = 0; k < 3; k++)
            count[k] += w[i].count[k];
        total += w[i].nt;
    }
    double elapsed = (now_us() - start) / 1e6;
    double *all = calloc(total ? total : 1, sizeof *all);
    size_t off = 0;
    for (int i = 0; i < threads; i++) {
        memcpy(all + off, w[i].t, w[i].nt * sizeof *all);
        off += w[i].nt;
    }
    printf("threads=%d seconds=%.2f ok=%ld no=%ld err=%ld per_s=%.1f median_us=%.1f p95_us=%.1f\n", threads,
           elapsed, count[ANS_OK], count[ANS_NO], count[ANS_ERR], (double)count[ANS_OK] / elapsed,
           percentile(all, total, 50), percentile(all, total, 95));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: saslbench lat MUX SERVICE ACCOUNTS N [OFFSET] | tput MUX SERVICE ACCOUNTS THREADS SECONDS\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    mux = argv[2];
    service = argv[3];
    accounts = read_accounts(argv[4], &naccounts);
    if (strcmp(argv[1], "lat") == 0)
        return run_lat(strtol(argv[5], NULL, 10), argc > 6 ? strtol(argv[6], NULL, 10) : 0);
    if (strcmp(argv[1], "tput") == 0 && argc > 6)
        return run_tput((int)strtol(argv[5], NULL, 10), strtod(argv[6], NULL));
    fprintf(stderr, "unknown mode %s\n", argv[1]);
    return 2;
}

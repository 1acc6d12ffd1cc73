/* stats.h - shared by the benchmark tools: sample arrays and their summaries (header-only). */
#ifndef PMN_BENCH_STATS_H
#define PMN_BENCH_STATS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of n samples (copied and sorted; the input is left alone). */
static double percentile(const double *v, size_t n, double p)
{
    if (n == 0)
        return 0.0;
    double *s = malloc(n * sizeof *s);
    if (s == NULL)
        return 0.0;
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    double r = s[rank - 1];
    free(s);
    return r;
}

static double mean(const double *v, size_t n)
{
    double t = 0;
    for (size_t i = 0; i < n; i++)
        t += v[i];
    return n ? t / (double)n : 0.0;
}

/* A "user<TAB>password" file, one account a line. */
struct account { char *user, *pass; };

static struct account *read_accounts(const char *path, size_t *count)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    size_t cap = 1024, n = 0;
    struct account *a = malloc(cap * sizeof *a);
    char line[1024];
    while (a != NULL && fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, "\r\n")] = 0;
        char *tab = strchr(line, '\t');
        if (tab == NULL)
            continue;
        *tab = 0;
        if (n == cap) {
            cap *= 2;
            a = realloc(a, cap * sizeof *a);
            if (a == NULL)
                break;
        }
        a[n].user = strdup(line);
        a[n].pass = strdup(tab + 1);
        n++;
    }
    fclose(f);
    if (a == NULL || n == 0) {
        fprintf(stderr, "%s: no accounts\n", path);
        exit(2);
    }
    *count = n;
    return a;
}

#endif

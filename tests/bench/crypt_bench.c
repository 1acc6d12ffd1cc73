/*
 * crypt_bench - the C side of build/bench-hash.sh: the cost of one verify in libxcrypt
 * (crypt_rn), libargon2 (argon2_verify) or libsodium (crypto_pwhash_argon2*_str_verify), measured
 * in-process like our bench-verify.
 *
 *   crypt_bench crypt HASH N      password on stdin (bytes as given); one untimed check, N timed
 *   crypt_bench argon2 HASH N     same through libargon2's argon2_verify (if built with -DWITH_ARGON2)
 *   crypt_bench sodium HASH N     same through libsodium (if built with -DWITH_SODIUM)
 *
 * Prints "result=Match|NoMatch n=N total_ms=... us_per_verify=... cpu_us_per_verify=..." like
 * pam-mysql-net bench-verify (wall time, and the process's CPU time).
 */
#define _GNU_SOURCE
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef WITH_ARGON2
/* libargon2's public API (argon2.h is not installed with the runtime package). */
typedef enum { Argon2_d = 0, Argon2_i = 1, Argon2_id = 2 } argon2_type;
int argon2_verify(const char *encoded, const void *pwd, size_t pwdlen, argon2_type type);
#endif

#ifdef WITH_SODIUM
/* libsodium's public API (sodium.h is only in libsodium-dev). */
int sodium_init(void);
int crypto_pwhash_argon2id_str_verify(const char *str, const char *passwd, unsigned long long passwdlen);
int crypto_pwhash_argon2i_str_verify(const char *str, const char *passwd, unsigned long long passwdlen);
#endif

static struct crypt_data data;

static int verify_crypt(const char *hash, const char *pw)
{
    const char *r = crypt_rn(pw, hash, &data, (int)sizeof data);
    return r != NULL && r[0] != '*' && strcmp(r, hash) == 0;
}

#ifdef WITH_ARGON2
static int verify_argon2(const char *hash, const char *pw)
{
    argon2_type t = strncmp(hash, "$argon2id$", 10) == 0 ? Argon2_id : strncmp(hash, "$argon2i$", 9) == 0 ? Argon2_i : Argon2_d;
    return argon2_verify(hash, pw, strlen(pw), t) == 0;
}
#endif

#ifdef WITH_SODIUM
static int verify_sodium(const char *hash, const char *pw)
{
    if (strncmp(hash, "$argon2id$", 10) == 0)
        return crypto_pwhash_argon2id_str_verify(hash, pw, strlen(pw)) == 0;
    return crypto_pwhash_argon2i_str_verify(hash, pw, strlen(pw)) == 0;
}
#endif

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s crypt|argon2|sodium HASH N < password\n", argv[0]);
        return 2;
    }
    int (*verify)(const char *, const char *) = NULL;
    if (strcmp(argv[1], "crypt") == 0)
        verify = verify_crypt;
#ifdef WITH_ARGON2
    else if (strcmp(argv[1], "argon2") == 0)
        verify = verify_argon2;
#endif
#ifdef WITH_SODIUM
    else if (strcmp(argv[1], "sodium") == 0 && sodium_init() >= 0)
        verify = verify_sodium;
#endif
    if (verify == NULL) {
        fprintf(stderr, "%s: unknown, or not built in (-DWITH_ARGON2, -DWITH_SODIUM)\n", argv[1]);
        return 2;
    }
    static char pw[4096];
    size_t len = fread(pw, 1, sizeof pw - 1, stdin);
    pw[len] = '\0';
    long n = atol(argv[3]);
    int ok = verify(argv[2], pw);
    struct timespec a, b, ca, cb;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ca);
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++)
        verify(argv[2], pw);
    clock_gettime(CLOCK_MONOTONIC, &b);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cb);
    double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    double cpu = (double)(cb.tv_sec - ca.tv_sec) * 1e3 + (double)(cb.tv_nsec - ca.tv_nsec) / 1e6;
    printf("result=%s n=%ld total_ms=%.1f us_per_verify=%.1f cpu_us_per_verify=%.1f\n", ok ? "Match" : "NoMatch", n, ms,
           ms * 1000 / (double)n, cpu * 1000 / (double)n);
    return ok ? 0 : 1;
}

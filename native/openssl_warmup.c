/*
 * openssl_warmup.c - loads and initialises OpenSSL on a short-lived thread while the core parses
 * options and connects, so that a cold login (one process, one login: pamtester, su, a
 * saslauthd -n 0 child) does not wait for it later.
 *
 * Why: MySQL's native-password handshake needs SHA-1, which .NET takes from OpenSSL. The first
 * use loads libssl/libcrypto, reads openssl.cnf and activates the default provider: about 4 ms
 * of a 14 ms cold login (build/bench.md), and it came after runtime start, option parsing and
 * the TCP connect, one after the other. Started right after the runtime has started (not
 * before: see core_loader.c), this thread does that work on the other core in the meantime.
 *
 * What it does is exactly what .NET's crypto shim does on first use (dlopen "libssl.so.3",
 * OPENSSL_init_ssl with the same flags, see CryptoNative_EnsureOpenSslInitialized in
 * dotnet/runtime), plus one SHA-1 digest of nothing to activate the provider. Nothing it does
 * would not have happened a few milliseconds later in the same call; without libssl.so.3 it does
 * nothing. The thread blocks every signal (the host's handlers never run on it) and is joined
 * before the call that started it returns to the host.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "pmn_shim.h"

/* OpenSSL 3's OPENSSL_INIT_* values (crypto.h, ssl.h: part of its stable ABI). Not taken from
 * the headers so that building the module does not need libssl-dev. */
#define INIT_LOAD_CRYPTO_STRINGS 0x00000002ULL
#define INIT_ADD_ALL_CIPHERS 0x00000004ULL
#define INIT_ADD_ALL_DIGESTS 0x00000008ULL
#define INIT_LOAD_CONFIG 0x00000040ULL
#define INIT_NO_ATEXIT 0x00080000ULL
#define INIT_LOAD_SSL_STRINGS 0x00200000ULL

/* OpenSSL's initialisation (config file parsing included) needs well under 64 KiB here. */
#define PMN_WARMUP_STACK (256u * 1024u)

typedef int (*init_ssl_fn)(uint64_t opts, const void *settings);
typedef const void *(*evp_md_fn)(void);
typedef int (*evp_digest_fn)(const void *data, size_t count, unsigned char *md, unsigned int *size,
                             const void *type, void *engine);

static void *warm_openssl(void *unused)
{
    (void)unused;
    /* NODELETE: .NET opens the same library and keeps it; ours must never unmap it under theirs. */
    void *ssl = dlopen("libssl.so.3", RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (ssl == NULL)
        return NULL;
    init_ssl_fn init = (init_ssl_fn)dlsym(ssl, "OPENSSL_init_ssl");
    evp_md_fn sha1 = (evp_md_fn)dlsym(ssl, "EVP_sha1");
    evp_digest_fn digest = (evp_digest_fn)dlsym(ssl, "EVP_Digest");
    if (init != NULL
        && init(INIT_ADD_ALL_CIPHERS | INIT_ADD_ALL_DIGESTS | INIT_LOAD_CONFIG | INIT_NO_ATEXIT
                | INIT_LOAD_CRYPTO_STRINGS | INIT_LOAD_SSL_STRINGS, NULL) == 1
        && sha1 != NULL && digest != NULL) {
        unsigned char md[64];
        unsigned int size = 0;
        (void)digest("", 0, md, &size, sha1(), NULL);
    }
    dlclose(ssl);
    return NULL;
}

int pmn_openssl_warmup_start(pthread_t *thread)
{
    sigset_t all, old;
    sigfillset(&all);
    /* The new thread inherits this mask: no host signal is ever delivered to it. */
    if (pthread_sigmask(SIG_SETMASK, &all, &old) != 0)
        return 0;
    /* A small stack: glibc keeps a joined thread's stack cached, and in the host's address space. */
    pthread_attr_t attr;
    int started = 0;
    if (pthread_attr_init(&attr) == 0) {
        if (pthread_attr_setstacksize(&attr, PMN_WARMUP_STACK) == 0)
            started = pthread_create(thread, &attr, warm_openssl, NULL) == 0;
        pthread_attr_destroy(&attr);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return started;
}

/*
 * core_loader.c - loads the NativeAOT core once per process and decides where a request runs.
 *
 * - The core is dlopen'ed with RTLD_NODELETE (and linked with -z nodelete): a .NET runtime cannot
 *   be unloaded, and PAM dlcloses modules at pam_end. This shim is linked -z nodelete as well,
 *   so the state below survives pam_end.
 * - Fork guard: the runtime does not survive fork (only the forking thread exists in the child;
 *   its finalizer, timers and thread pool are gone, and pooled DB sockets would be shared). If
 *   the runtime was started by an ancestor of this process, the request goes to a freshly
 *   exec'd helper instead (helper_client.c). getpid() comes from libc, never from the runtime.
 * - The core and the helper are opened and checked once (module_paths.c), then loaded or run from
 *   that descriptor, never by their path again.
 * - The runtime sets SIGPIPE to SIG_IGN when it starts; the host's disposition is restored.
 * - Once the runtime has started, OpenSSL is loaded on a short-lived thread (openssl_warmup.c)
 *   while the request runs; the call that loaded the core joins it before returning to the host.
 * - A request goes to the resident daemon first when there is one (broker_client.c); the rest
 *   of this file is for requests that run without it.
 * - Where the runtime must not run in the host (host_route.c), requests go to the helper:
 *   setuid/setgid processes (the caller's environment steers the runtime) and processes whose
 *   address-space cap leaves less room than the runtime needs (it would abort the host).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <security/pam_ext.h>

#include "pmn_shim.h"

#define CORE_NAME "pam_mysql_net_core.so"
#define HELPER_NAME "pam-mysql-net"

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static pmn_handle_fn core_handle;  /* set once, under load_lock */
static int core_refused;           /* the core is not loaded into this process; under load_lock */
static pid_t core_pid;             /* the process that started the runtime; atomic access */

static void lock_before_fork(void) { pthread_mutex_lock(&load_lock); }
static void unlock_after_fork(void) { pthread_mutex_unlock(&load_lock); }

__attribute__((constructor)) static void register_fork_handlers(void)
{
    /* Safe because this library is never unloaded (-z nodelete). */
    pthread_atfork(lock_before_fork, unlock_after_fork, unlock_after_fork);
}

/*
 * dlopen of the descriptor pmn_open_trusted checked, through /proc/self/fd: the file loaded is the
 * file checked, whatever happens to its path meanwhile. Without procfs there is no way to load a
 * descriptor, so the core is refused rather than loaded by its path again.
 */
static void *open_core(pam_handle_t *pamh, int fd, const char *path)
{
    char by_fd[64];
    struct statfs fs;
    snprintf(by_fd, sizeof by_fd, "/proc/self/fd/%d", fd);
    if (statfs("/proc/self/fd", &fs) != 0 || fs.f_type != PROC_SUPER_MAGIC) {
        pam_syslog(pamh, LOG_ERR, "refusing %s: /proc is not mounted, so the checked file cannot be loaded by its descriptor",
                   path);
        return NULL;
    }
    void *lib = dlopen(by_fd, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (lib == NULL)
        pam_syslog(pamh, LOG_ERR, "cannot load the managed core %s: %s", path, dlerror());
    return lib;
}

/* *warming is set when an OpenSSL warm-up thread was started (the caller joins it). */
static int load_core(pam_handle_t *pamh, pthread_t *warmup, int *warming)
{
    char path[PATH_MAX];
    int fd = pmn_open_trusted(pamh, CORE_NAME, path, sizeof path);
    if (fd < 0)
        return -1;

    struct sigaction saved_sigpipe;
    sigaction(SIGPIPE, NULL, &saved_sigpipe);

    void *lib = open_core(pamh, fd, path);
    close(fd); /* the mapping stays */
    if (lib == NULL)
        return -1;
    pmn_abi_version_fn version = (pmn_abi_version_fn)dlsym(lib, "pmn_abi_version");
    pmn_handle_fn handle = (pmn_handle_fn)dlsym(lib, "pmn_handle");
    if (version == NULL || handle == NULL) {
        pam_syslog(pamh, LOG_ERR, "%s lacks the pmn_* exports", path);
        return -1;
    }
    /* The first call into the core starts the runtime. */
    uint32_t abi = version();
    sigaction(SIGPIPE, &saved_sigpipe, NULL);
    /* Not earlier: started before the runtime, the thread slowed its start by far more than it
     * saved (measured: a cold login 16.6 -> 25.9 ms, against 16.6 -> 14.9 ms from here). */
    *warming = pmn_openssl_warmup_start(warmup);
    if (abi != PMN_ABI_VERSION) {
        pam_syslog(pamh, LOG_ERR, "%s speaks ABI %u, this module %u: reinstall both from one build",
                   path, abi, PMN_ABI_VERSION);
        return -1;
    }
    __atomic_store_n(&core_pid, getpid(), __ATOMIC_RELEASE);
    core_handle = handle;
    return 0;
}

static int call_helper(pam_handle_t *pamh, const pmn_request *request)
{
    char path[PATH_MAX];
    int fd = pmn_open_trusted(pamh, HELPER_NAME, path, sizeof path);
    if (fd < 0)
        return PAM_SERVICE_ERR;
    int rc = pmn_helper_call(pamh, fd, path, request);
    close(fd);
    return rc;
}

/* Before the first load: 1 if the runtime may start in this process (else the helper is used). */
static int runtime_fits(pam_handle_t *pamh)
{
    pmn_room room;
    int known = pmn_host_room(&room) == 0;
    if (!room.capped)
        return 1;
    if (known && room.left_mib >= PMN_RUNTIME_ROOM_MIB)
        return 1;
    /* Once per process: the decision is kept (core_refused). */
    pam_syslog(pamh, LOG_INFO,
               "address space limit %lu MiB leaves %s%lu MiB, the runtime needs %lu: using the helper process",
               room.limit_mib, known ? "" : "at most ", room.left_mib, PMN_RUNTIME_ROOM_MIB);
    return 0;
}

int pmn_core_call(pam_handle_t *pamh, const pmn_request *request)
{
    /* First choice: the resident daemon; the host then loads nothing. */
    pmn_broker_choice broker;
    pmn_broker_choose(request->argc, request->argv, &broker);
    int brokered = pmn_broker_call(pamh, &broker, request);
    if (brokered != PMN_BROKER_NOT_USED)
        return brokered;
    /* Checked on every call: a process can gain or drop privileges between calls. */
    if (pmn_host_is_secure())
        return call_helper(pamh, request);
    pid_t started_by = __atomic_load_n(&core_pid, __ATOMIC_ACQUIRE);
    if (started_by != 0 && started_by != getpid())
        return call_helper(pamh, request);

    pthread_t warmup = 0;
    int warming = 0;
    pthread_mutex_lock(&load_lock);
    if (core_handle == NULL && !core_refused && !runtime_fits(pamh))
        core_refused = 1;
    if (core_refused) {
        pthread_mutex_unlock(&load_lock);
        return call_helper(pamh, request);
    }
    if (core_handle == NULL)
        pmn_host_share_malloc_arena();
    int loaded = core_handle != NULL || load_core(pamh, &warmup, &warming) == 0;
    pmn_handle_fn handle = core_handle;
    pthread_mutex_unlock(&load_lock);
    int rc = loaded ? handle(request) : PAM_SERVICE_ERR;
    if (warming)
        pthread_join(warmup, NULL);
    if (loaded)
        pmn_host_settle_new_threads();
    return rc;
}

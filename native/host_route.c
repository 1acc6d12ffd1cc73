/*
 * host_route.c - what kind of process the module is a guest in, decided before the runtime starts:
 *
 * - Setuid/setgid hosts (su, sudo, passwd, chsh): AT_SECURE, or real and effective ids differ.
 *   The caller controls the environment of such a process, and the .NET runtime reads its own
 *   knobs from the environment (DOTNET_OPENSSL_VERSION_OVERRIDE makes it dlopen a path of the
 *   caller's choosing; SSL_CERT_FILE, SSL_CERT_DIR and HOME choose what TLS trusts). The core is
 *   never loaded into such a process: requests run in the helper, which gets a fixed environment.
 * - Hosts that cap their address space (RLIMIT_AS, RLIMIT_DATA: Dovecot's auth-worker, vsftpd):
 *   when the room left under the cap is less than the runtime needs (PMN_RUNTIME_ROOM), the
 *   requests run in the helper, which starts with an empty address space under the same cap.
 * - Single-threaded hosts: before the runtime starts its threads, glibc is asked to let them share
 *   the main malloc arena (mallopt M_ARENA_MAX=1) instead of reserving 64 MiB of address space
 *   for each. Left alone where the host already has threads or sets MALLOC_ARENA_MAX or
 *   GLIBC_TUNABLES itself.
 * - After a call that left new threads in the process (the runtime's finalizer, timer and socket
 *   threads start during the first logins), the shim waits until each has run at least once
 *   before returning to the host: a host that forks right after the login (vsftpd's post-login
 *   child, sshd's session) and then calls setuid() would otherwise copy a thread glibc still
 *   counts as being created, and its setuid() waits for that thread forever (seen under load).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <time.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/resource.h>

#include "pmn_shim.h"

int pmn_host_is_secure(void)
{
    return getauxval(AT_SECURE) != 0 || getuid() != geteuid() || getgid() != getegid();
}

/* Reads a whole small /proc file into buf (NUL-terminated); the length, or -1. */
static ssize_t read_proc(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = 0;
    while (len + 1 < cap) {
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    return (ssize_t)len;
}

/* The value of "Name:" in /proc/self/status (kB for sizes), or -1. */
static long status_field(const char *status, const char *name)
{
    size_t n = strlen(name);
    for (const char *line = status; line != NULL && *line != '\0';) {
        if (strncmp(line, name, n) == 0 && line[n] == ':')
            return strtol(line + n + 1, NULL, 10);
        line = strchr(line, '\n');
        if (line != NULL)
            line++;
    }
    return -1;
}

int pmn_host_room(pmn_room *room)
{
    char status[4096];
    struct rlimit as, data;
    memset(room, 0, sizeof *room);
    if (getrlimit(RLIMIT_AS, &as) != 0 || getrlimit(RLIMIT_DATA, &data) != 0)
        return -1;
    int capped_as = as.rlim_cur != RLIM_INFINITY, capped_data = data.rlim_cur != RLIM_INFINITY;
    if (!capped_as && !capped_data)
        return 0;
    room->capped = 1;
    /* Unknown use under a cap counts as no room (left_mib stays 0). */
    if (read_proc("/proc/self/status", status, sizeof status) <= 0)
        return -1;
    long vm_kb = status_field(status, "VmSize"), data_kb = status_field(status, "VmData");
    if (vm_kb < 0 || data_kb < 0)
        return -1;
    /* The tighter of the two caps decides; RLIMIT_DATA counts private writable mappings (VmData). */
    unsigned long long left = ~0ull, limit = ~0ull;
    if (capped_as) {
        unsigned long long used = (unsigned long long)vm_kb * 1024;
        left = as.rlim_cur > used ? as.rlim_cur - used : 0;
        limit = as.rlim_cur;
    }
    if (capped_data) {
        unsigned long long used = (unsigned long long)data_kb * 1024;
        unsigned long long d = data.rlim_cur > used ? data.rlim_cur - used : 0;
        if (d < left) {
            left = d;
            limit = data.rlim_cur;
        }
    }
    room->limit_mib = (unsigned long)(limit >> 20);
    room->left_mib = (unsigned long)(left >> 20);
    return 0;
}

void pmn_host_share_malloc_arena(void)
{
    char status[4096];
    const char *tunables = getenv("GLIBC_TUNABLES");
    if (getenv("MALLOC_ARENA_MAX") != NULL || (tunables != NULL && strstr(tunables, "arena_max") != NULL))
        return;
    if (read_proc("/proc/self/status", status, sizeof status) <= 0 || status_field(status, "Threads") != 1)
        return;
    (void)mallopt(M_ARENA_MAX, 1);
}

/* The tid's CPU time so far (ns) from /proc/self/task/TID/schedstat; -1 if unknown. */
static long long task_runtime(const char *tid)
{
    char path[300], buf[128];
    if (snprintf(path, sizeof path, "/proc/self/task/%s/schedstat", tid) >= (int)sizeof path
        || read_proc(path, buf, sizeof buf) <= 0)
        return -1;
    return strtoll(buf, NULL, 10);
}

/* The process's thread count from /proc/self/stat (field 20), or -1. */
static long thread_count(void)
{
    char buf[1024];
    if (read_proc("/proc/self/stat", buf, sizeof buf) <= 0)
        return -1;
    const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    for (int field = 2; p != NULL && field < 20; field++)
        p = strchr(p + 1, ' ');
    return p != NULL ? strtol(p + 1, NULL, 10) : -1;
}

void pmn_host_settle_new_threads(void)
{
    static long known; /* threads seen after the last call; under the caller's serialisation */
    long now = thread_count();
    if (now < 0 || now <= __atomic_load_n(&known, __ATOMIC_RELAXED)) {
        if (now >= 0)
            __atomic_store_n(&known, now, __ATOMIC_RELAXED);
        return;
    }
    /* Up to 200 ms, 1 ms at a time: every thread must have run at least once. */
    for (int waited = 0; waited < 200; waited++) {
        int pending = 0;
        DIR *d = opendir("/proc/self/task");
        if (d == NULL)
            break;
        struct dirent *e;
        while ((e = readdir(d)) != NULL)
            if (e->d_name[0] != '.' && task_runtime(e->d_name) == 0)
                pending = 1;
        closedir(d);
        if (!pending)
            break;
        struct timespec ms = { 0, 1000 * 1000 };
        nanosleep(&ms, NULL);
    }
    __atomic_store_n(&known, now, __ATOMIC_RELAXED);
}

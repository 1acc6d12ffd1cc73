/*
 * module_paths.c - where the managed core and the helper live, and whether they are safe to use.
 * Looked up next to this module first (the build tree: out/), then in PMN_LIBEXEC_DIR (the
 * installed layout, e.g. /usr/lib/x86_64-linux-gnu/pam_mysql_net).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/stat.h>
#include <security/pam_ext.h>

#include "pmn_shim.h"

#ifndef PMN_LIBEXEC_DIR
#define PMN_LIBEXEC_DIR ""
#endif

/* The directory this module was loaded from. */
static int own_dir(char *out, size_t size)
{
    Dl_info info;
    if (dladdr((void *)&own_dir, &info) == 0 || info.dli_fname == NULL)
        return -1;
    const char *slash = strrchr(info.dli_fname, '/');
    if (slash == NULL)
        return -1;
    size_t n = (size_t)(slash - info.dli_fname);
    if (n + 1 > size)
        return -1;
    memcpy(out, info.dli_fname, n);
    out[n] = '\0';
    return 0;
}

int pmn_find_file(const char *name, char *out, size_t size)
{
    char dir[4096];
    struct stat st;
    if (own_dir(dir, sizeof dir) == 0 && snprintf(out, size, "%s/%s", dir, name) < (int)size
        && stat(out, &st) == 0)
        return 0;
    if (PMN_LIBEXEC_DIR[0] != '\0' && snprintf(out, size, "%s/%s", PMN_LIBEXEC_DIR, name) < (int)size
        && stat(out, &st) == 0)
        return 0;
    return -1;
}

/*
 * A file we load into, or run from, a root process must be a regular file that only root can
 * change: owned by root and not writable by group or others (when we run as root).
 */
int pmn_file_is_trusted(pam_handle_t *pamh, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        pam_syslog(pamh, LOG_ERR, "cannot find %s: %m", path);
        return 0;
    }
    if (!S_ISREG(st.st_mode)) {
        pam_syslog(pamh, LOG_ERR, "%s is not a regular file", path);
        return 0;
    }
    if (geteuid() == 0 && (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)) {
        pam_syslog(pamh, LOG_ERR, "%s must be owned by root and not writable by group or others", path);
        return 0;
    }
    return 1;
}

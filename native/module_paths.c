/*
 * module_paths.c - where the managed core and the helper live, and whether they are safe to use.
 * They are found next to this module (build tree) or in PMN_LIBEXEC_DIR (installed).
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

int pmn_module_dir(char *out, size_t size)
{
    if (PMN_LIBEXEC_DIR[0] != '\0') {
        return snprintf(out, size, "%s", PMN_LIBEXEC_DIR) < (int)size ? 0 : -1;
    }
    Dl_info info;
    if (dladdr((void *)&pmn_module_dir, &info) == 0 || info.dli_fname == NULL)
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

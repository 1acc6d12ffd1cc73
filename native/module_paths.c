/*
 * module_paths.c - where the managed core and the helper live, and opening them safely.
 *
 * Looked up next to this module first (the build tree: out/), then in PMN_LIBEXEC_DIR (the
 * installed layout, e.g. /usr/lib/x86_64-linux-gnu/pam_mysql_net). The first of the two places
 * that holds the name decides: a file there that fails the checks is refused, never skipped for
 * the other place (a silent switch would hide the problem and could mix two builds).
 *
 * The file is opened once and everything is checked on descriptors, so nothing can be swapped
 * between the check and the use (the caller loads or runs that descriptor, never the path):
 * - every directory from / down is opened relative to the one before, without following
 *   symbolic links, and must be owned by root or by the effective user and not writable by group
 *   or others (unless it is sticky and owned by root, as /tmp);
 * - the file itself is opened with O_NOFOLLOW and must be a regular file owned by root or by the
 *   effective user, not writable by group or others.
 * The same rule holds whatever the effective user: a host running as dovecot or www-data must not
 * load a core that other users can change either.
 *
 * "Next to this module" is the directory the module really lies in (realpath of the name libpam
 * loaded it by): Debian's PAM directory /lib/x86_64-linux-gnu/security is reached through the
 * merged-/usr link /lib -> usr/lib. Only the resolved directory is then walked, with no symbolic
 * link allowed, so a link on the way can at most point us at another directory that passes every
 * check; PMN_LIBEXEC_DIR is walked as compiled in and may contain no symbolic link.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/stat.h>
#include <security/pam_ext.h>

#include "pmn_shim.h"

#ifndef PMN_LIBEXEC_DIR
#define PMN_LIBEXEC_DIR ""
#endif

/* The directory this module really lies in (symbolic links resolved). */
static int own_dir(char *out, size_t size)
{
    Dl_info info;
    if (dladdr((void *)&own_dir, &info) == 0 || info.dli_fname == NULL)
        return -1;
    char *real = realpath(info.dli_fname, NULL);
    if (real == NULL)
        return -1;
    char *slash = strrchr(real, '/');
    int ok = slash != NULL && (size_t)(slash - real) + 1 <= size;
    if (ok) {
        size_t n = slash == real ? 1 : (size_t)(slash - real); /* a module in / keeps "/" */
        memcpy(out, real, n);
        out[n] = '\0';
    }
    free(real);
    return ok ? 0 : -1;
}

/*
 * Checks what FD (PATH) refers to: a directory (DIRECTORY) or a regular file, owned by root or the
 * effective user, not writable by group or others (a sticky directory owned by root excepted).
 * 0 if so, else -1 with what is wrong in why ("directory PATH ..." or "the file ...").
 */
static int check_fd(int fd, int directory, const char *path, char *why, size_t why_size)
{
    struct stat st;
    uid_t euid = geteuid();
    const char *what = directory ? "directory " : "the file", *shown = directory ? path : "";
    if (fstat(fd, &st) != 0)
        snprintf(why, why_size, "%s%s cannot be examined: %s", what, shown, strerror(errno));
    else if (S_ISLNK(st.st_mode))
        snprintf(why, why_size, "%s%s is a symbolic link", what, shown);
    else if (directory ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
        snprintf(why, why_size, "%s%s is not a %s", what, shown, directory ? "directory" : "regular file");
    else if (st.st_uid != 0 && st.st_uid != euid)
        snprintf(why, why_size, "%s%s is owned by uid %u, not by root or uid %u (chown root %s)", what, shown,
                 (unsigned)st.st_uid, (unsigned)euid, path);
    else if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0
             && !(directory && (st.st_mode & S_ISVTX) != 0 && st.st_uid == 0))
        snprintf(why, why_size, "%s%s is writable by group or others (chmod go-w %s)", what, shown, path);
    else
        return 0;
    return -1;
}

/*
 * Opens the directory DIR (absolute) one component at a time, each relative to the directory
 * before it and without following symbolic links, and checks each on its descriptor.
 * Returns an O_PATH descriptor of DIR, or -1 with the reason in why.
 */
static int open_checked_dir(const char *dir, char *why, size_t why_size)
{
    if (dir[0] != '/') {
        snprintf(why, why_size, "%s is not an absolute path", dir);
        return -1;
    }
    char walked[PATH_MAX] = "/";
    size_t walked_len = 1;
    int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, why_size, "/ cannot be opened: %s", strerror(errno));
        return -1;
    }
    for (const char *p = dir;;) {
        if (check_fd(fd, 1, walked, why, why_size) != 0) {
            close(fd);
            return -1;
        }
        while (*p == '/')
            p++;
        if (*p == '\0')
            return fd;
        const char *end = strchrnul(p, '/');
        size_t len = (size_t)(end - p);
        char name[NAME_MAX + 1];
        if (len > NAME_MAX || walked_len + len + 2 > sizeof walked) {
            close(fd);
            snprintf(why, why_size, "%s is too long a path", dir);
            return -1;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        p = end;
        if (strcmp(name, ".") == 0)
            continue;
        if (strcmp(name, "..") == 0) {
            /* Walking up again would need the directories above kept open: not worth it here. */
            close(fd);
            snprintf(why, why_size, "%s has a .. component", dir);
            return -1;
        }
        if (walked_len > 1)
            walked[walked_len++] = '/';
        memcpy(walked + walked_len, name, len + 1);
        walked_len += len;
        /* O_PATH | O_NOFOLLOW opens a symbolic link itself, which check_fd then refuses. */
        int next = openat(fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        int saved = errno;
        close(fd);
        if (next < 0) {
            snprintf(why, why_size, "directory %s cannot be opened: %s", walked, strerror(saved));
            return -1;
        }
        fd = next;
    }
}

/* Opens DIR/NAME (PATH) if it is safe (see the top of this file); -1 with the reason in why. */
static int open_checked(const char *dir, const char *name, const char *path, char *why, size_t why_size)
{
    int dirfd = open_checked_dir(dir, why, why_size);
    if (dirfd < 0)
        return -1;
    /* O_NONBLOCK: a FIFO in its place must not hang the host; check_fd then refuses it. */
    int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    int saved = errno;
    close(dirfd);
    if (fd < 0) {
        snprintf(why, why_size, "%s", saved == ELOOP ? "the file is a symbolic link" : strerror(saved));
        return -1;
    }
    if (check_fd(fd, 0, path, why, why_size) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* 1 if DIR/NAME exists at all (a symbolic link counts, so that it gets refused, not skipped). */
static int present(const char *dir, const char *name, char *out, size_t size)
{
    struct stat st;
    return dir[0] != '\0' && snprintf(out, size, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/", name) < (int)size
           && fstatat(AT_FDCWD, out, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

int pmn_open_trusted(pam_handle_t *pamh, const char *name, char *path, size_t size)
{
    char own[PATH_MAX], why[PATH_MAX + 128];
    const char *dir = NULL;
    if (own_dir(own, sizeof own) == 0 && present(own, name, path, size))
        dir = own;
    else if (present(PMN_LIBEXEC_DIR, name, path, size))
        dir = PMN_LIBEXEC_DIR;
    if (dir == NULL) {
        pam_syslog(pamh, LOG_ERR, "cannot find %s next to the module or in %s", name, PMN_LIBEXEC_DIR);
        return -1;
    }
    int fd = open_checked(dir, name, path, why, sizeof why);
    if (fd < 0)
        pam_syslog(pamh, LOG_ERR, "refusing %s: %s", path, why);
    return fd;
}

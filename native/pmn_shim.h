/* Internal interfaces of the shim; one .c file each. */
#ifndef PMN_SHIM_H
#define PMN_SHIM_H

#include <security/pam_modules.h>
#include "pmn_abi.h"

/* core_loader.c: runs a request in the managed core, in this process or in a helper process. */
int pmn_core_call(pam_handle_t *pamh, const pmn_request *request);

/* helper_client.c: runs a request in a helper exec'd from helper_fd (opened by pmn_open_trusted;
 * the caller closes it); helper_path only names it in log lines. Used after fork. */
int pmn_helper_call(pam_handle_t *pamh, int helper_fd, const char *helper_path, const pmn_request *request);

/* module_paths.c: finds NAME (next to the module, else in PMN_LIBEXEC_DIR) and opens it if it is
 * safe to load or run: an O_CLOEXEC descriptor, with the path in path (for log lines only), or
 * -1 after one log line naming the file and the reason. */
int pmn_open_trusted(pam_handle_t *pamh, const char *name, char *path, size_t size);

/* host_route.c: what kind of host this is, decided before the runtime starts. */
typedef struct pmn_room {
    int capped;               /* RLIMIT_AS or RLIMIT_DATA is set */
    unsigned long limit_mib;  /* the tighter cap */
    unsigned long left_mib;   /* what is left under it now */
} pmn_room;
/* Address space the in-process runtime needs under a cap (measured ~60 MiB, see README Design). */
#define PMN_RUNTIME_ROOM_MIB 96ul
int pmn_host_is_secure(void);
int pmn_host_room(pmn_room *room);
void pmn_host_share_malloc_arena(void);
/* After a core call: waits (200 ms at most) until every thread of the process has run once. */
void pmn_host_settle_new_threads(void);

/* openssl_warmup.c: loads OpenSSL on a new thread (to be joined); 1 if one was started. */
#include <pthread.h>
int pmn_openssl_warmup_start(pthread_t *thread);

/* pam_callbacks.c: the callbacks the core uses to reach libpam. */
void pmn_log_callback(void *ctx, int priority, const char *message);
int pmn_authtok_callback(void *ctx, int item, int mode, const char *prompt, const char **authtok);
int pmn_set_authtok_callback(void *ctx, int item, const char *authtok);
void pmn_fail_delay_callback(void *ctx, unsigned int usec);
int pmn_remember_callback(void *ctx, const void *data, uint32_t len);
int32_t pmn_recall_callback(void *ctx, void *buf, uint32_t cap);

#endif

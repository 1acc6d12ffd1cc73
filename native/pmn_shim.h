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

/* frames.c: sends the request over fd (a connected stream socket), serves the peer's callbacks
 * and returns its PAM code; or PMN_EXCHANGE_FAILED (died, silent for idle_ms, garbage), or
 * PMN_EXCHANGE_VERSION with the peer's ABI version in *peer_version. */
#define PMN_EXCHANGE_FAILED (-1)
#define PMN_EXCHANGE_VERSION (-2)
int pmn_frames_exchange(int fd, const pmn_request *request, int idle_ms, int32_t *peer_version);

/* broker_client.c: the resident daemon, as the pam.d line's broker= and broker_socket= choose. */
enum pmn_broker_mode { PMN_BROKER_AUTO, PMN_BROKER_OFF, PMN_BROKER_REQUIRED };
typedef struct pmn_broker_choice {
    int mode;           /* enum pmn_broker_mode */
    const char *socket; /* from the arguments, or the compiled-in default */
} pmn_broker_choice;
#define PMN_BROKER_NOT_USED (-1)
void pmn_broker_choose(int argc, const char *const *argv, pmn_broker_choice *choice);
/* A PAM code when the daemon answered or the request is refused; PMN_BROKER_NOT_USED when the
 * request is to run in this process (or the helper). */
int pmn_broker_call(pam_handle_t *pamh, const pmn_broker_choice *choice, const pmn_request *request);

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
/* Address space the in-process runtime needs under a cap (measured ~90 MiB, see README Design). */
#define PMN_RUNTIME_ROOM_MIB 120ul
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

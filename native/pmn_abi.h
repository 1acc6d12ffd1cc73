/*
 * pmn_abi.h - the C ABI between the PAM shim (native/) and the NativeAOT core (managed/).
 *
 * The core exports exactly two functions:
 *   uint32_t pmn_abi_version(void);               must equal PMN_ABI_VERSION
 *   int      pmn_handle(const pmn_request *req);  returns a PAM code
 * Mirrored in managed/PamMySqlNet.Module/NativeAbi.cs; bump the version on any change. The unit
 * tests compile this header and compare the mirror's fields, offsets and sizes with it
 * (tests/PamMySqlNet.Tests/Abi/AbiLayoutTests.cs), and read frames.c's encoding of a request
 * back with the helper's parser (RequestFrameTests.cs).
 */
#ifndef PMN_ABI_H
#define PMN_ABI_H

#include <stdint.h>

#define PMN_ABI_VERSION 5u

/* Which PAM entry point a request came through. */
enum pmn_operation {
    PMN_OP_AUTHENTICATE = 1,
    PMN_OP_SETCRED = 2,
    PMN_OP_ACCT_MGMT = 3,
    PMN_OP_CHAUTHTOK = 4,
    PMN_OP_OPEN_SESSION = 5,
    PMN_OP_CLOSE_SESSION = 6,
};

/* How the core wants the password (managed AuthTokMode). */
enum pmn_authtok_mode {
    PMN_AUTHTOK_PROMPT = 0,         /* always ask through the conversation */
    PMN_AUTHTOK_TRY_FIRST_PASS = 1, /* an earlier module's PAM_AUTHTOK, else ask */
    PMN_AUTHTOK_USE_FIRST_PASS = 2, /* only an earlier module's PAM_AUTHTOK */
};

/* Which password a callback is about: PAM_AUTHTOK (6), PAM_OLDAUTHTOK (7), or 0 for an answer
 * that is not stored as a PAM item (the "retype new password" prompt). */
typedef struct pmn_callbacks {
    void *ctx; /* the pam_handle_t */
    /* One log line; priority is a syslog priority. Never called with a format string. */
    void (*log)(void *ctx, int priority, const char *message);
    /* Sets *authtok to a NUL-terminated password owned by libpam (valid until the next callback);
     * a prompted answer is stored as the item. Returns a PAM code. */
    int (*get_authtok)(void *ctx, int item, int mode, const char *prompt, const char **authtok);
    /* Stores a password as a PAM item for the modules stacked after this one. */
    int (*set_authtok)(void *ctx, int item, const char *authtok);
    /* Asks libpam to delay a failed authentication (pam_fail_delay). */
    void (*fail_delay)(void *ctx, unsigned int usec);
    /* Keeps up to PMN_MEMO_MAX bytes with the PAM handle (pam_set_data) until pam_end, replacing
     * what was kept before; what authenticate learned, for acct_mgmt on the same handle. Never a
     * secret. Returns a PAM code. */
    int (*remember)(void *ctx, const void *data, uint32_t len);
    /* Copies what remember kept on this handle into buf; returns its length, or -1 if nothing
     * was kept or it does not fit in cap. */
    int32_t (*recall)(void *ctx, void *buf, uint32_t cap);
} pmn_callbacks;

#define PMN_MEMO_MAX 256u

typedef struct pmn_request {
    uint32_t abi_version; /* PMN_ABI_VERSION */
    int32_t operation;    /* enum pmn_operation */
    int32_t flags;        /* the PAM flags of the call */
    int32_t argc;         /* the module arguments from the pam.d line */
    const char *const *argv;
    const char *user;     /* PAM_USER, never NULL */
    const char *service;  /* PAM_SERVICE or NULL */
    const char *rhost;    /* PAM_RHOST or NULL */
    int32_t caller_uid;   /* getuid() of the PAM application (password change rules) */
    int32_t caller_pid;   /* getpid() of the PAM application (sqllog's pid column) */
    const pmn_callbacks *callbacks;
} pmn_request;

typedef uint32_t (*pmn_abi_version_fn)(void);
typedef int (*pmn_handle_fn)(const pmn_request *request);

#endif

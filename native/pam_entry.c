/*
 * pam_entry.c - the PAM module's entry points. Collects what the core needs from libpam (user,
 * service, rhost) and hands one request to the core. Nothing else is exported (see exports.map).
 */
#include <syslog.h>
#include <stddef.h>
#include <unistd.h>
#include <security/pam_modules.h>
#include <security/pam_ext.h>

#include "pmn_shim.h"

/* Everything else is hidden (-fvisibility=hidden and exports.map). */
#define PMN_EXPORT __attribute__((visibility("default")))

static int dispatch(pam_handle_t *pamh, int operation, int flags, int argc, const char **argv)
{
    const char *user = NULL;
    const void *service = NULL;
    const void *rhost = NULL;

    int rc = pam_get_user(pamh, &user, NULL);
    if (rc != PAM_SUCCESS) {
        pam_syslog(pamh, LOG_ERR, "cannot determine the user name: %s", pam_strerror(pamh, rc));
        return rc == PAM_CONV_AGAIN ? PAM_INCOMPLETE : rc;
    }
    if (user == NULL || user[0] == '\0') {
        pam_syslog(pamh, LOG_NOTICE, "empty user name refused");
        return PAM_USER_UNKNOWN;
    }
    (void)pam_get_item(pamh, PAM_SERVICE, &service);
    (void)pam_get_item(pamh, PAM_RHOST, &rhost);

    const pmn_callbacks callbacks = {
        .ctx = pamh,
        .log = pmn_log_callback,
        .get_authtok = pmn_authtok_callback,
        .set_authtok = pmn_set_authtok_callback,
        .fail_delay = pmn_fail_delay_callback,
        .remember = pmn_remember_callback,
        .recall = pmn_recall_callback,
    };
    const pmn_request request = {
        .abi_version = PMN_ABI_VERSION,
        .operation = operation,
        .flags = flags,
        .argc = argc,
        .argv = argv,
        .user = user,
        .service = service,
        .rhost = rhost,
        .caller_uid = (int32_t)getuid(),
        .caller_pid = (int32_t)getpid(),
        .callbacks = &callbacks,
    };
    return pmn_core_call(pamh, &request);
}

PMN_EXPORT int pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    return dispatch(pamh, PMN_OP_AUTHENTICATE, flags, argc, argv);
}

PMN_EXPORT int pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    (void)pamh; (void)flags; (void)argc; (void)argv;
    return PAM_SUCCESS; /* as pam_mysql: there are no credentials to establish */
}

PMN_EXPORT int pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    return dispatch(pamh, PMN_OP_ACCT_MGMT, flags, argc, argv);
}

PMN_EXPORT int pam_sm_chauthtok(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    return dispatch(pamh, PMN_OP_CHAUTHTOK, flags, argc, argv);
}

PMN_EXPORT int pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    return dispatch(pamh, PMN_OP_OPEN_SESSION, flags, argc, argv);
}

PMN_EXPORT int pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    return dispatch(pamh, PMN_OP_CLOSE_SESSION, flags, argc, argv);
}

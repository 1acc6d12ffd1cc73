/*
 * pam_callbacks.c - how the core reaches libpam: log lines through pam_syslog (always with a
 * fixed "%s" format), and the password through PAM_AUTHTOK or the conversation.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <security/pam_modules.h>
#include <security/pam_ext.h>

#include "pmn_shim.h"

void pmn_log_callback(void *ctx, int priority, const char *message)
{
    if (message != NULL)
        pam_syslog((pam_handle_t *)ctx, priority, "%s", message);
}

int pmn_authtok_callback(void *ctx, int mode, const char **authtok)
{
    pam_handle_t *pamh = ctx;
    const void *item = NULL;
    char *response = NULL;

    *authtok = NULL;
    if (mode != PMN_AUTHTOK_PROMPT) {
        if (pam_get_item(pamh, PAM_AUTHTOK, &item) == PAM_SUCCESS && item != NULL) {
            *authtok = item;
            return PAM_SUCCESS;
        }
        if (mode == PMN_AUTHTOK_USE_FIRST_PASS) {
            pam_syslog(pamh, LOG_ERR, "use_first_pass is set but no earlier module supplied a password");
            return PAM_AUTH_ERR;
        }
    }
    int rc = pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, &response, "%s", "Password: ");
    if (rc != PAM_SUCCESS)
        return rc;
    if (response == NULL)
        return PAM_CONV_ERR;
    /* Stored as PAM_AUTHTOK so that modules stacked after us can use it (try_first_pass). */
    rc = pam_set_item(pamh, PAM_AUTHTOK, response);
    explicit_bzero(response, strlen(response));
    free(response);
    if (rc != PAM_SUCCESS)
        return rc;
    if (pam_get_item(pamh, PAM_AUTHTOK, &item) != PAM_SUCCESS || item == NULL)
        return PAM_AUTHTOK_ERR;
    *authtok = item;
    return PAM_SUCCESS;
}

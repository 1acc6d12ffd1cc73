/*
 * pam_callbacks.c - how the core reaches libpam: log lines through pam_syslog (always with a
 * fixed "%s" format), passwords through the PAM items or the conversation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <security/pam_modules.h>
#include <security/pam_ext.h>

#include "pmn_shim.h"

/* Where an answer that is not a PAM item lives until pam_end (or the next such prompt). */
#define SCRATCH_KEY "pam_mysql_net/answer"
/* Where the core's memo for later calls on the same handle lives (see remember in pmn_abi.h). */
#define MEMO_KEY "pam_mysql_net/memo"

struct memo {
    uint32_t len;
    unsigned char data[];
};

void pmn_log_callback(void *ctx, int priority, const char *message)
{
    if (message != NULL)
        pam_syslog((pam_handle_t *)ctx, priority, "%s", message);
}

static void wipe_and_free(pam_handle_t *pamh, void *data, int status)
{
    (void)pamh; (void)status;
    explicit_bzero(data, strlen(data));
    free(data);
}

static int valid_item(int item)
{
    return item == PAM_AUTHTOK || item == PAM_OLDAUTHTOK || item == 0;
}

int pmn_authtok_callback(void *ctx, int item, int mode, const char *prompt, const char **authtok)
{
    pam_handle_t *pamh = ctx;
    const void *existing = NULL;
    char *response = NULL;

    *authtok = NULL;
    if (!valid_item(item))
        return PAM_SERVICE_ERR;
    if (mode != PMN_AUTHTOK_PROMPT && item != 0) {
        if (pam_get_item(pamh, item, &existing) == PAM_SUCCESS && existing != NULL) {
            *authtok = existing;
            return PAM_SUCCESS;
        }
        if (mode == PMN_AUTHTOK_USE_FIRST_PASS)
            return PAM_AUTH_ERR; /* the core says why, if it matters */
    }
    int rc = pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, &response, "%s",
                        prompt != NULL && prompt[0] != '\0' ? prompt : "Password: ");
    if (rc != PAM_SUCCESS)
        return rc;
    if (response == NULL)
        return PAM_CONV_ERR;
    if (item == 0) {
        /* Kept (and wiped) by libpam as module data; replaced by the next such answer. */
        rc = pam_set_data(pamh, SCRATCH_KEY, response, wipe_and_free);
        if (rc != PAM_SUCCESS) {
            wipe_and_free(pamh, response, 0);
            return rc;
        }
        *authtok = response;
        return PAM_SUCCESS;
    }
    /* Stored as the item so that modules stacked after us can use it (try_first_pass). */
    rc = pam_set_item(pamh, item, response);
    explicit_bzero(response, strlen(response));
    free(response);
    if (rc != PAM_SUCCESS)
        return rc;
    if (pam_get_item(pamh, item, &existing) != PAM_SUCCESS || existing == NULL)
        return PAM_AUTHTOK_ERR;
    *authtok = existing;
    return PAM_SUCCESS;
}

void pmn_fail_delay_callback(void *ctx, unsigned int usec)
{
    (void)pam_fail_delay((pam_handle_t *)ctx, usec);
}

int pmn_set_authtok_callback(void *ctx, int item, const char *authtok)
{
    if (item != PAM_AUTHTOK && item != PAM_OLDAUTHTOK)
        return PAM_SERVICE_ERR;
    return pam_set_item((pam_handle_t *)ctx, item, authtok);
}

static void free_memo(pam_handle_t *pamh, void *data, int status)
{
    (void)pamh; (void)status;
    struct memo *m = data;
    explicit_bzero(m->data, m->len);
    free(m);
}

int pmn_remember_callback(void *ctx, const void *data, uint32_t len)
{
    if (data == NULL || len > PMN_MEMO_MAX)
        return PAM_SERVICE_ERR;
    struct memo *m = malloc(sizeof *m + len);
    if (m == NULL)
        return PAM_BUF_ERR;
    m->len = len;
    memcpy(m->data, data, len);
    int rc = pam_set_data((pam_handle_t *)ctx, MEMO_KEY, m, free_memo);
    if (rc != PAM_SUCCESS)
        free_memo(ctx, m, 0);
    return rc;
}

int32_t pmn_recall_callback(void *ctx, void *buf, uint32_t cap)
{
    const void *data = NULL;
    if (buf == NULL || pam_get_data((pam_handle_t *)ctx, MEMO_KEY, &data) != PAM_SUCCESS || data == NULL)
        return -1;
    const struct memo *m = data;
    if (m->len > cap)
        return -1;
    memcpy(buf, m->data, m->len);
    return (int32_t)m->len;
}

/*
 * dhost - the PAM application of the differential suite (tests/integration/differential.sh).
 * Like tests/hosts/pmn_pam_host, but it can also pass PAM flags, set PAM_RHOST and tell the
 * answers to successive password prompts apart, which the comparison with pam_mysql needs:
 *
 *   dhost CONFDIR SERVICE USER auth|acct|chauthtok|open|close
 *
 * Environment:
 *   DH_PASS        answer to "Password" prompts (default: empty)
 *   DH_PASS_FIRST  answer to the first "Password" prompt only (then DH_PASS)
 *   DH_OLD, DH_NEW, DH_RETYPE   answers to the current / new / retype prompts of a password change
 *                  (DH_RETYPE defaults to DH_NEW)
 *   DH_RHOST       PAM_RHOST for the transaction
 *   DH_FLAGS       flags for the PAM call (decimal; e.g. 1 = PAM_DISALLOW_NULL_AUTHTOK)
 *
 * Prints one line "rc=N prompts=M" (M = number of prompts answered) and exits 0; a crash of a
 * module shows as no line and the signal in the exit status.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <security/pam_appl.h>

static int prompts, password_prompts;

static const char *env(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v != NULL ? v : fallback;
}

static const char *answer(const char *prompt)
{
    prompts++;
    if (strcasestr(prompt, "current") != NULL || strcasestr(prompt, "old") != NULL)
        return env("DH_OLD", "");
    if (strcasestr(prompt, "retype") != NULL || strcasestr(prompt, "again") != NULL)
        return env("DH_RETYPE", env("DH_NEW", ""));
    if (strcasestr(prompt, "new") != NULL)
        return env("DH_NEW", "");
    if (password_prompts++ == 0 && getenv("DH_PASS_FIRST") != NULL)
        return getenv("DH_PASS_FIRST");
    return env("DH_PASS", "");
}

static int converse(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
    (void)data;
    struct pam_response *r = calloc((size_t)n, sizeof *r);
    if (r == NULL)
        return PAM_BUF_ERR;
    for (int i = 0; i < n; i++) {
        if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF || msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
            r[i].resp = strdup(answer(msg[i]->msg));
    }
    *resp = r;
    return PAM_SUCCESS;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s CONFDIR SERVICE USER auth|acct|chauthtok|open|close\n", argv[0]);
        return 2;
    }
    struct pam_conv conv = { converse, NULL };
    pam_handle_t *pamh = NULL;
    int rc = pam_start_confdir(argv[2], argv[3], &conv, argv[1], &pamh);
    if (rc != PAM_SUCCESS) {
        printf("rc=start-failed-%d prompts=0\n", rc);
        return 1;
    }
    if (getenv("DH_RHOST") != NULL)
        pam_set_item(pamh, PAM_RHOST, getenv("DH_RHOST"));
    int flags = atoi(env("DH_FLAGS", "0"));
    const char *op = argv[4];
    if (strcmp(op, "auth") == 0)
        rc = pam_authenticate(pamh, flags);
    else if (strcmp(op, "acct") == 0)
        rc = pam_acct_mgmt(pamh, flags);
    else if (strcmp(op, "chauthtok") == 0)
        rc = pam_chauthtok(pamh, flags);
    else if (strcmp(op, "open") == 0)
        rc = pam_open_session(pamh, flags);
    else if (strcmp(op, "close") == 0)
        rc = pam_close_session(pamh, flags);
    else {
        fprintf(stderr, "unknown operation %s\n", op);
        return 2;
    }
    printf("rc=%d prompts=%d\n", rc, prompts);
    fflush(stdout);
    pam_end(pamh, rc);
    return 0;
}

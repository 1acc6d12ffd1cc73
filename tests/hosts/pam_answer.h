/*
 * pam_answer.h - the conversation of the test hosts that answer every prompt with one secret
 * (tests/bench/memhost.c, tests/bench/pamloop.c, tests/integration/broker/login_loop.c): struct pam_conv's appdata_ptr
 * is the secret. Include after <security/pam_appl.h>, <stdlib.h> and <string.h>.
 */
static int pmn_answer_all(int n, const struct pam_message **msg, struct pam_response **resp, void *data)
{
    struct pam_response *r = calloc((size_t)n, sizeof *r);
    if (r == NULL)
        return PAM_BUF_ERR;
    for (int i = 0; i < n; i++)
        if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF || msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
            r[i].resp = strdup((const char *)data);
    *resp = r;
    return PAM_SUCCESS;
}

/*
 * login_loop - a PAM client for tests/integration/broker.sh: pam_start / pam_authenticate /
 * pam_end in a loop through the real libpam, the right and a wrong password alternately.
 *
 *   login_loop CONFDIR SERVICE USER RIGHT WRONG count N     N logins, then stop
 *   login_loop CONFDIR SERVICE USER RIGHT WRONG until FILE  until FILE exists
 *
 * A right password answered PAM_AUTH_ERR or PAM_USER_UNKNOWN, or a wrong one answered
 * PAM_SUCCESS, is "bad"; PAM_AUTHINFO_UNAVAIL is a refusal ("unavail", with the latency of the
 * slowest and the wall-clock times in ms of the first and last); any other code is "other".
 * Prints one line of counts; exit 0 iff bad == 0 and other == 0.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <security/pam_appl.h>

#include "../../hosts/pam_answer.h"

static long ms(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
    if (argc != 8 || (strcmp(argv[6], "count") != 0 && strcmp(argv[6], "until") != 0)) {
        fprintf(stderr, "usage: login_loop CONFDIR SERVICE USER RIGHT WRONG count N|until FILE\n");
        return 2;
    }
    int by_count = strcmp(argv[6], "count") == 0;
    long limit = by_count ? atol(argv[7]) : 0;
    long n = 0, right = 0, wrong = 0, bad = 0, unavail = 0, other = 0, max_unavail = 0, max_all = 0;
    long first_unavail = 0, last_unavail = 0;
    for (; by_count ? n < limit : access(argv[7], F_OK) != 0; n++) {
        int want_ok = n % 2 == 0;
        char *pw = want_ok ? argv[4] : argv[5];
        struct pam_conv conv = { pmn_answer_all, pw };
        pam_handle_t *pamh = NULL;
        long t0 = ms(CLOCK_MONOTONIC);
        int rc = pam_start_confdir(argv[2], argv[3], &conv, argv[1], &pamh);
        if (rc == PAM_SUCCESS) {
            rc = pam_authenticate(pamh, 0);
            pam_end(pamh, rc);
        } else
            rc = -1;
        long took = ms(CLOCK_MONOTONIC) - t0;
        max_all = took > max_all ? took : max_all;
        if (rc == PAM_AUTHINFO_UNAVAIL) {
            unavail++;
            max_unavail = took > max_unavail ? took : max_unavail;
            last_unavail = ms(CLOCK_REALTIME);
            first_unavail = first_unavail ? first_unavail : last_unavail;
        } else if (want_ok && rc == PAM_SUCCESS)
            right++;
        else if (!want_ok && rc == PAM_AUTH_ERR)
            wrong++;
        else if (want_ok ? (rc == PAM_AUTH_ERR || rc == PAM_USER_UNKNOWN) : rc == PAM_SUCCESS)
            bad++;
        else
            other++;
    }
    printf("logins=%ld right=%ld wrong=%ld bad=%ld unavail=%ld other=%ld max_unavail_ms=%ld max_ms=%ld "
           "first_unavail_at=%ld last_unavail_at=%ld\n", n, right, wrong, bad, unavail, other, max_unavail,
           max_all, first_unavail, last_unavail);
    return bad == 0 && other == 0 ? 0 : 1;
}

/*
 * pamloop - N logins in one process, as a PAM application does them: pam_start_confdir (the
 * service file from a private directory), pam_authenticate, pam_acct_mgmt, pam_end; the
 * accounts taken from the accounts file from index FIRST on (a prime stride walks the table).
 * Used to count the database connections that many short-lived hosts open, and to drive many
 * logins through the resident daemon.
 *
 *   pamloop CONFDIR SERVICE ACCOUNTS FIRST N
 *
 * Prints: n=.. ok=.. fail=.. seconds=.. per_s=.. median_us=.. p95_us=.. mean_us=..
 * (per login, pam_start to pam_end; exit 0 iff every login succeeded)
 */
#define _GNU_SOURCE
#include <security/pam_appl.h>

#include "stats.h"
#include "../hosts/pam_answer.h"

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: pamloop CONFDIR SERVICE ACCOUNTS FIRST N\n");
        return 2;
    }
    size_t naccounts;
    struct account *accounts = read_accounts(argv[3], &naccounts);
    long first = strtol(argv[4], NULL, 10), n = strtol(argv[5], NULL, 10), ok = 0;
    if (n < 1)
        return 2;
    double *t = calloc((size_t)n, sizeof *t);
    if (t == NULL)
        return 2;
    double start = now_us();
    for (long i = 0; i < n; i++) {
        double t0 = now_us();
        const struct account *a = &accounts[((size_t)(first + i) * 7919u) % naccounts];
        struct pam_conv conv = { pmn_answer_all, a->pass };
        pam_handle_t *pamh = NULL;
        if (pam_start_confdir(argv[2], a->user, &conv, argv[1], &pamh) != PAM_SUCCESS) {
            t[i] = now_us() - t0;
            continue;
        }
        int rc = pam_authenticate(pamh, 0);
        if (rc == PAM_SUCCESS)
            rc = pam_acct_mgmt(pamh, 0);
        if (rc == PAM_SUCCESS)
            ok++;
        pam_end(pamh, rc);
        t[i] = now_us() - t0;
    }
    double seconds = (now_us() - start) / 1e6;
    printf("n=%ld ok=%ld fail=%ld seconds=%.3f per_s=%.1f median_us=%.1f p95_us=%.1f mean_us=%.1f\n", n, ok,
           n - ok, seconds, seconds > 0 ? (double)ok / seconds : 0.0, percentile(t, (size_t)n, 50),
           percentile(t, (size_t)n, 95), mean(t, (size_t)n));
    return ok == n ? 0 : 1;
}

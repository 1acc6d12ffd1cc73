/*
 * memhost - memory a PAM module adds to its host: reads VmRSS and VmSize from /proc/self/status
 * before pam_start, after the last of N logins (pam_start, pam_authenticate twice, pam_end; N = 1
 * unless given), and after its pam_end; the service file comes from a private directory
 * (pam_start_confdir), the password answers every prompt.
 *
 *   memhost CONFDIR SERVICE USER PASSWORD [N]
 *
 * Prints: rc=.. before_rss_kb=.. before_vmsize_kb=.. auth_rss_kb=.. auth_vmsize_kb=..
 *         end_rss_kb=.. end_vmsize_kb=.. threads_after=..
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <security/pam_appl.h>

#include "../hosts/pam_answer.h"
#include "../hosts/proc_status.h"

int main(int argc, char **argv)
{
    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: memhost CONFDIR SERVICE USER PASSWORD [N]\n");
        return 2;
    }
    long n = argc == 6 ? strtol(argv[5], NULL, 10) : 1;
    long rss0 = status_field("VmRSS"), vm0 = status_field("VmSize"), threads0 = status_field("Threads");
    struct pam_conv conv = { pmn_answer_all, argv[4] };
    long rss1 = 0, vm1 = 0, rss2 = 0, vm2 = 0;
    int rc = PAM_SUCCESS;
    for (long i = 0; i < n && rc == PAM_SUCCESS; i++) {
        pam_handle_t *pamh = NULL;
        rc = pam_start_confdir(argv[2], argv[3], &conv, argv[1], &pamh);
        if (rc != PAM_SUCCESS) {
            fprintf(stderr, "pam_start_confdir: %d\n", rc);
            return 1;
        }
        rc = pam_authenticate(pamh, 0);
        rc = pam_authenticate(pamh, 0);
        rss1 = status_field("VmRSS");
        vm1 = status_field("VmSize");
        pam_end(pamh, rc);
        rss2 = status_field("VmRSS");
        vm2 = status_field("VmSize");
    }
    printf("rc=%d logins=%ld before_rss_kb=%ld before_vmsize_kb=%ld auth_rss_kb=%ld auth_vmsize_kb=%ld "
           "end_rss_kb=%ld end_vmsize_kb=%ld threads_before=%ld threads_after=%ld\n",
           rc, n, rss0, vm0, rss1, vm1, rss2, vm2, threads0, status_field("Threads"));
    return rc == PAM_SUCCESS ? 0 : 1;
}

/*
 * proc_status.h - one numeric field of /proc/self/status (VmRSS, VmSize, Threads, ...), for the
 * test hosts that report what the module costs their process (pmn_pam_host, tests/bench/memhost.c).
 * Header-only: each host is a single C file.
 */
#ifndef PMN_PROC_STATUS_H
#define PMN_PROC_STATUS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The value of NAME (kB for the Vm* fields), or -1 when it is not there. */
static long status_field(const char *name)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long value = -1;
    size_t n = strlen(name);
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, name, n) == 0 && line[n] == ':') {
            value = strtol(line + n + 1, NULL, 10);
            break;
        }
    }
    if (f != NULL)
        fclose(f);
    return value;
}

#endif

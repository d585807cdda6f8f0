/*
 * bench_common.h - what every benchmark program prints and times with: a monotonic
 * clock in seconds, and the machine facts that belong next to any number (CPU
 * model, cores, the vector code compiled in, compiler, load average before the
 * run). Header only: each bench/bench_*.c is one program.
 */
#ifndef LRP_BENCH_COMMON_H
#define LRP_BENCH_COMMON_H

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lrp.h"
#include "fast/simd.h"

static inline double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* "machine: ...", "vector code: ...; compiler ...", "load average before the run: ..." */
static inline void bench_machine_facts(void)
{
    char line[512], cpu[256] = "unknown";
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "model name", 10) == 0) {
            char *p = strchr(line, ':');
            if (p) snprintf(cpu, sizeof cpu, "%s", p + 2);
            cpu[strcspn(cpu, "\n")] = 0;
            break;
        }
    if (f) fclose(f);
    double load[3] = {0};
    f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3) load[0] = -1;
        fclose(f);
    }
    printf("machine: %s, %d cores online\n", cpu, lrp_default_threads());
    printf("vector code: %s; compiler %s\n", simd_name(), __VERSION__);
    printf("load average before the run: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
}

#endif /* LRP_BENCH_COMMON_H */

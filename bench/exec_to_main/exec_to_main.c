// exec_to_main: how long a program takes from exec to its main() — the dynamic loader mapping
// and relocating its libraries, and their initialisers — measured N times (BENCHMARKS.md,
// issue 20's fifth pass). The program is started with hook.so preloaded, which reports the
// time at main and exits there; this launcher takes its own time just before fork().
//
//   gcc -O1 -shared -fPIC -o hook.so hook.c -ldl
//   gcc -O1 -o exec_to_main exec_to_main.c
//   ./exec_to_main ./hook.so 31 build/default/app/tandem     # prints each run, then the median
//
// A library can be added to a program's start for comparison: HOOK may be "hook.so:libX.so".
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int byValue(const void* a, const void* b) {
    const double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

int main(int argc, char** argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: exec_to_main HOOK.so[:MORE.so] RUNS PROGRAM [ARGS...]\n");
        return 2;
    }
    const int runs = atoi(argv[2]);
    if (runs < 1 || runs > 10000) {
        fprintf(stderr, "exec_to_main: RUNS must be 1 to 10000\n");
        return 2;
    }
    double* ms = calloc((size_t)runs, sizeof(double));
    if (ms == NULL) {
        return 1;
    }
    for (int i = 0; i < runs; ++i) {
        int out[2];
        if (pipe(out) != 0) {
            perror("pipe");
            return 1;
        }
        struct timespec start;
        clock_gettime(CLOCK_MONOTONIC, &start);
        const pid_t pid = fork();
        if (pid == 0) {
            dup2(out[1], STDOUT_FILENO);
            setenv("LD_PRELOAD", argv[1], 1);
            execv(argv[3], argv + 3);
            _exit(127);
        }
        close(out[1]);
        char line[64] = {0};
        const ssize_t got = read(out[0], line, sizeof line - 1);
        close(out[0]);
        int status = 0;
        waitpid(pid, &status, 0);
        if (got <= 0) {
            fprintf(stderr, "exec_to_main: %s did not reach main (status %d)\n", argv[3], status);
            return 1;
        }
        ms[i] = (atof(line) - ((double)start.tv_sec + (double)start.tv_nsec / 1e9)) * 1000.0;
        printf("%.2f\n", ms[i]);
    }
    qsort(ms, (size_t)runs, sizeof(double), byValue);
    printf("median %.2f ms (min %.2f, max %.2f) over %d runs\n", ms[runs / 2], ms[0], ms[runs - 1],
           runs);
    free(ms);
    return 0;
}

// Preloaded into the measured program: at the moment its main() would start, writes the time
// (CLOCK_MONOTONIC, seconds) to standard output and exits. What the dynamic loader and the
// libraries' initialisers cost, before any of the program's own code. See exec_to_main.c.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

typedef int (*MainFunction)(int, char**, char**);

static int atMain(int argc, char** argv, char** envp) {
    (void)argc;
    (void)argv;
    (void)envp;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    printf("%ld.%09ld\n", (long)now.tv_sec, now.tv_nsec);
    fflush(stdout);
    _exit(0);
}

int __libc_start_main(MainFunction main, int argc, char** argv, void (*init)(void),
                      void (*fini)(void), void (*rtldFini)(void), void* stackEnd) {
    (void)main;
    int (*real)(MainFunction, int, char**, void (*)(void), void (*)(void), void (*)(void), void*) =
        dlsym(RTLD_NEXT, "__libc_start_main");
    return real(atMain, argc, argv, init, fini, rtldFini, stackEnd);
}

/* parity_threads: a multi-threaded program for the strace parity test
 * (tests/e2e/strace_parity). Four threads, all alive at once, each fail an
 * open (ENOENT), create, write, read back and remove a file of their own, and
 * call gettid. They take turns through a relay of pipes (thread i waits for a
 * byte from i-1), so the fd numbers they get do not depend on scheduling; they
 * use no malloc (arena creation would) and no stdio. Each thread's syscall
 * sequence is therefore deterministic. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NTHREADS 4

static int results[NTHREADS];
static int relay[NTHREADS + 1][2];  /* thread i reads relay[i], writes relay[i+1] */

static void *worker(void *arg) {
    int id = (int)(long)arg;
    char token;
    if (read(relay[id][0], &token, 1) != 1) return NULL;
    char path[64];
    snprintf(path, sizeof path, "/nonexistent-parity/thread-%d", id);
    int fd = open(path, O_RDONLY);
    int ok = fd < 0 && errno == ENOENT;
    snprintf(path, sizeof path, "parity-thread-%d.tmp", id);
    fd = open(path, O_CREAT | O_RDWR | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        results[id] = 0;
        (void)!write(relay[id + 1][1], &token, 1);
        return NULL;
    }
    char msg[32];
    int len = snprintf(msg, sizeof msg, "thread %d\n", id);
    ok = ok && write(fd, msg, (size_t)len) == len;
    ok = ok && lseek(fd, 0, SEEK_SET) == 0;
    char back[32];
    ok = ok && read(fd, back, sizeof back) == len;
    close(fd);
    ok = ok && unlink(path) == 0;
    ok = ok && syscall(SYS_gettid) > 0;
    results[id] = ok;
    if (write(relay[id + 1][1], &token, 1) != 1) results[id] = 0;
    return NULL;
}

int main(void) {
    pthread_t threads[NTHREADS];
    for (int i = 0; i <= NTHREADS; i++)
        if (pipe2(relay[i], O_CLOEXEC) != 0) { perror("pipe2"); return 1; }
    for (int i = 0; i < NTHREADS; i++) {
        int err = pthread_create(&threads[i], NULL, worker, (void *)(long)i);
        if (err) { fprintf(stderr, "pthread_create: %s\n", strerror(err)); return 1; }
    }
    char token = 't';
    if (write(relay[0][1], &token, 1) != 1) return 1;      /* start the relay */
    if (read(relay[NTHREADS][0], &token, 1) != 1) return 1; /* last thread done */
    int good = 0;
    for (int i = 0; i < NTHREADS; i++) {
        pthread_join(threads[i], NULL);
        good += results[i];
    }
    printf("%d/%d threads ok\n", good, NTHREADS);
    return good == NTHREADS ? 0 : 1;
}

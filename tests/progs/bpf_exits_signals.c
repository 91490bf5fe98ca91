/* bpf_exits_signals: the calls and signals that never reach a sys_exit
 * tracepoint the ordinary way (tests/unit/trace_bpf). Modes:
 *   (none)  a handled SIGUSR1 from raise() (then rt_sigreturn); an ignored
 *           SIGUSR2 from kill() (dropped at generation without ptrace); a
 *           thread that leaves with exit(2) (pthread_exit); a thread blocked
 *           in read() on a pipe when main calls exit_group(5), so its read
 *           never returns.
 *   term    kill(getpid(), SIGTERM) with no handler: the kernel turns it into
 *           a group kill at generation; the process dies by SIGTERM.
 *   pipe    write to a pipe whose reader is closed: EPIPE, and the kernel's
 *           own SIGPIPE (no siginfo: SI_USER from the writer); dies by it.
 * Every step is ordered by joins, a pipe and /proc, never by timing. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile sig_atomic_t usr1;
static int never[2];          /* nothing is ever written: the reader blocks */
static int blocked_ready[2];  /* the reader says it is about to block */

static void on_usr1(int sig) { usr1 = sig; }

static void *leaves_by_exit(void *arg) {
    (void)arg;
    pthread_exit(NULL);  /* glibc ends a thread with the exit syscall (60) */
}

static void *blocks_in_read(void *arg) {
    (void)arg;
    pid_t tid = (pid_t)syscall(SYS_gettid);
    (void)!write(blocked_ready[1], &tid, sizeof tid);
    char c;
    (void)!read(never[0], &c, 1);  /* interrupted only by the process's death */
    return NULL;
}

/* Until /proc says thread `tid` sleeps inside read (syscall 0). */
static void wait_in_read(pid_t tid) {
    char path[64], buf[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/syscall", (int)tid);
    for (int i = 0; i < 10000; i++) {
        int fd = open(path, O_RDONLY);
        if (fd < 0) return;
        ssize_t n = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (n > 2 && buf[0] == '0' && buf[1] == ' ') return;
        usleep(1000);
    }
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "term") == 0) {
        signal(SIGTERM, SIG_DFL);
        kill(getpid(), SIGTERM);
        pause();
        return 1;
    }
    if (argc > 1 && strcmp(argv[1], "pipe") == 0) {
        int p[2];
        if (pipe(p) != 0) return 1;
        close(p[0]);
        signal(SIGPIPE, SIG_DFL);
        (void)!write(p[1], "x", 1);
        return 1;
    }
    signal(SIGUSR1, on_usr1);
    raise(SIGUSR1);
    signal(SIGUSR2, SIG_IGN);
    kill(getpid(), SIGUSR2);

    pthread_t t;
    if (pthread_create(&t, NULL, leaves_by_exit, NULL) != 0) return 1;
    pthread_join(t, NULL);

    if (pipe(never) != 0 || pipe(blocked_ready) != 0) return 1;
    if (pthread_create(&t, NULL, blocks_in_read, NULL) != 0) return 1;
    pid_t reader;
    if (read(blocked_ready[0], &reader, sizeof reader) != sizeof reader) return 1;
    wait_in_read(reader);
    syscall(SYS_exit_group, usr1 == SIGUSR1 ? 5 : 1);
    return 1;
}

/* parity_signals: receives and handles signals in ways a tracer must pass
 * through unchanged (tests/e2e/strace_parity): a handled self-signal, a
 * signal from a child that interrupts sigsuspend (EINTR), an ignored signal,
 * a SIGSEGV caught and escaped with siglongjmp, SIGCHLD, and two refused
 * signal calls (ESRCH, EINVAL). Exits with 3 so the exit status is checked
 * too. Every step is ordered by blocking masks, never by timing. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t usr1, usr2, chld;
static sigjmp_buf segv_jump;

static void on_usr1(int sig) { (void)sig; usr1++; }
static void on_usr2(int sig) { (void)sig; usr2++; }
static void on_chld(int sig) { (void)sig; chld++; }
static void on_segv(int sig) { (void)sig; siglongjmp(segv_jump, 1); }

static void handle(int sig, void (*fn)(int)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = fn;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  /* no SA_RESTART: interrupted calls fail with EINTR */
    sigaction(sig, &sa, NULL);
}

int main(void) {
    handle(SIGUSR1, on_usr1);
    handle(SIGUSR2, on_usr2);
    handle(SIGCHLD, on_chld);
    handle(SIGSEGV, on_segv);

    /* 1. Handled self-signal. */
    raise(SIGUSR1);

    /* 2. A child's signal wakes sigsuspend; SIGUSR2 and SIGCHLD stay blocked
     *    until sigsuspend opens the mask, so the order is fixed. */
    sigset_t block, old, during;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR2);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &old);
    pid_t child = fork();
    if (child < 0) { perror("fork"); return 1; }
    if (child == 0) {
        kill(getppid(), SIGUSR2);
        _exit(7);
    }
    int status = 0;
    waitpid(child, &status, 0);          /* child gone: SIGUSR2 and SIGCHLD both pending */
    sigfillset(&during);
    sigdelset(&during, SIGUSR2);         /* let only SIGUSR2 in */
    int rc = sigsuspend(&during);
    int suspend_errno = errno;
    sigprocmask(SIG_SETMASK, &old, NULL); /* SIGCHLD delivered here */

    /* 3. Ignored signal: delivered to nobody. */
    signal(SIGUSR1, SIG_IGN);
    raise(SIGUSR1);

    /* 4. SIGSEGV caught, escaped with siglongjmp. */
    int segv = 0;
    if (sigsetjmp(segv_jump, 1) == 0) {
        volatile uintptr_t nowhere = 16;  /* volatile: the compiler cannot see it is bad */
        *(volatile int *)nowhere = 1;
    } else {
        segv = 1;
    }

    /* 5. Refused: no such process; uncatchable signal. */
    int esrch = kill(999999, 0) == -1 && errno == ESRCH;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    int einval = sigaction(SIGKILL, &sa, NULL) == -1 && errno == EINVAL;

    printf("usr1=%d usr2=%d chld=%d suspend=%d/%s child=%d segv=%d esrch=%d einval=%d\n",
           (int)usr1, (int)usr2, (int)chld, rc, strerror(suspend_errno),
           WIFEXITED(status) ? WEXITSTATUS(status) : -1, segv, esrch, einval);
    return 3;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * pvbench: the microbenchmarks of `make bench`, run in the guest.
 *
 *   pvbench list                 the benchmarks' names
 *   pvbench run NAME [REPS]      choose an iteration count that takes at
 *                                least MIN_NS, then time REPS runs of it;
 *                                prints "bench NAME iters=N reps=R
 *                                median_ns=X min_ns=Y max_ns=Z" (per op)
 *   pvbench once NAME ITERS      one run of ITERS operations between two
 *                                marks, no output (what the hypercall trace
 *                                counts; ITERS 0 does the set-up alone)
 *   pvbench nop                  exit at once (what fork-exec executes)
 *
 * An "op" is one of: a system call that does nothing (an unknown system
 * call number), getpid(), fork()+_exit()+waitpid() (of a small process,
 * and of one with 256 MiB of anonymous memory touched), fork()+execve()+
 * waitpid(), mmap of 4 MiB + a write to each 4 KiB page + munmap, one
 * anonymous page fault, one context switch (half of a round trip of one
 * byte through two pipes between two processes), one signal sent to
 * oneself, delivered and returned from.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define MIN_NS		400000000LL	/* a timed run lasts at least 0.4 s */
#define MAX_REPS	31
#define FAULT_PAGES	4096		/* page-fault: a 16 MiB region at a time */
#define BIG_MB		256		/* fork-256m: the parent's touched memory */

static char self[4096];

static void die(const char *what)
{
	fprintf(stderr, "pvbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void b_null(long n)
{
	for (long i = 0; i < n; i++)
		syscall(-1L);
}

static void b_getpid(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getpid);
}

static void reap(pid_t pid)
{
	int st;

	if (pid < 0)
		die("fork");
	if (waitpid(pid, &st, 0) != pid)
		die("waitpid");
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "pvbench: child ended with status 0x%x\n", st);
		exit(1);
	}
}

static void b_fork(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(0);
		reap(pid);
	}
}

static void b_exec(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			execl(self, "pvbench", "nop", (char *)NULL);
			_exit(127);
		}
		reap(pid);
	}
}

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	/* 4 KiB faults, whatever the kernel's THP setting. */
	madvise(p, len, MADV_NOHUGEPAGE);
	return p;
}

static void touch(char *p, size_t pages)
{
	for (size_t i = 0; i < pages; i++)
		p[i * 4096] = 1;
}

/*
 * fork() of a process with a large footprint: every PTE of the 256 MiB
 * (65536 of them, in 128 page tables) is copied into the child's tables
 * before the child's pgd is pinned. The memory is mapped and touched once,
 * by the first call (the set-up that a traced "once fork-256m 0" counts).
 */
static void b_fork_big(long n)
{
	static char *big;

	if (!big) {
		big = map_anon((size_t)BIG_MB << 20);
		touch(big, ((size_t)BIG_MB << 20) / 4096);
	}
	b_fork(n);
}

static void b_mmap(long n)
{
	for (long i = 0; i < n; i++) {
		char *p = map_anon(4 << 20);

		touch(p, 1024);
		if (munmap(p, 4 << 20))
			die("munmap");
	}
}

static void b_fault(long n)
{
	while (n > 0) {
		long k = n < FAULT_PAGES ? n : FAULT_PAGES;
		char *p = map_anon(FAULT_PAGES * 4096L);

		touch(p, k);
		if (munmap(p, FAULT_PAGES * 4096L))
			die("munmap");
		n -= k;
	}
}

/* n context switches: n / 2 round trips of one byte. */
static void b_ctxsw(long n)
{
	int ab[2], ba[2];
	char c = 0;
	pid_t pid;

	if (pipe(ab) || pipe(ba))
		die("pipe");
	pid = fork();
	if (pid == 0) {
		close(ab[1]);
		close(ba[0]);
		while (read(ab[0], &c, 1) == 1)
			if (write(ba[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	if (pid < 0)
		die("fork");
	close(ab[0]);
	close(ba[1]);
	for (long i = 0; i < n / 2; i++)
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			die("pipe round trip");
	close(ab[1]);
	reap(pid);
	close(ba[0]);
}

static volatile sig_atomic_t caught;

static void on_usr1(int sig __attribute__((unused)))
{
	caught++;
}

static void b_signal(long n)
{
	struct sigaction sa = { .sa_handler = on_usr1 };

	if (sigaction(SIGUSR1, &sa, NULL))
		die("sigaction");
	caught = 0;
	for (long i = 0; i < n; i++)
		kill(getpid(), SIGUSR1);
	if (caught != n) {
		fprintf(stderr, "pvbench: %ld signals sent, %ld handled\n",
			n, (long)caught);
		exit(1);
	}
}

static const struct bench {
	const char *name;
	void (*fn)(long n);
	long first;	/* the first iteration count tried */
} benches[] = {
	{ "null-syscall", b_null, 1000 },
	{ "getpid", b_getpid, 1000 },
	{ "fork-exit", b_fork, 10 },
	{ "fork-256m", b_fork_big, 2 },
	{ "fork-exec", b_exec, 10 },
	{ "mmap-4m", b_mmap, 4 },
	{ "page-fault", b_fault, 1000 },
	{ "ctxsw-pipe", b_ctxsw, 1000 },
	{ "signal", b_signal, 1000 },
};

/*
 * The mark around a traced run: ioperm() on and off again. In a Xen PV
 * guest each is a physdev_op hypercall (PHYSDEVOP_set_iobitmap), which
 * nothing else in the guest makes, so xtcount -w 33 counts what lies
 * between the first and the last of them. Needs CAP_SYS_RAWIO.
 */
static void mark(void)
{
	if (ioperm(0x80, 1, 1))
		die("ioperm (the trace mark)");
	if (ioperm(0x80, 1, 0))
		die("ioperm off (the trace mark)");
}

static const struct bench *find(const char *name)
{
	for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++)
		if (!strcmp(benches[i].name, name))
			return &benches[i];
	fprintf(stderr, "pvbench: no benchmark %s (pvbench list)\n", name);
	exit(2);
}

static long long timed(const struct bench *b, long n)
{
	long long t0 = now_ns();

	b->fn(n);
	return now_ns() - t0;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	const struct bench *b;
	long long per[MAX_REPS];
	long n;
	int reps;

	if (argc >= 2 && !strcmp(argv[1], "nop"))
		return 0;
	if (argc >= 2 && !strcmp(argv[1], "list")) {
		for (size_t i = 0; i < sizeof(benches) / sizeof(benches[0]); i++)
			printf("%s\n", benches[i].name);
		return 0;
	}
	if (readlink("/proc/self/exe", self, sizeof(self) - 1) < 0)
		die("readlink /proc/self/exe");
	if (argc == 4 && !strcmp(argv[1], "once")) {
		b = find(argv[2]);
		mark();
		b->fn(atol(argv[3]));
		mark();
		return 0;
	}
	if (argc < 3 || argc > 4 || strcmp(argv[1], "run")) {
		fprintf(stderr, "usage: pvbench list | run NAME [REPS] | once NAME ITERS | nop\n");
		return 2;
	}
	b = find(argv[2]);
	reps = argc == 4 ? atoi(argv[3]) : 5;
	if (reps < 1 || reps > MAX_REPS) {
		fprintf(stderr, "pvbench: REPS must be 1..%d\n", MAX_REPS);
		return 2;
	}
	/* Warm up and find the count: double it until a run lasts MIN_NS. */
	for (n = b->first; timed(b, n) < MIN_NS; n *= 2)
		;
	for (int i = 0; i < reps; i++)
		per[i] = timed(b, n) / n;
	qsort(per, reps, sizeof(per[0]), cmp_ll);
	printf("bench %s iters=%ld reps=%d median_ns=%lld min_ns=%lld max_ns=%lld\n",
	       b->name, n, reps, per[reps / 2], per[0], per[reps - 1]);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Make a Linux x86 guest kernel take many #GP faults that it fixes up:
 * load a TLS selector into %ds, then clear that TLS entry with
 * set_thread_area().  The kernel sees %ds still naming the entry, reloads
 * it (arch/x86/kernel/tls.c: do_set_thread_area()), the reload faults
 * with #GP(selector) and the exception table loads 0 instead.
 *
 * On a 64-bit Xen PV guest each such fault goes through Xen.  If Xen
 * deschedules the vCPU while it holds that #GP for the guest and then
 * fails to reload the stale %ds on the way back, the guest receives a
 * #GP at its failsafe callback and the kernel oopses.
 *
 *   gcc -O2 -static -o tls-gp-loop tls-gp-loop.c
 *   ./tls-gp-loop [SECONDS [PROCESSES]]   (defaults: 60, one per CPU)
 *
 * Exit 0: no fault seen by the program (check dmesg for an oops);
 * exit 1: a process died or %ds was not 0 after the clear.
 */
#define _GNU_SOURCE
#include <asm/ldt.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * set_thread_area() is an i386 system call: on x86_64 it is reached with
 * int $0x80, with the descriptor below 4 GiB.
 */
static int set_area(struct user_desc *d)
{
#ifdef __x86_64__
	unsigned int ret = 243;	/* __NR_set_thread_area, i386 */

	asm volatile ("int $0x80"
		      : "+a" (ret)
		      : "b" ((unsigned int)(unsigned long)d)
		      : "memory", "r8", "r9", "r10", "r11");
	if ((int)ret < 0) {
		errno = -(int)ret;
		return -1;
	}
	return 0;
#else
	return syscall(SYS_set_thread_area, d);
#endif
}

static int worker(int cpu, int seconds)
{
	struct user_desc *valid, *clear;
	unsigned short sel, ds, user_ds;
	unsigned long n = 0;
	cpu_set_t set;
	time_t end, next;

	valid = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (valid == MAP_FAILED) {
		perror("mmap(MAP_32BIT)");
		return 1;
	}
	clear = valid + 1;
	*valid = (struct user_desc) {
		.entry_number = -1, .base_addr = 0, .limit = 0xfffff,
		.seg_32bit = 1, .limit_in_pages = 1, .useable = 1,
	};
	*clear = (struct user_desc) {
		.read_exec_only = 1, .seg_not_present = 1,
	};

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perror("sched_setaffinity");	/* run anywhere */
	if (set_area(valid)) {
		perror("set_thread_area");
		return 1;
	}
	sel = (valid->entry_number << 3) | 3;
	clear->entry_number = valid->entry_number;
	asm volatile ("mov %%ds, %0" : "=r" (user_ds));

	end = time(NULL) + seconds;
	next = time(NULL) + 10;
	while (time(NULL) < end) {
		if (set_area(valid)) {
			perror("set_thread_area (valid)");
			return 1;
		}
		asm volatile ("mov %0, %%ds" : : "r" (sel));
		if (set_area(clear)) {
			perror("set_thread_area (clear)");
			return 1;
		}
		asm volatile ("mov %%ds, %0" : "=r" (ds));
		asm volatile ("mov %0, %%ds" : : "r" (user_ds));
		if (ds != 0) {
			fprintf(stderr, "cpu %d: %%ds is 0x%hx after its TLS entry was cleared\n",
				cpu, ds);
			return 1;
		}
		n++;
		if (time(NULL) >= next) {
			printf("cpu %d: %lu faults\n", cpu, n);
			fflush(stdout);
			next += 10;
		}
	}
	printf("cpu %d: %lu faults in %d s\n", cpu, n, seconds);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 60;
	int procs = argc > 2 ? atoi(argv[2]) : sysconf(_SC_NPROCESSORS_ONLN);
	int i, status, ret = 0;

	if (seconds <= 0 || procs <= 0) {
		fprintf(stderr, "usage: %s [SECONDS [PROCESSES]]\n", argv[0]);
		return 2;
	}
	for (i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 2;
		}
		if (pid == 0)
			_exit(worker(i % sysconf(_SC_NPROCESSORS_ONLN), seconds));
	}
	for (i = 0; i < procs; i++) {
		if (wait(&status) < 0)
			break;
		if (WIFSIGNALED(status)) {
			fprintf(stderr, "a worker died of signal %d\n", WTERMSIG(status));
			ret = 1;
		} else if (WEXITSTATUS(status)) {
			ret = 1;
		}
	}
	return ret;
}

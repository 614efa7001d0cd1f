// SPDX-License-Identifier: GPL-2.0
/*
 * Execute ICEBP (INT1, opcode 0xf1) in user mode and say which signal
 * arrived. On x86 hardware the CPU raises #DB and Linux sends SIGTRAP;
 * an emulator that does not implement the opcode raises #UD: SIGILL.
 *
 *   gcc -O2 -o icebp icebp.c && ./icebp
 *
 * Exit 0 on SIGTRAP, 1 on anything else.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <ucontext.h>

static volatile sig_atomic_t got;

#ifdef __x86_64__
#define IP(uc) ((uc)->uc_mcontext.gregs[REG_RIP])
#else
#define IP(uc) ((uc)->uc_mcontext.gregs[REG_EIP])
#endif

static void handler(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)si;
	got = sig;
	/*
	 * #UD is a fault, reported at the opcode: step over it. (So is a
	 * #DB that a hypervisor reinjects without advancing the IP.)
	 */
	if (*(unsigned char *)IP(uc) == 0xf1)
		IP(uc) += 1;
}

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGTRAP, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);

	/* A trap (#DB) resumes after the opcode; the handler skips it on #UD. */
	asm volatile(".byte 0xf1\n\tnop");
	printf("ICEBP raised %s\n", got == SIGTRAP ? "SIGTRAP (as on hardware)" :
	       got == SIGILL ? "SIGILL (#UD: not emulated)" : "no signal");
	return got == SIGTRAP ? 0 : 1;
}

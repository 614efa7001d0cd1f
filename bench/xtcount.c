// SPDX-License-Identifier: GPL-2.0
/*
 * xtcount: count a PV guest's entries into Xen in a xentrace file.
 *
 *   xtcount [-w OP] FILE
 *
 * Reads the records xentrace wrote (trace class TRC_PV, the CPUs that
 * were traced) and prints one line of NAME=COUNT. With -w OP, only what
 * lies between the first and the last hypercall number OP (the marks the
 * guest makes around what it wants counted: pvbench uses physdev_op, 33),
 * those excluded; an error when there are not two of them.
 *   hypercalls   TRC_PV_HYPERCALL_V2 records: every hypercall the guest
 *                made (a multicall counts once)
 *   multicalls   of which multicalls; mc_entries: the calls inside them
 *   mmu_update   mmu_update calls (alone or in a multicall); mmu_entries:
 *                the page-table entries they carried
 *   mmuext       mmuext_op calls (alone or in a multicall); mmuext_entries
 *   uvma         update_va_mapping calls (alone or in a multicall)
 *   iret         iret hypercalls (every return to guest user mode)
 *   ptwr         page-table writes Xen trapped and emulated
 *   traps        exceptions and page faults Xen bounced to the guest
 *   lost         records Xen lost (a full buffer: the counts are wrong)
 *   restarts     mmu_update/mmuext_op calls Xen preempted and the guest
 *                made again for the rest (not counted above)
 *   ops          hypercalls by number, "op:count,..."
 * Exit 1 when the file cannot be read or is cut in the middle of a record.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRC_LOST_RECORDS		0x0001f001
#define TRC_PV_TRAP			0x00201003
#define TRC_PV_PAGE_FAULT		0x00201004
#define TRC_PV_PTWR_EMULATION		0x0020100b
#define TRC_PV_PTWR_EMULATION_PAE	0x0020100c
#define TRC_PV_HYPERCALL_V2		0x0020100d
#define TRC_PV_HYPERCALL_SUBCALL	0x0020200e
#define TRC_64_FLAG			0x00000100
#define OP_MASK				0x000fffff

#define HC_MMU_UPDATE	1
#define HC_MULTICALL	13
#define HC_UVMA		14
#define HC_IRET		23
#define HC_MMUEXT_OP	26
#define NR_OPS		64
#define PREEMPTED	0x80000000u	/* MMU_UPDATE_PREEMPTED in the count */

static unsigned long long ops[NR_OPS];
static unsigned long long hypercalls, multicalls, mc_entries, mmu_update,
	mmu_entries, mmuext, mmuext_entries, uvma, iret, ptwr, traps, lost,
	restarts;

/* The argument count (argument 1) of a hypercall record, when present. */
static uint32_t count_arg(const uint32_t *x, unsigned int n)
{
	/* Argument 0 present: argument 1 follows it (one or two words). */
	unsigned int w = 1 + ((x[0] >> 20) & 3);

	if (!((x[0] >> 22) & 3) || w >= n)
		return 1;
	return x[w];
}

static void hypercall(const uint32_t *x, unsigned int n, int sub)
{
	unsigned int op = x[0] & OP_MASK;

	/* The rest of a preempted batch: the call was counted already. */
	if ((op == HC_MMU_UPDATE || op == HC_MMUEXT_OP) &&
	    (count_arg(x, n) & PREEMPTED)) {
		restarts++;
		return;
	}
	if (!sub) {
		hypercalls++;
		if (op < NR_OPS)
			ops[op]++;
	}
	switch (op) {
	case HC_MULTICALL:
		multicalls++;
		break;
	case HC_MMU_UPDATE:
		mmu_update++;
		mmu_entries += count_arg(x, n);
		break;
	case HC_MMUEXT_OP:
		mmuext++;
		mmuext_entries += count_arg(x, n);
		break;
	case HC_UVMA:
		uvma++;
		break;
	case HC_IRET:
		iret++;
		break;
	}
	if (sub)
		mc_entries++;
}

/* Read the next record: its event, its extra words in x, their number. */
static int next(FILE *f, unsigned int *ev, uint32_t *x, unsigned int *n)
{
	uint32_t hdr;

	if (fread(&hdr, sizeof(hdr), 1, f) != 1)
		return 0;
	*ev = hdr & 0x0fffffff & ~TRC_64_FLAG;
	*n = (hdr >> 28) & 7;
	if ((hdr >> 31) && fread(x, sizeof(uint32_t), 2, f) != 2)
		return -1;
	if (*n && fread(x, sizeof(uint32_t), *n, f) != *n)
		return -1;
	return 1;
}

static int is_mark(unsigned int ev, const uint32_t *x, unsigned int n, long mark)
{
	return ev == TRC_PV_HYPERCALL_V2 && n && (long)(x[0] & OP_MASK) == mark;
}

int main(int argc, char **argv)
{
	unsigned long long rec = 0, first = 0, last = 0, marks = 0;
	unsigned int ev, n;
	long mark = -1;
	uint32_t x[8];
	FILE *f;
	int r;

	if (argc == 4 && !strcmp(argv[1], "-w")) {
		mark = atol(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: xtcount [-w OP] FILE\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	/* With -w: find the first and the last mark. */
	if (mark >= 0) {
		while ((r = next(f, &ev, x, &n)) > 0) {
			rec++;
			if (is_mark(ev, x, n, mark)) {
				if (!marks++)
					first = rec;
				last = rec;
			}
		}
		if (r < 0)
			goto cut;
		if (marks < 2) {
			fprintf(stderr, "%s: %llu hypercall(s) %ld, the marks of the window: need two\n",
				argv[1], marks, mark);
			return 1;
		}
		rewind(f);
	}
	rec = 0;
	while ((r = next(f, &ev, x, &n)) > 0) {
		rec++;
		if (mark >= 0 && (rec <= first || rec >= last ||
				  is_mark(ev, x, n, mark)))
			continue;
		switch (ev) {
		case TRC_PV_HYPERCALL_V2:
			if (n)
				hypercall(x, n, 0);
			break;
		case TRC_PV_HYPERCALL_SUBCALL:
			if (n)
				hypercall(x, n, 1);
			break;
		case TRC_PV_PTWR_EMULATION:
		case TRC_PV_PTWR_EMULATION_PAE:
			ptwr++;
			break;
		case TRC_PV_TRAP:
		case TRC_PV_PAGE_FAULT:
			traps++;
			break;
		case TRC_LOST_RECORDS:
			lost += n ? x[0] : 1;
			break;
		}
	}
	if (r < 0)
		goto cut;
	if (ferror(f)) {
		perror(argv[1]);
		return 1;
	}
	printf("hypercalls=%llu multicalls=%llu mc_entries=%llu mmu_update=%llu mmu_entries=%llu mmuext=%llu mmuext_entries=%llu uvma=%llu iret=%llu ptwr=%llu traps=%llu lost=%llu restarts=%llu ops=",
	       hypercalls, multicalls, mc_entries, mmu_update, mmu_entries,
	       mmuext, mmuext_entries, uvma, iret, ptwr, traps, lost, restarts);
	for (int i = 0, first = 1; i < NR_OPS; i++)
		if (ops[i]) {
			printf("%s%d:%llu", first ? "" : ",", i, ops[i]);
			first = 0;
		}
	printf("\n");
	return 0;
cut:
	fprintf(stderr, "%s: cut in the middle of a record\n", argv[1]);
	return 1;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * pvstorm: a thread create/exit storm for the preempt-storm lifecycle
 * operation (scripts/pvci-run). WORKERS threads each create BATCH threads
 * that exit at once, join them, and start again, until the file STOP
 * exists; then it prints the threads created. With CONFIG_VMAP_STACK each
 * new thread's kernel stack is vmalloc()ed and, once the per-CPU cache is
 * full, vfree()d: kernel page tables changed in lazy MMU mode, preemptibly.
 *
 *   pvstorm WORKERS BATCH STOP
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static atomic_long created;
static const char *stop;
static int batch;

static void *nothing(void *arg)
{
	return arg;
}

static void *worker(void *arg)
{
	pthread_t t[64];
	int i, n;

	while (access(stop, F_OK)) {
		for (n = 0; n < batch; n++)
			if (pthread_create(&t[n], NULL, nothing, NULL))
				break;
		for (i = 0; i < n; i++)
			pthread_join(t[i], NULL);
		atomic_fetch_add(&created, n);
	}
	return arg;
}

int main(int argc, char **argv)
{
	pthread_t *w;
	int workers, i;

	if (argc != 4) {
		fprintf(stderr, "usage: pvstorm WORKERS BATCH STOP\n");
		return 2;
	}
	workers = atoi(argv[1]);
	batch = atoi(argv[2]);
	stop = argv[3];
	if (workers < 1 || batch < 1 || batch > 64) {
		fprintf(stderr, "pvstorm: WORKERS >= 1, BATCH 1-64\n");
		return 2;
	}
	w = calloc(workers, sizeof(*w));
	if (!w)
		return 1;
	for (i = 0; i < workers; i++)
		if (pthread_create(&w[i], NULL, worker, NULL)) {
			perror("pvstorm: pthread_create");
			return 1;
		}
	for (i = 0; i < workers; i++)
		pthread_join(w[i], NULL);
	printf("%ld\n", atomic_load(&created));
	return 0;
}

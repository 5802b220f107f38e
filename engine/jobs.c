/*
 * jobs.c - a few jobs run at once, one thread each: the trials' rounds,
 * the statistics' columns and the days' JSON all split this way.
 */
#include <pthread.h>

#include "fc.h"

void fc_run_jobs(void *(*fn)(void *), void *jobs, size_t size, size_t n)
{
	pthread_t th[FC_MAX_JOBS];
	unsigned char started[FC_MAX_JOBS] = {0};
	char *job = jobs;
	size_t i;

	if (n > FC_MAX_JOBS)
		n = FC_MAX_JOBS;

	/* Job 0 runs here; a job whose thread cannot start runs here too. */
	for (i = 1; i < n; i++)
		started[i] = pthread_create(&th[i], NULL, fn,
					    job + i * size) == 0;
	fn(job);
	for (i = 1; i < n; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		else
			fn(job + i * size);
	}
}

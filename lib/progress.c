#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "progress.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
draw(struct progress *p, double t)
{
	double mb = p->bytes / 1048576.0;
	double rate = t > p->start ? mb / (t - p->start) : 0;

	if (p->total_bytes == 0 && p->bytes == 0) { /* counts only: render */
		fprintf(stderr, "\r%s: %llu/%llu messages, %.0f/s ", p->what,
			(unsigned long long)p->done,
			(unsigned long long)p->total,
			t > p->start ? p->done / (t - p->start) : 0);
		p->last_draw = t;
		p->drawn = true;
		return;
	}
	fprintf(stderr, "\r%s: %llu/%llu messages, %.1f/%.1f MB, %.1f MB/s ",
		p->what, (unsigned long long)p->done,
		(unsigned long long)p->total, mb, p->total_bytes / 1048576.0,
		rate);
	p->last_draw = t;
	p->drawn = true;
}

void
progress_start(struct progress *p, const char *what, uint64_t total,
	       uint64_t total_bytes)
{
	p->on = log_to_terminal() && log_enabled(LOG_LEVEL_NOTICE);
	p->what = what;
	p->total = total;
	p->total_bytes = total_bytes;
	p->done = p->bytes = 0;
	p->after = 1.0;
	if (getenv("MAILARC_PROGRESS_AFTER") != NULL &&
	    strcmp(getenv("MAILARC_PROGRESS_AFTER"), "0") == 0)
		p->after = 0.0;
	p->start = now();
	p->last_draw = p->start - 1.0;
	p->drawn = false;
}

void
progress_add(struct progress *p, uint64_t messages, uint64_t bytes)
{
	double t;

	p->done += messages;
	p->bytes += bytes;
	if (!p->on)
		return;
	/* Only long runs: nothing for the first second. */
	t = now();
	if (t - p->start >= p->after && t - p->last_draw >= 0.25)
		draw(p, t);
}

void
progress_end(struct progress *p)
{
	if (!p->on || !p->drawn)
		return;
	draw(p, now());
	fputc('\n', stderr);
}

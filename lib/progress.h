#ifndef MA_PROGRESS_H
#define MA_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Progress of a long fetch on a terminal: "sales/main: 120/10000 messages,
 * 3.1/250.0 MB, 4.2 MB/s", redrawn in place at most a few times a second.
 * Drawn only when stderr is a terminal and the log level shows notices, so
 * it stays quiet under systemd and in pipes.
 */
struct progress {
	bool on;
	const char *what; /* borrowed */
	uint64_t total, done;
	uint64_t total_bytes, bytes;
	double start, last_draw;
	double after; /* seconds before the first line (1; tests: 0) */
	bool drawn;
};

/* progress_start - begin; total and total_bytes may be 0 (unknown).
 * Nothing is drawn for the first second: MAILARC_PROGRESS_AFTER=0 (for
 * tests only) draws from the first message on. */
void progress_start(struct progress *p, const char *what, uint64_t total,
		    uint64_t total_bytes);

/* progress_add - count bytes received and messages done; may redraw. */
void progress_add(struct progress *p, uint64_t messages, uint64_t bytes);

/* progress_end - draw the final figures and end the line. */
void progress_end(struct progress *p);

#endif

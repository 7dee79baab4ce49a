/*
 * run_pipeline (mailarc.h): the later stages and retention for a space,
 * after fetch or import. Its own file: it calls erase.c's retention_run,
 * which runs stages through ctx.c, and ctx.c stays below both.
 */
#include <sysexits.h>

#include "log.h"
#include "mailarc.h"

int
run_pipeline(struct ctx *c, const char *space)
{
	static const char *const stages[] = {"mailarc-dedupe", "mailarc-index",
					     "mailarc-render"};
	const char *const args[] = {space, NULL};
	int ret = EX_OK, r;

	for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
		/* Retention between index and render: the render that
		 * follows takes its tombstones in. */
		if (i == 2 && stage_built("mailarc-index")) {
			r = retention_run(c, space);
			ret = ma_worse(ret, r);
		}
		if (!stage_built(stages[i])) {
			log_debug("space %s: %s is not built; skipped", space,
				  stages[i]);
			continue;
		}
		r = run_stage(c, stages[i], args, true);
		ret = ma_worse(ret, r);
		/* One bad message set aside (EX_DATAERR) still leaves the
		 * rest to index and render; any other failure stops here,
		 * since a later stage works on what this one made. */
		if (r != EX_OK && r != EX_DATAERR) {
			log_err("space %s: %s failed (exit %d)", space,
				stages[i], r);
			break;
		}
	}
	return ret;
}

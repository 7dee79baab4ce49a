#ifndef MAILARC_STORE_H
#define MAILARC_STORE_H

#include <stdbool.h>

#include "mailarc.h"

/*
 * Shared by import, delete and search (the store commands of the front
 * end).
 */

/* store_stage_built - true when prog sits (executable) beside mailarc. */
bool store_stage_built(const char *prog);

/*
 * store_run_pipeline - run mailarc-dedupe and mailarc-index for space,
 * and mailarc-render when render and it is built. Their stdout (paths)
 * is dropped. Returns the worst exit code.
 */
int store_run_pipeline(struct ctx *c, const char *space, bool render);

#endif

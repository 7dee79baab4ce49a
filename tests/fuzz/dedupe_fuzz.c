/*
 * libFuzzer target for the parsers that dedupe and import share (make
 * fuzz-dedupe): the mbox splitter (plain and gzip input) and the identity
 * pass of msg.c. Any input must split or fail cleanly, never crash, never
 * read out of bounds.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "mbox.h"
#include "msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum ma_status
sink(void *arg, const void *p, size_t n)
{
	return buf_add(arg, p, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	char identity[MSG_IDENTITY_LEN + 1];
	char *mid = NULL;
	struct mbox *m = NULL;
	FILE *f;

	if (path[0] == '\0') {
		log_init("dedupe_fuzz");
		log_adjust(-4);
		snprintf(path, sizeof path, "/tmp/dedupe_fuzz.%ld", (long)getpid());
	}
	if ((f = fopen(path, "w")) == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	if (mbox_open(path, size % 2 ? MBOX_O : MBOX_RD, &m) == MA_OK) {
		for (int i = 0; i < 10000; i++) {
			struct buf b;
			bool got = false;
			enum ma_status st;

			buf_init(&b, 1 << 24);
			st = mbox_next(m, sink, &b, &got);
			buf_release(&b);
			if (st != MA_OK || !got)
				break;
		}
		mbox_close(m);
	}
	if ((f = fmemopen((void *)data, size ? size : 1, "r")) != NULL) {
		if (msg_identity_stream(f, identity, &mid) == MA_OK)
			free(msg_parse_message_id(mid));
		free(mid);
		fclose(f);
	}
	unlink(path);
	return 0;
}

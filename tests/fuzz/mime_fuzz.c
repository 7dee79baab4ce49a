/*
 * libFuzzer over the parse of a whole message as the page shows it
 * (lib/mime*.c: MIME structure, transfer encodings, charsets, bounces,
 * digests, winmail.dat and its compressed RTF, uuencode and yEnc). The
 * oracle: no crash or sanitizer report, and what the page would show is
 * valid UTF-8 of the length it says, its attachments as long as their
 * data.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "mime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_text(const char *s, size_t n)
{
	if (s == NULL)
		abort();
	if (!charset_is_utf8(s, n) || s[n] != '\0')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;

	if (!ready) {
		mime_init();
		ready = true;
	}
	for (int html = 0; html < 2; html++) {
		struct mime_msg *m = NULL;

		if (mime_parse(data, size, "fuzz", html != 0, &m) != MA_OK) {
			if (m != NULL)
				abort();
			continue;
		}
		check_text(m->subject, strlen(m->subject));
		check_text(m->from_text, strlen(m->from_text));
		check_text(m->body, m->body_len);
		for (size_t i = 0; i < m->natt; i++)
			if (m->att[i].filename != NULL)
				check_text(m->att[i].filename,
					   strlen(m->att[i].filename));
		mime_free(m);
	}
	return 0;
}

/*
 * charset-dump FILE... - per message file one line "FILE TAB subject TAB
 * name <addr>|..." as the renderer decodes them (lib/mime.c), for
 * bench/charset/compare.py.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mime.h"

static void
put(const char *s)
{
	for (; *s != '\0'; s++)
		putchar(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

int
main(int argc, char *argv[])
{
	for (int i = 1; i < argc; i++) {
		struct mime_msg *m = NULL;

		if (mime_open(argv[i], false, &m) != MA_OK) {
			printf("%s\tERROR\t\n", argv[i]);
			continue;
		}
		printf("%s\t", argv[i]);
		put(m->subject);
		putchar('\t');
		for (size_t k = 0; k < m->nfrom; k++) {
			if (k > 0)
				putchar('|');
			put(m->from[k].name);
			fputs(" <", stdout);
			put(m->from[k].addr);
			putchar('>');
		}
		putchar('\n');
		mime_free(m);
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

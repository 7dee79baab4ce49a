/*
 * libFuzzer target for what mailarc reads from the network or disk in the
 * OAuth code (make fuzz-oauth): token endpoint replies, the redirect's
 * query string, and token cache files. The first byte picks the parser.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "oauth_http.h"
#include "oauth_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	struct oauth_reply r;
	struct oauth_cache c;
	struct buf b;
	char *s, *v;

	if (!init) {
		log_init("oauth_fuzz");
		log_adjust(-5);
		init = 1;
	}
	if (size < 1)
		return 0;
	buf_init(&b, OAUTH_HTTP_MAX);
	if (buf_add(&b, data + 1, size - 1) != MA_OK) {
		buf_release(&b);
		return 0;
	}
	switch (data[0] % 3) {
	case 0:
		if (oauth_reply_parse(&b, 200 + data[0] % 7 * 100, &r) == MA_OK)
			oauth_reply_wipe(&r);
		break;
	case 1:
		s = b.data ? b.data : (char *)"";
		if ((v = oauth_form_get(s, "code")) != NULL)
			free(v);
		if ((v = oauth_form_get(s, "state")) != NULL)
			free(v);
		break;
	default:
		if (oauth_cache_parse(buf_cstr(&b), b.len, &c) == MA_OK)
			oauth_cache_wipe(&c);
		break;
	}
	buf_release(&b);
	return 0;
}

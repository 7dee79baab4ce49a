/* lib/tombstone: tombstones_scan(), the reader the renderer uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "log.h"
#include "tombstone.h"

/* What the callback saw, a line each: "ID|THREAD|WHEN|fresh or old". */
static enum ma_status
note(void *arg, const struct tombstone_line *l)
{
	return buf_addf(arg, "%s|%s|%s|%s\n", l->message_id, l->thread_id,
			l->deleted_at, l->fresh ? "fresh" : "old");
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const char lines[] =
    "2026-01-01T00:00:00Z\t<a@b>\t0000000000000001\t-\n"
    "2026-01-02T00:00:00Z\tc@d\t-\n"
    "no tabs here\n"
    "2026-01-03T00:00:00Z\te@f\t-\t-"; /* torn: no newline yet */

static void
test_scan_fields_freshness_and_torn_line(void **state)
{
	struct buf b;
	long end = -1, first = (long)(strchr(lines, '\n') - lines) + 1;

	(void)state;
	write_text("tsscan1", lines);
	buf_init(&b, 4096);
	assert_int_equal(tombstones_scan("tsscan1", first, note, &b, &end),
			 MA_OK);
	assert_string_equal(buf_cstr(&b),
			    "a@b|0000000000000001|2026-01-01T00:00:00Z|old\n"
			    "c@d|-|2026-01-02T00:00:00Z|fresh\n");
	/* The torn line is left for the next reader. */
	assert_int_equal(end, (long)(strrchr(lines, '\n') - lines) + 1);
	buf_release(&b);
	unlink("tsscan1");
}

static void
test_scan_replaced_file_is_all_fresh(void **state)
{
	struct buf b;
	long end = -1;

	(void)state;
	write_text("tsscan2", "2026-01-01T00:00:00Z\tx@y\t-\t-\n");
	buf_init(&b, 4096);
	assert_int_equal(tombstones_scan("tsscan2", 100000, note, &b, &end),
			 MA_OK);
	assert_string_equal(buf_cstr(&b), "x@y|-|2026-01-01T00:00:00Z|fresh\n");
	assert_int_equal(end, 29);
	buf_release(&b);
	unlink("tsscan2");
}

static void
test_scan_missing_file_is_empty(void **state)
{
	struct buf b;
	long end = -1;

	(void)state;
	unlink("tsscan3");
	buf_init(&b, 4096);
	assert_int_equal(tombstones_scan("tsscan3", 0, note, &b, &end), MA_OK);
	assert_int_equal(b.len, 0);
	assert_int_equal(end, 0);
	buf_release(&b);
}

static enum ma_status
refuse(void *arg, const struct tombstone_line *l)
{
	(void)l;
	++*(int *)arg;
	return MA_ENOMEM;
}

static void
test_scan_stops_at_the_first_error(void **state)
{
	long end = -1;
	int calls = 0;

	(void)state;
	write_text("tsscan4", lines);
	assert_int_equal(tombstones_scan("tsscan4", 0, refuse, &calls, &end),
			 MA_ENOMEM);
	assert_int_equal(calls, 1);
	unlink("tsscan4");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_scan_fields_freshness_and_torn_line),
	    cmocka_unit_test(test_scan_replaced_file_is_all_fresh),
	    cmocka_unit_test(test_scan_missing_file_is_empty),
	    cmocka_unit_test(test_scan_stops_at_the_first_error),
	};

	log_init("tombstone_scan_test");
	log_adjust(-3);
	return cmocka_run_group_tests(tests, NULL, NULL);
}

#include "testutil.h"
#include "testutil.inc"

#include "space.h"

static void
check(char *got, const char *want)
{
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* The layout docs/format.md describes, spelt out once more: a change of
 * a name is a change of the on-disk format and must be on purpose. */
static void
test_parts_match_the_documented_layout(void **state)
{
	(void)state;
	check(space_part_path("/s", SPACE_INCOMING), "/s/incoming");
	check(space_part_path("/s", SPACE_ARCHIVE), "/s/archive");
	check(space_part_path("/s", SPACE_DUPLICATES), "/s/duplicates");
	check(space_part_path("/s", SPACE_STATE), "/s/state");
	check(space_part_path("/s", SPACE_ACCOUNTS), "/s/accounts");
	check(space_part_path("/s", SPACE_NOTMUCH_CONFIG), "/s/notmuch/config");
	check(space_part_path("/s", SPACE_NOTMUCH_XAPIAN), "/s/notmuch/xapian");
	check(space_part_path("/s", SPACE_SITE), "/s/site");
	check(space_part_path("/s", SPACE_TOMBSTONES), "/s/tombstones");
	check(space_part_path("/s", SPACE_DEDUPE_DB), "/s/state/dedupe");
	check(space_part_path("/s", SPACE_INDEX_QUEUE), "/s/state/index.queue");
	check(space_part_path("/s", SPACE_RENDER_STATE),
	      "/s/state/render.state");
	check(space_part_path("/s", SPACE_RETENTION), "/s/state/retention");
	check(space_lock_path("/s", SPACE_STAGE_DEDUPE),
	      "/s/state/dedupe.lock");
	check(space_lock_path("/s", SPACE_STAGE_INDEX), "/s/state/index.lock");
	check(space_lock_path("/s", SPACE_STAGE_RENDER),
	      "/s/state/render.lock");
	check(space_source_dir("/s", SPACE_SOURCE_IMPORT),
	      "/s/incoming/.import");
	check(space_account_file("/s", "main", "lock"), "/s/state/main.lock");
}

static void
test_reserved_names(void **state)
{
	(void)state;
	assert_true(space_key_reserved("import"));
	assert_true(space_key_reserved("unknown"));
	assert_true(space_key_reserved("dedupe"));
	assert_true(space_key_reserved("index"));
	assert_true(space_key_reserved("render"));
	assert_false(space_key_reserved("imports"));
	assert_false(space_key_reserved("main"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parts_match_the_documented_layout),
	    cmocka_unit_test(test_reserved_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

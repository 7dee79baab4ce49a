#include "testutil.h"
#include "testutil.inc"

#include "account.h"
#include "fetch_sink.h"

static void
test_parse_budget_sizes_and_units(void **state)
{
	unsigned long long b = 1;

	(void)state;
	assert_int_equal(parse_budget("2GB/day", &b), 0);
	assert_true(b == 2000000000ULL);
	assert_int_equal(parse_budget("500MB/d", &b), 0);
	assert_true(b == 500000000ULL);
	assert_int_equal(parse_budget("1.5GiB/day", &b), 0);
	assert_true(b == 1610612736ULL);
	assert_int_equal(parse_budget("1mib/day", &b), 0);
	assert_true(b == 1048576ULL);
	assert_int_equal(parse_budget("off", &b), 0);
	assert_true(b == 0);
}

static void
test_parse_budget_refuses_bad_values(void **state)
{
	static const char *const bad[] = {
	    "2GB",	"2GB/week",  "GB/day",	"0GB/day",
	    "-1GB/day", "100KB/day", "2XB/day", "nan/day",
	    "inf/day",	"2 GB/day",  "",
	};
	unsigned long long b = 7;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(parse_budget(bad[i], &b), -1);
		assert_true(b == 7);
	}
}

/* A sink with just a state in memory: what the budget rule looks at. */
static void
sink_with_state(struct fetch_sink *k, struct fetch_state *st)
{
	memset(k, 0, sizeof *k);
	memset(st, 0, sizeof *st);
	k->st = st;
}

static void
test_take_keeps_order_once_one_waits(void **state)
{
	struct fetch_sink k;
	struct fetch_state st;

	(void)state;
	sink_with_state(&k, &st);
	fetch_sink_budget_start(&k, 1000, 5000);
	assert_true(st.sum.budget_start == 5000);
	assert_true(fetch_sink_budget_take(&k, 400));
	assert_true(fetch_sink_budget_take(&k, 500));
	/* 300 does not fit; the 50 after it must not overtake it. */
	assert_false(fetch_sink_budget_take(&k, 300));
	assert_false(fetch_sink_budget_take(&k, 50));
	assert_int_equal(k.waiting, 2);
	assert_true(k.waiting_bytes == 350);
}

static void
test_oversize_message_goes_alone_at_window_start(void **state)
{
	struct fetch_sink k;
	struct fetch_state st;

	(void)state;
	sink_with_state(&k, &st);
	fetch_sink_budget_start(&k, 1000, 5000);
	assert_true(fetch_sink_budget_take(&k, 5000));
	assert_false(fetch_sink_budget_take(&k, 1));
}

static void
test_window_spent_until_a_day_has_passed(void **state)
{
	struct fetch_sink k;
	struct fetch_state st;

	(void)state;
	sink_with_state(&k, &st);
	st.sum.budget_start = 5000;
	st.sum.budget_used = 900;
	st.sum.waiting = 3;
	fetch_sink_budget_start(&k, 1000, 5000 + 3600);
	/* 100 bytes are left, but a message already waits for them. */
	assert_true(fetch_sink_budget_spent(&k));
	assert_true(fetch_sink_budget_resume(&k) == 5000 + 86400);
	fetch_sink_budget_start(&k, 1000, 5000 + 86400);
	assert_false(fetch_sink_budget_spent(&k));
	assert_true(st.sum.budget_used == 0);
	assert_true(st.sum.budget_start == 5000 + 86400);
}

static void
test_no_budget_takes_everything_and_forgets_the_window(void **state)
{
	struct fetch_sink k;
	struct fetch_state st;

	(void)state;
	sink_with_state(&k, &st);
	st.sum.budget_start = 5000;
	st.sum.budget_used = 900;
	fetch_sink_budget_start(&k, 0, 6000);
	assert_false(fetch_sink_budget_spent(&k));
	assert_true(fetch_sink_budget_take(&k, 1ULL << 40));
	assert_true(st.sum.budget_start == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_budget_sizes_and_units),
	    cmocka_unit_test(test_parse_budget_refuses_bad_values),
	    cmocka_unit_test(test_take_keeps_order_once_one_waits),
	    cmocka_unit_test(test_oversize_message_goes_alone_at_window_start),
	    cmocka_unit_test(test_window_spent_until_a_day_has_passed),
	    cmocka_unit_test(
		test_no_budget_takes_everything_and_forgets_the_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

#include "testutil.h"
#include "testutil.inc"

#include <sys/stat.h>

#include "config.h"
#include "log.h"

static void
test_round_trip_keeps_order_and_values(void **state)
{
	char *dir = tu_tmpdir(), *path = path_fmt("%s/a.conf", dir), *text;
	struct config *c, *d;
	struct stat sb;

	(void)state;
	assert_non_null(c = config_new());
	assert_int_equal(config_set(c, "", "protocol", "imaps"), MA_OK);
	assert_int_equal(config_set(c, "", "host", "mail.example.com"), MA_OK);
	assert_int_equal(config_set(c, "extra", "k", "v = w"), MA_OK);
	assert_int_equal(config_set(c, "", "name", "Sales; EU"), MA_OK);
	assert_int_equal(config_write_atomic(c, path, 0600), MA_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(config_load(path, &d), MA_OK);
	assert_string_equal(config_get(d, "", "protocol"), "imaps");
	assert_string_equal(config_get(d, "", "name"), "Sales; EU");
	assert_string_equal(config_get(d, "extra", "k"), "v = w");
	assert_null(config_get(d, "", "k"));
	text = config_serialise(d);
	assert_string_equal(text, "protocol = imaps\nhost = mail.example.com\n"
				  "name = Sales; EU\n\n[extra]\nk = v = w\n");
	free(text);
	config_free(c);
	config_free(d);
	free(path);
	tu_rmdir(dir);
}

static void
test_set_refuses_values_that_would_not_read_back(void **state)
{
	struct config *c = config_new();
	char big[CONFIG_VALUE_MAX + 2];

	(void)state;
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(config_set(c, "", "a", big), MA_ECONFIG);
	assert_int_equal(config_set(c, "", "a", "two\nlines"), MA_ECONFIG);
	assert_int_equal(config_set(c, "", "a", "x ;comment"), MA_ECONFIG);
	assert_int_equal(config_set(c, "", "a", " padded"), MA_ECONFIG);
	assert_null(config_get(c, "", "a"));
	big[CONFIG_VALUE_MAX] = '\0';
	assert_int_equal(config_set(c, "", "a", big), MA_OK);
	config_free(c);
}

static void
test_remove_and_replace(void **state)
{
	struct config *c = config_new();

	(void)state;
	config_set(c, "", "a", "1");
	config_set(c, "", "b", "2");
	config_set(c, "", "c", "3");
	assert_int_equal(config_set(c, "", "b", NULL), MA_OK);
	assert_int_equal(config_set(c, "", "a", "one"), MA_OK);
	assert_null(config_get(c, "", "b"));
	assert_string_equal(config_get(c, "", "a"), "one");
	assert_string_equal(config_get(c, "", "c"), "3");
	config_free(c);
}

static void
test_syntax_error_names_the_line(void **state)
{
	struct config *c = NULL;

	(void)state;
	log_adjust(-5); /* the error line is expected */
	assert_int_equal(
	    config_parse_string("a = 1\nb = 2\nnonsense\n", "t", &c),
	    MA_ECONFIG);
	assert_null(c);
	assert_int_equal(config_parse_string("a = 1\na = 2\n", "t", &c),
			 MA_ECONFIG);
	log_adjust(+5);
}

static void
test_long_line_is_an_error_not_a_truncation(void **state)
{
	char text[400] = "a = ";
	struct config *c = NULL;

	(void)state;
	memset(text + 4, 'y', 300);
	text[304] = '\n';
	log_adjust(-5);
	assert_int_equal(config_parse_string(text, "t", &c), MA_ECONFIG);
	log_adjust(+5);
}

static void
test_missing_file_is_not_found(void **state)
{
	struct config *c;

	(void)state;
	assert_int_equal(config_load("/nonexistent/x.conf", &c), MA_ENOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip_keeps_order_and_values),
	    cmocka_unit_test(test_set_refuses_values_that_would_not_read_back),
	    cmocka_unit_test(test_remove_and_replace),
	    cmocka_unit_test(test_syntax_error_names_the_line),
	    cmocka_unit_test(test_long_line_is_an_error_not_a_truncation),
	    cmocka_unit_test(test_missing_file_is_not_found),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

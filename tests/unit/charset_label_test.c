/*
 * Unit tests of charset labels that are no labels (lib/charset.c
 * label_get()): a name holding a control byte or 8-bit byte is not a
 * charset name (RFC 2978 2.3), so the text is read as if unlabelled
 * (UTF-8 when valid). glibc's iconv_open() skipped such bytes, and
 * UTF-8 under "iso-8859-1\1" was shown as "naÃ¯ve".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "charset.h"

#include "charset_body.inc"

static void
test_control_byte_in_label(void **state)
{
	(void)state;
	check_body("iso-8859-1\x01", "na\xc3\xafve", "na\xc3\xafve");
	check_body("iso-8859-1\x7f", "na\xc3\xafve", "na\xc3\xafve");
	check_body("utf\x01-8", "na\xefve", "na\xc3\xafve");
	assert_false(charset_known("iso-8859-1\x01"));
	assert_false(charset_known("latin\xa0"));
}

static void
test_printable_labels_still_read(void **state)
{
	(void)state;
	check_body("iso-8859-1", "na\xefve", "na\xc3\xafve");
	check_body("ISO_8859-1:1987", "na\xefve", "na\xc3\xafve");
	assert_true(charset_known("koi8-r"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_control_byte_in_label),
	    cmocka_unit_test(test_printable_labels_still_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "testutil.inc"

#include "log.h"
#include "secret.h"

static void
test_file_gives_first_line_without_newline(void **state)
{
	char *dir = tu_tmpdir(), *p = path_fmt("%s/pw", dir);
	struct secret s = {0};

	(void)state;
	tu_write(p, "s3cret with blanks \nsecond line\n", 0600);
	assert_int_equal(secret_read_file(p, "password file", &s), MA_OK);
	assert_string_equal(s.data, "s3cret with blanks ");
	assert_int_equal(s.len, 19);
	secret_wipe(&s);
	assert_null(s.data);
	assert_int_equal(s.len, 0);
	free(p);
	tu_rmdir(dir);
}

static void
test_unreadable_or_empty_file_is_a_config_error(void **state)
{
	char *dir = tu_tmpdir(), *p = path_fmt("%s/pw", dir);
	struct secret s = {0};

	(void)state;
	log_adjust(-5);
	assert_int_equal(secret_read_file(p, "password file", &s), MA_ECONFIG);
	tu_write(p, "\n", 0600);
	assert_int_equal(secret_read_file(p, "password file", &s), MA_ECONFIG);
	assert_null(s.data);
	log_adjust(+5);
	free(p);
	tu_rmdir(dir);
}

static void
test_command_output_and_failure(void **state)
{
	struct secret s = {0};

	(void)state;
	assert_int_equal(secret_read_command("printf 'pa ss\\nmore'", &s),
			 MA_OK);
	assert_string_equal(s.data, "pa ss");
	secret_wipe(&s);
	log_adjust(-5);
	assert_int_equal(secret_read_command("echo hidden; exit 3", &s),
			 MA_ECONFIG);
	assert_null(s.data);
	assert_int_equal(secret_read_command("true", &s), MA_ECONFIG);
	log_adjust(+5);
}

static void
test_fd_reads_one_line(void **state)
{
	struct secret s = {0};
	int pfd[2];

	(void)state;
	assert_int_equal(pipe(pfd), 0);
	assert_int_equal(write(pfd[1], "abc\r\n", 5), 5);
	close(pfd[1]);
	assert_int_equal(secret_read_fd(pfd[0], &s), MA_OK);
	assert_string_equal(s.data, "abc");
	secret_wipe(&s);
	close(pfd[0]);
}

/*
 * In a child, so that this test process keeps its own settings: the
 * child reports by its exit code which check failed.
 */
static void
test_protect_process_turns_core_dumps_off(void **state)
{
	int status = -1;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl;

		if (secret_protect_process() != MA_OK)
			_exit(1);
		if (prctl(PR_GET_DUMPABLE, 0L, 0L, 0L, 0L) != 0)
			_exit(2);
		if (getrlimit(RLIMIT_CORE, &rl) != 0 || rl.rlim_cur != 0 ||
		    rl.rlim_max != 0)
			_exit(3);
		/* The hard limit is 0 too: it cannot be raised again. */
		rl.rlim_cur = rl.rlim_max = 1024;
		if (setrlimit(RLIMIT_CORE, &rl) == 0 && geteuid() != 0)
			_exit(4);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_file_gives_first_line_without_newline),
	    cmocka_unit_test(test_unreadable_or_empty_file_is_a_config_error),
	    cmocka_unit_test(test_command_output_and_failure),
	    cmocka_unit_test(test_fd_reads_one_line),
	    cmocka_unit_test(test_protect_process_turns_core_dumps_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

#include "testutil.h"
#include "testutil.inc"

#include <sys/wait.h>
#include <signal.h>
#include <time.h>

#include "lock.h"
#include "log.h"

static void
test_second_taker_gets_temp_failure(void **state)
{
	char *dir = tu_tmpdir(), *p = path_fmt("%s/x.lock", dir);
	struct lock l = {-1, NULL};
	int status;
	pid_t pid;

	(void)state;
	assert_int_equal(lock_take(p, "test", false, &l), MA_OK);
	/* flock() locks belong to open files: another process must fail. */
	if ((pid = fork()) == 0) {
		struct lock m = {-1, NULL};

		close(l.fd);
		log_adjust(-5);
		_exit(lock_take(p, "test", false, &m) == MA_ETEMP ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	lock_drop(&l);
	lock_drop(&l); /* dropping twice is harmless */
	free(p);
	tu_rmdir(dir);
}

static void
test_waiter_gets_the_lock_when_it_is_dropped(void **state)
{
	char *dir = tu_tmpdir(), *p = path_fmt("%s/x.lock", dir);
	struct lock l = {-1, NULL};
	int status, pfd[2];
	pid_t pid;
	char c;

	(void)state;
	assert_int_equal(pipe(pfd), 0);
	assert_int_equal(lock_take(p, "test", false, &l), MA_OK);
	if ((pid = fork()) == 0) {
		struct lock m = {-1, NULL};

		/* Without an exec the child shares the parent's locked file;
		 * close it, as exec would (O_CLOEXEC). */
		close(l.fd);
		close(pfd[0]);
		(void)!write(pfd[1], "s", 1);
		_exit(lock_take(p, "test", true, &m) == MA_OK ? 0 : 1);
	}
	close(pfd[1]);
	assert_int_equal(read(pfd[0], &c, 1), 1);
	usleep(100 * 1000);
	assert_int_equal(waitpid(pid, &status, WNOHANG), 0); /* still waiting */
	lock_drop(&l);
	waitpid(pid, &status, 0);
	assert_int_equal(WEXITSTATUS(status), 0);
	close(pfd[0]);
	free(p);
	tu_rmdir(dir);
}

static void
test_killed_holder_leaves_no_stale_lock(void **state)
{
	char *dir = tu_tmpdir(), *p = path_fmt("%s/x.lock", dir);
	struct lock l = {-1, NULL};
	int status, pfd[2];
	pid_t pid;
	char c;

	(void)state;
	assert_int_equal(pipe(pfd), 0);
	if ((pid = fork()) == 0) {
		struct lock m = {-1, NULL};

		if (lock_take(p, "test", false, &m) != MA_OK)
			_exit(1);
		(void)!write(pfd[1], "s", 1);
		pause();
		_exit(0);
	}
	assert_int_equal(read(pfd[0], &c, 1), 1);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	assert_int_equal(lock_take(p, "test", false, &l), MA_OK);
	lock_drop(&l);
	close(pfd[0]);
	close(pfd[1]);
	free(p);
	tu_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_second_taker_gets_temp_failure),
	    cmocka_unit_test(test_waiter_gets_the_lock_when_it_is_dropped),
	    cmocka_unit_test(test_killed_holder_leaves_no_stale_lock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

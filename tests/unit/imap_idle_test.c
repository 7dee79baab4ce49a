#include "testutil.h"
#include "testutil.inc"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fetch_conn.h"
#include "imap_idle.h"

/*
 * A scripted IMAP server on 127.0.0.1, in a child process: it greets, takes
 * any LOGIN, and answers each IDLE with "+ idling" followed by that
 * IDLE's script (lines separated by '|'; "CLOSE" drops the connection).
 * DONE gets "TAG OK". The child exits when the client goes.
 */
struct server {
	pid_t pid;
	int port;
};

static void
say(int fd, const char *s)
{
	size_t n = strlen(s);

	if (write(fd, s, n) != (ssize_t)n)
		_exit(1);
}

static int
read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	char c;

	while (n + 1 < size) {
		if (read(fd, &c, 1) != 1)
			return -1;
		if (c == '\n')
			break;
		if (c != '\r')
			buf[n++] = c;
	}
	buf[n] = '\0';
	return 0;
}

static void
serve(int lfd, const char *const *scripts, size_t nscripts)
{
	char line[512], tag[64] = "", idle_tag[64] = "";
	size_t idles = 0;
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		_exit(1);
	say(fd, "* OK [CAPABILITY IMAP4rev1 IDLE] test server ready\r\n");
	while (read_line(fd, line, sizeof line) == 0) {
		char *sp = strchr(line, ' ');

		if (strcmp(line, "DONE") == 0) {
			char ok[128];

			snprintf(ok, sizeof ok, "%s OK Idle completed.\r\n",
				 idle_tag);
			say(fd, ok);
			continue;
		}
		if (sp == NULL)
			continue;
		snprintf(tag, sizeof tag, "%.*s", (int)(sp - line), line);
		if (strncmp(sp + 1, "IDLE", 4) == 0) {
			char copy[1024], *p, *next;

			snprintf(idle_tag, sizeof idle_tag, "%s", tag);
			say(fd, "+ idling\r\n");
			if (idles >= nscripts)
				continue;
			snprintf(copy, sizeof copy, "%s", scripts[idles++]);
			for (p = copy; p != NULL && *p; p = next) {
				next = strchr(p, '|');
				if (next != NULL)
					*next++ = '\0';
				if (strcmp(p, "CLOSE") == 0) {
					close(fd);
					_exit(0);
				}
				say(fd, p);
				say(fd, "\r\n");
			}
			continue;
		}
		if (strncmp(sp + 1, "CAPABILITY", 10) == 0)
			say(fd, "* CAPABILITY IMAP4rev1 IDLE\r\n");
		{
			char ok[128];

			snprintf(ok, sizeof ok, "%s OK done\r\n", tag);
			say(fd, ok);
		}
	}
	_exit(0);
}

static void
server_start(struct server *s, const char *const *scripts, size_t n)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof sa;
	int lfd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(lfd >= 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(lfd, 1), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sa, &len), 0);
	s->port = ntohs(sa.sin_port);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		alarm(20); /* bounded, whatever the test does */
		serve(lfd, scripts, n);
	}
	close(lfd);
}

static void
server_stop(struct server *s)
{
	int status;

	kill(s->pid, SIGTERM);
	waitpid(s->pid, &status, 0);
}

static void
connect_to(struct fetch_conn *c, int port)
{
	struct fetch_conn_params p = {
	    .what = "test",
	    .protocol = PROTO_IMAP,
	    .host = "127.0.0.1",
	    .port = port,
	    .username = "u",
	    .password = "p",
	    .tls_required = false,
	    .tls_verify = false,
	    .connect_timeout = 5,
	    .io_timeout = 5,
	};

	assert_int_equal(fetch_conn_open(c, &p), MA_OK);
}

static volatile sig_atomic_t no_stop;

static void
test_exists_above_the_count_is_new_mail(void **state)
{
	static const char *const scripts[] = {
	    "* 4 EXPUNGE|* 2 FETCH (FLAGS (\\Seen))|* 5 EXISTS|* 1 RECENT",
	};
	struct server s;
	struct fetch_conn c;
	struct imap_idle i = {.c = &c, .reidle_secs = 10, .stop = &no_stop};
	bool fresh = false;

	(void)state;
	server_start(&s, scripts, 1);
	connect_to(&c, s.port);
	i.exists = 5;
	assert_int_equal(imap_idle_wait(&i, &fresh), MA_OK);
	assert_true(fresh);
	assert_int_equal(i.exists, 5);
	assert_int_equal(i.reidles, 0);
	fetch_conn_close(&c);
	server_stop(&s);
}

static void
test_same_count_is_no_mail_and_reidle_goes_on(void **state)
{
	static const char *const scripts[] = {
	    "* 3 EXISTS|* OK Still here",
	    "* 4 EXISTS",
	};
	struct server s;
	struct fetch_conn c;
	struct imap_idle i = {.c = &c, .reidle_secs = 1, .stop = &no_stop};
	bool fresh = false;

	(void)state;
	server_start(&s, scripts, 2);
	connect_to(&c, s.port);
	i.exists = 3;
	assert_int_equal(imap_idle_wait(&i, &fresh), MA_OK);
	assert_true(fresh);
	assert_int_equal(i.exists, 4);
	/* The first IDLE timed out and was renewed with DONE + IDLE. */
	assert_int_equal(i.reidles, 1);
	fetch_conn_close(&c);
	server_stop(&s);
}

static void
test_bye_and_a_closed_connection_are_temporary(void **state)
{
	static const char *const bye[] = {"* BYE Server shutting down."};
	static const char *const closed[] = {"CLOSE"};
	struct server s;
	struct fetch_conn c;
	struct imap_idle i = {.c = &c, .reidle_secs = 10, .stop = &no_stop};
	bool fresh = false;

	(void)state;
	server_start(&s, bye, 1);
	connect_to(&c, s.port);
	assert_int_equal(imap_idle_wait(&i, &fresh), MA_ETEMP);
	assert_non_null(strstr(c.error, "Server shutting down"));
	fetch_conn_close(&c);
	server_stop(&s);

	server_start(&s, closed, 1);
	connect_to(&c, s.port);
	assert_int_equal(imap_idle_wait(&i, &fresh), MA_ETEMP);
	fetch_conn_close(&c);
	server_stop(&s);
}

static void
test_stop_ends_the_wait_at_once(void **state)
{
	static const char *const quiet[] = {"* OK nothing"};
	static volatile sig_atomic_t stop = 1;
	struct server s;
	struct fetch_conn c;
	struct imap_idle i = {.c = &c, .reidle_secs = 60, .stop = &stop};
	struct timespec t0, t1;
	bool fresh = true;

	(void)state;
	server_start(&s, quiet, 1);
	connect_to(&c, s.port);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(imap_idle_wait(&i, &fresh), MA_OK);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_false(fresh);
	assert_true(t1.tv_sec - t0.tv_sec < 2);
	fetch_conn_close(&c);
	server_stop(&s);
}

static void
test_keepalive_is_on_after_connect(void **state)
{
	static const char *const quiet[] = {"* OK nothing"};
	struct server s;
	struct fetch_conn c;
	int v = 0;
	socklen_t len = sizeof v;

	(void)state;
	server_start(&s, quiet, 1);
	connect_to(&c, s.port);
	imap_idle_keepalive(&c);
	assert_int_equal(
	    getsockopt((int)c.sock, SOL_SOCKET, SO_KEEPALIVE, &v, &len), 0);
	assert_int_equal(v, 1);
	assert_int_equal(
	    getsockopt((int)c.sock, IPPROTO_TCP, TCP_KEEPIDLE, &v, &len), 0);
	assert_int_equal(v, 60);
	fetch_conn_close(&c);
	server_stop(&s);
}

static void
test_idle_capability_is_a_whole_word(void **state)
{
	(void)state;
	assert_true(imap_idle_has_idle("IMAP4rev1 SASL-IR IDLE NAMESPACE"));
	assert_true(imap_idle_has_idle("IDLE"));
	assert_true(imap_idle_has_idle("imap4rev1 idle"));
	assert_false(imap_idle_has_idle("IMAP4rev1 SASL-IR NAMESPACE"));
	assert_false(imap_idle_has_idle("IMAP4rev1 XIDLE IDLEX"));
	assert_false(imap_idle_has_idle(""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_exists_above_the_count_is_new_mail),
	    cmocka_unit_test(test_same_count_is_no_mail_and_reidle_goes_on),
	    cmocka_unit_test(test_bye_and_a_closed_connection_are_temporary),
	    cmocka_unit_test(test_stop_ends_the_wait_at_once),
	    cmocka_unit_test(test_keepalive_is_on_after_connect),
	    cmocka_unit_test(test_idle_capability_is_a_whole_word),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

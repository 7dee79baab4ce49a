/*
 * floor SITE OUT - write a tree of the same files as SITE into OUT (a new
 * folder): the same folders, each file as a new file of the same size
 * (zeros), and each file with more than one link (the .eml downloads,
 * hard links of the archive) as a new link to it. Nothing is read but
 * the sizes.
 *
 * bench/scale/run.sh times it after the full render: what the kernel
 * charges for creating the site's files, with no page to format and no
 * mail to read, is the least CPU any renderer writing this site on this
 * file system can spend. Set against MHonArc's CPU, it says how much
 * faster than MHonArc such a renderer could be at best.
 *
 * Exit 0, or 1 with a message on the first failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *src, *dst;
static size_t src_len;
static char zeros[65536];
static unsigned long files, links;

static int
fail(const char *what, const char *path)
{
	fprintf(stderr, "floor: %s '%s': %s\n", what, path, strerror(errno));
	return 1;
}

/* Write size zero bytes to fd. */
static int
fill(int fd, off_t size)
{
	while (size > 0) {
		size_t k =
		    size > (off_t)sizeof zeros ? sizeof zeros : (size_t)size;
		ssize_t w = write(fd, zeros, k);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		size -= w;
	}
	return 0;
}

static int
one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	char out[4096];
	int n, fd;

	(void)ftw;
	n = snprintf(out, sizeof out, "%s%s", dst, path + src_len);
	if (n < 0 || (size_t)n >= sizeof out) {
		errno = ENAMETOOLONG;
		return fail("cannot name the copy of", path);
	}
	if (type == FTW_D)
		return mkdir(out, 0755) == 0 || errno == EEXIST
			   ? 0
			   : fail("cannot make", out);
	if (type != FTW_F || !S_ISREG(sb->st_mode))
		return 0;
	if (sb->st_nlink > 1) {
		links++;
		return link(path, out) == 0 ? 0 : fail("cannot link", out);
	}
	files++;
	fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail("cannot create", out);
	if (fill(fd, sb->st_size) != 0) {
		fail("cannot write", out);
		close(fd);
		return 1;
	}
	return close(fd) == 0 ? 0 : fail("cannot close", out);
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: floor SITE OUT\n");
		return 2;
	}
	src = argv[1];
	dst = argv[2];
	src_len = strlen(src);
	if (nftw(src, one, 64, FTW_PHYS) != 0)
		return 1;
	printf("%lu files, %lu links\n", files, links);
	return 0;
}

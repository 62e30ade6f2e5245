/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "daemon.h"
#include "priv.h"
#include "tap.h"

/* Child exit codes: 0 all as expected, else the first check that failed. */
static int child_checks(const char *dir, uid_t want_uid)
{
	const char *why = NULL;
	struct stat st;

	if (priv_drop("nobody", dir, &why) != 0)
		return 10;
	if (getuid() != want_uid || geteuid() != want_uid)
		return 11;
	if (setuid(0) == 0 || seteuid(0) == 0)
		return 12;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return 13;
	/* Inside the chroot only the marker file is visible at the top. */
	if (stat("/marker", &st) != 0 || stat("/etc/passwd", &st) == 0)
		return 14;
	if (getgroups(0, NULL) != 1)
		return 15;
	return 0;
}

static int run_child(const char *dir, uid_t uid)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(child_checks(dir, uid));
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void test_drop(void)
{
	char dir[] = "/tmp/nb-priv-XXXXXX";
	char marker[64];
	struct passwd *pw = getpwnam("nobody");
	const char *why = NULL;

	if (mkdtemp(dir) == NULL || pw == NULL) {
		ok(0, "temporary directory and user nobody exist");
		return;
	}
	snprintf(marker, sizeof(marker), "%s/marker", dir);
	close(open(marker, O_CREAT | O_WRONLY, 0644));
	chmod(dir, 0755);
	is_int(run_child(dir, pw->pw_uid), 0,
	       "chroot, drop to nobody, no way back, no new privs");
	pid_t pid = fork();
	if (pid == 0)
		_exit(priv_drop("nb-no-such-user", NULL, &why) == -ENOENT &&
			      why != NULL
		      ? 0 : 1);
	int st;
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "unknown user refused with a reason");
	unlink(marker);
	rmdir(dir);
}

static void test_pidfile(void)
{
	char path[] = "/tmp/nb-pid-XXXXXX";
	char buf[32] = "", want[32];
	int fd = mkstemp(path);
	ssize_t n;

	close(fd);
	is_int(pidfile_write(path), 0, "pidfile written");
	fd = open(path, O_RDONLY);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	is_str(buf, want, "pidfile holds our pid");
	unlink(path);
	is_int(daemon_setup(0, path, LOG_DAEMON), 0,
	       "daemon_setup in the foreground writes the pidfile");
	ok(access(path, F_OK) == 0, "the pidfile is there");
	unlink(path);
	is_int(daemon_setup(0, "/nonexistent-dir/pid", LOG_DAEMON), -1,
	       "daemon_setup reports a pidfile it cannot write");
	is_int(daemon_setup(0, NULL, LOG_DAEMON), 0, "no pidfile asked: 0");
}

int main(void)
{
	test_pidfile();
	if (geteuid() != 0) {
		printf("# SKIP privilege tests need root\n");
		return tap_done();
	}
	test_drop();
	return tap_done();
}

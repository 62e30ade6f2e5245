/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "sandbox.h"

#include <errno.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

/*
 * What any daemon does between events whatever its job: leave, take
 * signals through signalfd or a handler, read the clock, grow its heap,
 * and write log lines (stderr, or syslog(3) reconnecting its AF_UNIX
 * socket).  The rest is each daemon's own list.
 */
static const struct sandbox_rule base[] = {
	SANDBOX_ALLOW("exit"), SANDBOX_ALLOW("exit_group"),
	SANDBOX_ALLOW("rt_sigreturn"), SANDBOX_ALLOW("rt_sigprocmask"),
	SANDBOX_ALLOW("rt_sigaction"), SANDBOX_ALLOW("tgkill"),
	SANDBOX_ALLOW("getpid"), SANDBOX_ALLOW("gettid"),
	SANDBOX_ALLOW("clock_gettime"), SANDBOX_ALLOW("clock_nanosleep"),
	SANDBOX_ALLOW("gettimeofday"), SANDBOX_ALLOW("time"),
	SANDBOX_ALLOW("brk"), SANDBOX_ALLOW("mmap"), SANDBOX_ALLOW("munmap"),
	SANDBOX_ALLOW("mremap"), SANDBOX_ALLOW("madvise"),
	SANDBOX_ALLOW("write"), SANDBOX_ALLOW("writev"), SANDBOX_ALLOW("close"),
	SANDBOX_ALLOW("sendto"), SANDBOX_ALLOW("connect"),
	SANDBOX_ALLOW_ARG0("socket", AF_UNIX),
	SANDBOX_ALLOW("restart_syscall"),
};

/*
 * A build with AddressSanitizer (make asan, make fuzz) runs its own code
 * in the process: alternate signal stacks for its handlers, and the leak
 * check at exit, which stops the process with a ptrace-ing clone that
 * reads /proc.  Only such builds allow these.
 */
#if defined(__SANITIZE_ADDRESS__)
#define NB_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NB_SANITIZED 1
#endif
#endif
#ifdef NB_SANITIZED
static const struct sandbox_rule sanitizer[] = {
	SANDBOX_ALLOW("sigaltstack"), SANDBOX_ALLOW("clone"),
	SANDBOX_ALLOW("clone3"), SANDBOX_ALLOW("ptrace"),
	SANDBOX_ALLOW("wait4"), SANDBOX_ALLOW("waitid"),
	SANDBOX_ALLOW("prctl"), SANDBOX_ALLOW("sched_yield"),
	SANDBOX_ALLOW("sched_getaffinity"), SANDBOX_ALLOW("getppid"),
	SANDBOX_ALLOW("openat"), SANDBOX_ALLOW("read"),
	SANDBOX_ALLOW("pread64"), SANDBOX_ALLOW("getdents64"),
	SANDBOX_ALLOW("lseek"), SANDBOX_ALLOW("fstat"),
	SANDBOX_ALLOW("newfstatat"), SANDBOX_ALLOW("readlink"),
	SANDBOX_ALLOW("futex"), SANDBOX_ALLOW("set_robust_list"),
	SANDBOX_ALLOW("mprotect"), SANDBOX_ALLOW("getrlimit"),
	SANDBOX_ALLOW("prlimit64"), SANDBOX_ALLOW("open"),
	SANDBOX_ALLOW("stat"), SANDBOX_ALLOW("lstat"),
	SANDBOX_ALLOW("access"), SANDBOX_ALLOW("readlinkat"),
};
#endif

/*
 * The refused call may come from inside syslog(3), which holds a lock:
 * the handler must not call it.  It writes its one line itself, to
 * standard error and, as a syslog datagram, to a socket connected to
 * /dev/log before the filter went in.
 */
static int log_sock = -1;

static void say(const char *name, int nr)
{
	char line[256], dgram[320], err[320];
	int n = snprintf(line, sizeof(line),
			 "sandbox: system call %s (%d) is not allowed; stopping",
			 name ? name : "?", nr);
	int m;

	if (n < 0)
		return;
	m = snprintf(dgram, sizeof(dgram), "<%d>%s[%d]: %s",
		     LOG_DAEMON | LOG_ERR, log_ident(), (int)getpid(), line);
	if (log_sock >= 0 && m > 0)
		(void)!send(log_sock, dgram,
			    (size_t)m < sizeof(dgram) ? (size_t)m
						      : sizeof(dgram) - 1,
			    MSG_DONTWAIT);
	m = snprintf(err, sizeof(err), "%s: %s\n", log_ident(), line);
	if (m > 0)
		(void)!write(2, err, (size_t)m < sizeof(err) ? (size_t)m
							 : sizeof(err) - 1);
}

/* Names the refused call, then dies of SIGSYS as the kernel would. */
static void on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE,
						      si->si_syscall);
	sigset_t set;

	(void)ctx;
	say(name, si->si_syscall);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

/* A datagram socket on /dev/log for on_sigsys; none when there is no syslog. */
void sandbox_prepare(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX,
				   .sun_path = "/dev/log" };

	if (log_sock >= 0)
		return;
	log_sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (log_sock >= 0 &&
	    connect(log_sock, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		close(log_sock);
		log_sock = -1;
	}
}

static int add_rules(scmp_filter_ctx ctx, const struct sandbox_rule *r,
		     unsigned n, const char **why)
{
	for (unsigned i = 0; i < n; i++) {
		int nr = seccomp_syscall_resolve_name(r[i].name);
		int rc;

		if (nr == __NR_SCMP_ERROR)
			continue;	/* not on this architecture */
		if (r[i].arg0) {
			struct scmp_arg_cmp eq = { .arg = 0, .op = SCMP_CMP_EQ,
						   .datum_a = r[i].arg0_value,
						   .datum_b = 0 };

			rc = seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, 1,
						    &eq);
		} else
			rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
		if (rc < 0) {
			if (why)
				*why = r[i].name;
			return rc;
		}
	}
	return 0;
}

int sandbox_enter(const struct sandbox_rule *rules, unsigned n,
		  const char **why)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys,
				.sa_flags = SA_SIGINFO };
	scmp_filter_ctx ctx;
	int rc;

	if (why)
		*why = "seccomp_init";
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		return -errno;
	sandbox_prepare();
	ctx = seccomp_init(SCMP_ACT_TRAP);
	if (ctx == NULL)
		return -ENOMEM;
	/*
	 * The filter runs on every system call: a binary tree of the
	 * allowed numbers rather than a list.  And no forced Speculative
	 * Store Bypass mitigation, which the kernel otherwise turns on for
	 * a filtered process at a cost to every load: the daemons run no
	 * code but their own (no interpreter, no JIT), so there is nothing
	 * in the process for it to protect against.
	 */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_SSB, 1);
	rc = add_rules(ctx, base, sizeof(base) / sizeof(base[0]), why);
	if (rc == 0)
		rc = add_rules(ctx, rules, n, why);
#ifdef NB_SANITIZED
	if (rc == 0)
		rc = add_rules(ctx, sanitizer,
			       sizeof(sanitizer) / sizeof(sanitizer[0]), why);
#endif
	if (rc == 0 && why)
		*why = "seccomp_load";
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "file.h"
#include "metrics.h"
#include "tap.h"

int main(void)
{
	char dir[] = "/tmp/nb-metrics-XXXXXX", path[64], *buf = NULL;
	struct metrics m = { 0 };
	size_t len = 0;

	metrics_family(&m, "x_transfers_total", "counter",
		       "Transfers finished, by result.");
	metrics_sample(&m, "x_transfers_total", 12, "result", "ok", METRICS_END);
	metrics_sample(&m, "x_transfers_total", 0, "result", "timeout", METRICS_END);
	metrics_family(&m, "x_active", "gauge", "Now running.\nSecond line \\.");
	metrics_sample(&m, "x_active", 3, METRICS_END);
	metrics_family(&m, "x_frames_total", "counter", "Frames.");
	metrics_sample(&m, "x_frames_total", 18446744073709551615u, "target",
		       "e0.0", "file", "/srv/a \"b\"\\\n", METRICS_END);
	tap_ok(m.buf != NULL && strcmp(m.buf,
		"# HELP x_transfers_total Transfers finished, by result.\n"
		"# TYPE x_transfers_total counter\n"
		"x_transfers_total{result=\"ok\"} 12\n"
		"x_transfers_total{result=\"timeout\"} 0\n"
		"# HELP x_active Now running.\\nSecond line \\\\.\n"
		"# TYPE x_active gauge\n"
		"x_active 3\n"
		"# HELP x_frames_total Frames.\n"
		"# TYPE x_frames_total counter\n"
		"x_frames_total{target=\"e0.0\",file=\"/srv/a \\\"b\\\"\\\\\\n\"} "
		"18446744073709551615\n") == 0,
	       "families, labels, escapes and a 64-bit value as the format "
	       "spells them");
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/x.prom", dir);
	tap_ok(metrics_commit(&m, path) == 0 && m.buf == NULL,
	       "commit writes and frees");
	tap_ok(file_read(AT_FDCWD, path, 4096, &buf, &len) == 0 &&
		       strstr(buf, "x_active 3\n") != NULL,
	       "the file holds the text");
	free(buf);
	buf = NULL;
	tap_ok(metrics_commit(&m, path) == 0 &&
		       file_read(AT_FDCWD, path, 4096, &buf, &len) == 0 &&
		       len == 0,
	       "an empty set replaces the file with an empty one");
	free(buf);
	unlink(path);
	rmdir(dir);
	return tap_done();
}

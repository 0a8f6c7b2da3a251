/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp node scan --serve ADDR: the scan's findings as Prometheus metrics over HTTP */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "node.h"
#include "node/denials.h"
#include "node/metrics.h"
#include "node/scan.h"

/* --serve: what a scrape sees. */
struct server {
	const char *endpoint;
	unsigned timeout_ms;
	unsigned interval_s;
	struct scan_row *rows;
	size_t n;
	double duration, at; /* the last scan's, at == 0: none yet */
	unsigned long errors;
	struct denials *denials; /* --audit */
};

static volatile sig_atomic_t stop_serving;

static void
on_stop(int sig)
{
	(void)sig;
	stop_serving = 1;
}

static double
now_s(int clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
collect(void *userdata, struct strbuf *sb)
{
	struct server *s = userdata;
	double start = now_s(CLOCK_MONOTONIC);

	if (!s->at || start - s->at >= s->interval_s) {
		_cleanup_(cri_closep) struct cri *cri = NULL;
		struct ksc_error *error = NULL;
		struct scan_row *rows = NULL;
		size_t n = 0;
		int r = cri_connect(s->endpoint, s->timeout_ms, &cri, &error);

		if (r >= 0)
			r = node_scan_cri(cri, &(struct scan_opts){ 0 }, &rows, &n, &error);
		if (r == -ENOMEM)
			return r;
		if (r < 0) {
			/* keep serving the last findings; the error is counted and logged */
			s->errors++;
			fprintf(stderr, "kseccomp: node scan: %s\n",
			        error ? ksc_error_message(error) : strerror(-r));
			ksc_error_free(error);
		} else {
			scan_rows_free(s->rows, s->n);
			s->rows = rows;
			s->n = n;
			s->duration = now_s(CLOCK_MONOTONIC) - start;
		}
		s->at = now_s(CLOCK_MONOTONIC);
	}
	scan_metrics(s->rows, s->n, s->duration,
	             now_s(CLOCK_REALTIME) - (now_s(CLOCK_MONOTONIC) - s->at), s->errors, sb);
	if (s->denials)
		denials_metrics(s->denials, s->rows, s->n, sb);
	return 0;
}

static void
on_listening(int port, void *userdata)
{
	(void)userdata;
	fprintf(stderr, "kseccomp: node scan: serving metrics on port %d\n", port);
}

int
cli_node_scan_serve(const char *addr, const char *endpoint, unsigned timeout_ms,
                    unsigned interval_s, bool audit)
{
	struct server s = { .endpoint = endpoint,
		            .timeout_ms = timeout_ms,
		            .interval_s = interval_s };
	struct sigaction sa = { .sa_handler = on_stop };
	struct ksc_error *error = NULL;
	int r;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* the audit thread lives until the process ends */
	if (audit && (r = denials_start(&s.denials, &error)) < 0)
		return cli_fail(r, error, NULL);
	r = metrics_serve(addr, collect, &s, &stop_serving, on_listening, &error);
	scan_rows_free(s.rows, s.n);
	return r < 0 ? cli_fail(r, error, NULL) : 0;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* node scan's metrics, and the HTTP server that answers GET /metrics. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "ksc-cleanup.h"
#include "macro.h"
#include "metrics.h"
#include "profiles.h"

#define REQUEST_MAX      8192
#define CLIENT_TIMEOUT_S 5

static const char *
seccomp_label(const struct scan_row *r)
{
	const char *name = scan_seccomp_name(r->seccomp);

	return name ? name : "unknown";
}

void
metrics_put_label_value(struct strbuf *sb, const char *s)
{
	strbuf_putc(sb, '"');
	for (; *s; s++) {
		if (*s == '\\')
			strbuf_puts(sb, "\\\\");
		else if (*s == '"')
			strbuf_puts(sb, "\\\"");
		else if (*s == '\n')
			strbuf_puts(sb, "\\n");
		else
			strbuf_putc(sb, *s);
	}
	strbuf_putc(sb, '"');
}

static void
put_container_labels(struct strbuf *sb, const struct scan_row *r)
{
	strbuf_puts(sb, "{namespace=");
	metrics_put_label_value(sb, r->namespace);
	strbuf_puts(sb, ",pod=");
	metrics_put_label_value(sb, r->pod);
	strbuf_puts(sb, ",container=");
	metrics_put_label_value(sb, r->container);
}

void
scan_metrics(const struct scan_row *rows, size_t n, double duration, double timestamp,
             unsigned long errors, struct strbuf *sb)
{
	static const char *const seccomps[] = { "RuntimeDefault", "Localhost", "Unconfined",
		                                "unknown" };

	strbuf_puts(sb, "# HELP kseccomp_containers Running containers by the seccomp the kubelet "
	                "asked for and node scan's verdict.\n"
	                "# TYPE kseccomp_containers gauge\n");
	for (size_t s = 0; s < ELEMENTSOF(seccomps); s++)
		for (int v = 0; v < _SCAN_VERDICT_MAX; v++) {
			size_t count = 0;

			for (size_t i = 0; i < n; i++)
				count += streq(seccomp_label(&rows[i]), seccomps[s]) &&
				         rows[i].verdict == (enum scan_verdict)v;
			strbuf_printf(sb,
			              "kseccomp_containers{seccomp=\"%s\",verdict=\"%s\"} %zu\n",
			              seccomps[s], scan_verdict_name((enum scan_verdict)v), count);
		}
	strbuf_puts(sb, "# HELP kseccomp_container_verdict node scan's verdict on a running "
	                "container (1).\n"
	                "# TYPE kseccomp_container_verdict gauge\n");
	for (size_t i = 0; i < n; i++) {
		strbuf_puts(sb, "kseccomp_container_verdict");
		put_container_labels(sb, &rows[i]);
		strbuf_printf(sb, ",seccomp=\"%s\",verdict=\"%s\"} 1\n", seccomp_label(&rows[i]),
		              scan_verdict_name(rows[i].verdict));
	}
	strbuf_puts(sb, "# HELP kseccomp_container_filters Seccomp filters the kernel holds for a "
	                "container's main process.\n"
	                "# TYPE kseccomp_container_filters gauge\n");
	for (size_t i = 0; i < n; i++) {
		if (rows[i].filters < 0)
			continue;
		strbuf_puts(sb, "kseccomp_container_filters");
		put_container_labels(sb, &rows[i]);
		strbuf_printf(sb, "} %d\n", rows[i].filters);
	}
	strbuf_printf(sb,
	              "# HELP kseccomp_scan_duration_seconds How long the last node scan took.\n"
	              "# TYPE kseccomp_scan_duration_seconds gauge\n"
	              "kseccomp_scan_duration_seconds %.6f\n"
	              "# HELP kseccomp_scan_timestamp_seconds When the last node scan ended.\n"
	              "# TYPE kseccomp_scan_timestamp_seconds gauge\n"
	              "kseccomp_scan_timestamp_seconds %.3f\n"
	              "# HELP kseccomp_scan_errors_total Node scans that failed.\n"
	              "# TYPE kseccomp_scan_errors_total counter\n"
	              "kseccomp_scan_errors_total %lu\n",
	              duration, timestamp, errors);
}

void
sync_metrics(const struct node_sync_status *st, double now, struct strbuf *sb)
{
	strbuf_puts(sb, "# HELP kseccomp_sync_profiles Profiles of node sync's last pass, by what "
	                "it did with them.\n"
	                "# TYPE kseccomp_sync_profiles gauge\n");
	if (!st) {
		strbuf_puts(sb, "# HELP kseccomp_sync_up Whether node sync has written a status.\n"
		                "# TYPE kseccomp_sync_up gauge\nkseccomp_sync_up 0\n");
		return;
	}
	strbuf_printf(sb,
	              "kseccomp_sync_profiles{state=\"installed\"} %zu\n"
	              "kseccomp_sync_profiles{state=\"unchanged\"} %zu\n"
	              "kseccomp_sync_profiles{state=\"rejected\"} %zu\n"
	              "kseccomp_sync_profiles{state=\"removed\"} %zu\n",
	              st->installed, st->unchanged, st->rejected, st->removed);
	strbuf_printf(sb,
	              "# HELP kseccomp_sync_last_timestamp_seconds When node sync's last pass "
	              "ended.\n"
	              "# TYPE kseccomp_sync_last_timestamp_seconds gauge\n"
	              "kseccomp_sync_last_timestamp_seconds %" PRIu64 "\n"
	              "# HELP kseccomp_sync_age_seconds How long ago node sync's last pass ended.\n"
	              "# TYPE kseccomp_sync_age_seconds gauge\n"
	              "kseccomp_sync_age_seconds %.3f\n"
	              "# HELP kseccomp_sync_failed Whether node sync's last pass failed as a "
	              "whole.\n"
	              "# TYPE kseccomp_sync_failed gauge\n"
	              "kseccomp_sync_failed %d\n"
	              "# HELP kseccomp_sync_up Whether node sync has written a status.\n"
	              "# TYPE kseccomp_sync_up gauge\nkseccomp_sync_up 1\n",
	              st->last_sync, now - (double)st->last_sync, st->failed ? 1 : 0);
}

/* ---------------------------------------------------------------------------------------- */
/* The server                                                                                */

static int
listen_on(const char *addr, struct ksc_error **reterr)
{
	char host[256], *port;
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
		                  .ai_socktype = SOCK_STREAM,
		                  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	int fd = -1, r, one = 1;

	if (strlen(addr) >= sizeof(host) || !(port = strrchr(strcpy(host, addr), ':')) || !port[1])
		return ksc_error_setf(reterr, -EINVAL, "%s: expected HOST:PORT or :PORT", addr);
	*port++ = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	r = getaddrinfo(*host ? host : NULL, port, &hints, &res);
	if (r != 0)
		return ksc_error_setf(reterr, -EINVAL, "%s: %s", addr, gai_strerror(r));
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, 16) == 0)
			break;
		r = -errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return ksc_error_setf(reterr, r ? r : -EADDRNOTAVAIL, "%s: %s", addr,
		                      strerror(r ? -r : EADDRNOTAVAIL));
	return fd;
}

static void
send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t k = send(fd, buf, len, MSG_NOSIGNAL);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return;
		buf += k;
		len -= (size_t)k;
	}
}

static void
respond(int fd, const char *status, const char *type, const char *body, size_t len)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
	                 "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
	                 "Connection: close\r\n\r\n",
	                 status, type, len);

	send_all(fd, head, (size_t)n);
	send_all(fd, body, len);
}

static void
serve_client(int fd, metrics_collect_fn collect, void *userdata)
{
	struct timeval tv = { .tv_sec = CLIENT_TIMEOUT_S };
	char req[REQUEST_MAX + 1];
	size_t n = 0;
	char *path, *end;

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	/* the request line and headers, up to the blank line */
	while (n < REQUEST_MAX) {
		ssize_t k = recv(fd, req + n, REQUEST_MAX - n, 0);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
		req[n] = '\0';
		if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n"))
			break;
	}
	req[n] = '\0';
	if (!strstr(req, "\r\n\r\n") && !strstr(req, "\n\n")) {
		respond(fd, "400 Bad Request", "text/plain", "bad request\n", 12);
		return;
	}
	if (!startswith(req, "GET ")) {
		respond(fd, "405 Method Not Allowed", "text/plain", "only GET\n", 9);
		return;
	}
	path = req + 4;
	end = path + strcspn(path, " ?\r\n");
	if ((size_t)(end - path) != strlen("/metrics") || strncmp(path, "/metrics", 8) != 0) {
		respond(fd, "404 Not Found", "text/plain", "not found: try /metrics\n", 24);
		return;
	}
	{
		struct strbuf sb = { 0 };
		_cleanup_(freep) char *body = NULL;
		size_t len = 0;
		int r = collect(userdata, &sb);

		if (r < 0 || strbuf_finish(&sb, &body, &len) < 0) {
			if (r >= 0)
				r = -ENOMEM;
			else
				strbuf_done(&sb);
			respond(fd, "500 Internal Server Error", "text/plain", strerror(-r),
			        strlen(strerror(-r)));
			return;
		}
		respond(fd, "200 OK", "text/plain; version=0.0.4; charset=utf-8", body, len);
	}
}

int
metrics_serve(const char *addr, metrics_collect_fn collect, void *userdata,
              volatile sig_atomic_t *stop, void (*on_listening)(int port, void *userdata),
              struct ksc_error **reterr)
{
	int fd = listen_on(addr, reterr);

	if (fd < 0)
		return fd;
	if (on_listening) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int port = 0;

		if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
			port = ss.ss_family == AF_INET6
			               ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
			               : ntohs(((struct sockaddr_in *)&ss)->sin_port);
		on_listening(port, userdata);
	}
	while (!*stop) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int c;

		if (poll(&p, 1, 200) <= 0)
			continue;
		c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		serve_client(c, collect, userdata);
		close(c);
	}
	close(fd);
	return 0;
}

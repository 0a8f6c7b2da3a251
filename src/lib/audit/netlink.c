/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The kernel's audit records from the audit netlink socket's multicast group
 * (AUDIT_NLGRP_READLOG, kernel/audit.c kauditd_send_multicast_skb()): kauditd copies every
 * record it takes off its queue to the group, before and whatever it does with it next
 * (hand it to auditd, or print it to the kernel log through printk's rate limit). A member
 * needs CAP_AUDIT_READ. A task that makes records faster than kauditd sends them waits
 * (audit_backlog_wait_time) rather than losing them, so what is left to lose is this
 * socket's buffer and the kernel's own drops, and both are counted.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "error.h"
#include "macro.h"
#include "read.h"

#ifndef AUDIT_NLGRP_READLOG
#define AUDIT_NLGRP_READLOG 1
#endif

/* Room for a burst of records while the reader is busy: memory is taken only when used. */
#define RCVBUF_BYTES (64 << 20)

static int
open_group(int *ret_fd)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK,
		                  .nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1) };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT), size = RCVBUF_BYTES;

	if (fd < 0)
		return negative_errno();
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = negative_errno();

		close(fd);
		return r;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	*ret_fd = fd;
	return 0;
}

int
audit_netlink_available(void)
{
	int fd = -1, r = open_group(&fd);

	if (r >= 0)
		close(fd);
	return r;
}

/* The messages of a datagram of n bytes: the first for prev NULL, else the one after prev;
 * NULL at the end or at a length that does not fit what is left. */
static const struct nlmsghdr *
next_message(const char *buf, size_t n, const struct nlmsghdr *prev)
{
	size_t off = prev ? (size_t)((const char *)prev - buf) + NLMSG_ALIGN(prev->nlmsg_len) : 0;
	const struct nlmsghdr *h;

	if (off >= n || n - off < sizeof(*h))
		return NULL;
	h = (const struct nlmsghdr *)(buf + off);
	return h->nlmsg_len >= sizeof(*h) && h->nlmsg_len <= n - off ? h : NULL;
}

/* The kernel's audit_lost counter (AUDIT_GET; needs CAP_AUDIT_CONTROL): 0 or -errno. */
static int
kernel_lost(uint32_t *ret_lost)
{
	struct {
		struct nlmsghdr h;
		struct audit_status s;
	} req = { .h = { .nlmsg_len = NLMSG_LENGTH(0),
		         .nlmsg_type = AUDIT_GET,
		         .nlmsg_flags = NLM_F_REQUEST } };
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT), r = -EIO;

	if (fd < 0)
		return negative_errno();
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ .tv_sec = 2 },
	                 sizeof(struct timeval));
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		r = negative_errno();
		close(fd);
		return r;
	}
	for (int tries = 0; tries < 4 && r == -EIO; tries++) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0) {
			r = negative_errno();
			break;
		}
		for (const struct nlmsghdr *h = NULL; (h = next_message(buf, (size_t)n, h));) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = (const void *)NLMSG_DATA(h);

				r = h->nlmsg_len >= NLMSG_LENGTH(sizeof(*e)) && e->error ? e->error
				                                                         : -EIO;
				break;
			}
			if (h->nlmsg_type == AUDIT_GET &&
			    h->nlmsg_len >= NLMSG_LENGTH(offsetof(struct audit_status, lost) +
			                                 sizeof(uint32_t))) {
				const struct audit_status *st = (const void *)NLMSG_DATA(h);

				*ret_lost = st->lost;
				r = 0;
				break;
			}
		}
	}
	close(fd);
	return r;
}

/* One message of the group: a seccomp record goes to the reader as the kernel log would
 * show it ("audit: type=1326 audit(...): ..."); every record's serial number counts. */
static int
handle_message(struct audit_reader *ar, const struct nlmsghdr *h)
{
	const char *text = (const char *)NLMSG_DATA(h);
	size_t len = h->nlmsg_len - NLMSG_HDRLEN;
	char line[16384];
	int n;

	while (len && (text[len - 1] == '\0' || text[len - 1] == '\n'))
		len--;
	if (len < 6 || memcmp(text, "audit(", 6) != 0)
		return 0;
	{
		const char *colon = memchr(text, ':', MIN(len, (size_t)40));
		uint64_t serial = 0;
		size_t digits = 0;

		for (const char *p = colon ? colon + 1 : text + len;
		     p < text + len && digits < 11 && *p >= '0' && *p <= '9'; p++, digits++)
			serial = serial * 10 + (uint64_t)(*p - '0');
		if (digits && serial <= UINT32_MAX)
			audit_reader_serial(ar, (uint32_t)serial);
	}
	if (h->nlmsg_type != AUDIT_SECCOMP)
		return 0;
	n = snprintf(line, sizeof(line), "audit: type=%u %.*s", (unsigned)h->nlmsg_type, (int)len,
	             text);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		ar->malformed++;
		return 0;
	}
	return audit_reader_line(ar, line, (size_t)n);
}

int
audit_read_netlink(struct audit_reader *ar, struct ksc_error **reterr)
{
	_cleanup_(freep) char *buf = malloc(64 * 1024);
	uint32_t lost_before = 0, lost_after = 0;
	bool counted;
	uint64_t overruns = 0;
	int fd = -1, r;

	if (!buf)
		return -ENOMEM;
	r = open_group(&fd);
	if (r < 0)
		return ksc_error_setf(reterr, r, "the audit netlink socket: %s%s", strerror(-r),
		                      r == -EPERM ? " (reading the kernel's audit records as they "
		                                    "are made needs CAP_AUDIT_READ)"
		                                  : "");
	counted = kernel_lost(&lost_before) == 0;
	for (;;) {
		ssize_t n;

		if (ar->stop && *ar->stop)
			break;
		n = recv(fd, buf, 64 * 1024, MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {
			/* the socket's buffer was full: the kernel dropped what did not fit */
			overruns++;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			(void)poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1, 250);
			continue;
		}
		if (n < 0) {
			r = ksc_error_setf(reterr, negative_errno(), "the audit netlink socket: %s",
			                   strerror(errno));
			break;
		}
		for (const struct nlmsghdr *h = NULL; (h = next_message(buf, (size_t)n, h));) {
			r = handle_message(ar, h);
			if (r < 0)
				break;
		}
		if (r < 0)
			break;
	}
	close(fd);
	if (overruns)
		audit_reader_lose(ar, 0,
		                  "the audit netlink socket: its buffer overflowed %" PRIu64
		                  " time%s, and the records that did not fit were dropped",
		                  overruns, overruns == 1 ? "" : "s");
	audit_reader_lose_serials(ar, audit_reader_serials_settle(ar), "the audit netlink socket");
	if (counted && kernel_lost(&lost_after) == 0 && lost_after != lost_before)
		audit_reader_lose(ar, lost_after - lost_before,
		                  "the kernel dropped %" PRIu32 " audit record%s before delivering "
		                  "them (its audit_lost counter: backlog or rate limit)",
		                  lost_after - lost_before,
		                  lost_after - lost_before == 1 ? "" : "s");
	return r;
}

/* ---------------------------------------------------------------------------------------- */
/* A witness for /dev/kmsg                                                                   */

struct audit_witness {
	int fd;
	uint32_t *seen; /* serials kauditd handed printk, not yet settled */
	size_t n_seen, cap_seen;
	uint32_t *printed; /* serials the kernel log showed, not yet settled */
	size_t n_printed, cap_printed;
	uint32_t max_seen;
	uint64_t missing;
	bool oom;
};

int
audit_witness_open(struct audit_witness **ret)
{
	struct audit_witness *w = calloc(1, sizeof(*w));
	int r;

	if (!w)
		return -ENOMEM;
	r = open_group(&w->fd);
	if (r < 0) {
		free(w);
		return r;
	}
	*ret = w;
	return 0;
}

int
audit_witness_fd(const struct audit_witness *w)
{
	return w->fd;
}

static void
push(uint32_t **v, size_t *n, size_t *cap, uint32_t x, bool *oom)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 1024;
		uint32_t *nv = reallocarray(*v, c, sizeof(**v));

		if (!nv) {
			*oom = true;
			return;
		}
		*v = nv;
		*cap = c;
	}
	(*v)[(*n)++] = x;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Count the serials seen up to cutoff (all of them when final) that were never printed,
 * and forget them and the printed ones up to it. */
static void
settle(struct audit_witness *w, bool final)
{
	uint32_t cutoff = final ? UINT32_MAX : w->max_seen - AUDIT_SERIAL_WINDOW;
	size_t keep = 0, pkeep = 0;

	qsort(w->seen, w->n_seen, sizeof(*w->seen), cmp_u32);
	qsort(w->printed, w->n_printed, sizeof(*w->printed), cmp_u32);
	for (size_t i = 0; i < w->n_seen; i++) {
		uint32_t s = w->seen[i];

		if (s > cutoff || (!final && w->max_seen < AUDIT_SERIAL_WINDOW)) {
			w->seen[keep++] = s;
			continue;
		}
		if (i > 0 && w->seen[i - 1] == s)
			continue; /* the records of one event share a number */
		if (!bsearch(&s, w->printed, w->n_printed, sizeof(*w->printed), cmp_u32))
			w->missing++;
	}
	w->n_seen = keep;
	for (size_t i = 0; i < w->n_printed; i++)
		if (w->printed[i] > cutoff && !final)
			w->printed[pkeep++] = w->printed[i];
	w->n_printed = pkeep;
}

void
audit_witness_read(struct audit_witness *w)
{
	char buf[16384];

	for (;;) {
		ssize_t n = recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0 && errno == ENOBUFS)
			continue; /* what it missed, the kernel log may have: not counted */
		if (n <= 0)
			break;
		for (const struct nlmsghdr *h = NULL; (h = next_message(buf, (size_t)n, h));) {
			const char *text = (const char *)NLMSG_DATA(h);
			size_t len = h->nlmsg_len - NLMSG_HDRLEN;
			const char *colon = len > 6 && memcmp(text, "audit(", 6) == 0
			                            ? memchr(text, ':', MIN(len, (size_t)40))
			                            : NULL;
			uint64_t serial = 0;
			size_t digits = 0;

			/* kauditd prints every record but the end-of-event marker */
			if (!colon || h->nlmsg_type == AUDIT_EOE)
				continue;
			for (const char *p = colon + 1;
			     p < text + len && digits < 11 && *p >= '0' && *p <= '9'; p++, digits++)
				serial = serial * 10 + (uint64_t)(*p - '0');
			if (!digits || serial > UINT32_MAX)
				continue;
			push(&w->seen, &w->n_seen, &w->cap_seen, (uint32_t)serial, &w->oom);
			if ((uint32_t)serial > w->max_seen)
				w->max_seen = (uint32_t)serial;
		}
	}
	if (w->n_seen > 4 * AUDIT_SERIAL_WINDOW)
		settle(w, false);
}

void
audit_witness_printed(struct audit_witness *w, uint32_t serial)
{
	push(&w->printed, &w->n_printed, &w->cap_printed, serial, &w->oom);
}

uint64_t
audit_witness_close(struct audit_witness *w)
{
	uint64_t missing;

	if (!w)
		return 0;
	audit_witness_read(w);
	settle(w, true);
	missing = w->missing;
	close(w->fd);
	free(w->seen);
	free(w->printed);
	free(w);
	return missing;
}

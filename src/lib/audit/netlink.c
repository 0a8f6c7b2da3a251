/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit netlink socket (see netlink.h): its multicast group, the kernel's loss counter,
 * and the witness of /dev/kmsg.
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
#include "netlink.h"

#ifndef AUDIT_NLGRP_READLOG
#define AUDIT_NLGRP_READLOG 1
#endif

/* Room for a burst of records while the reader is busy: memory is taken only when used. */
#define RCVBUF_BYTES (64 << 20)

int
audit_nl_open(int *ret_fd)
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

const struct nlmsghdr *
audit_nl_next(const char *buf, size_t n, const struct nlmsghdr *prev)
{
	size_t off = prev ? (size_t)((const char *)prev - buf) + NLMSG_ALIGN(prev->nlmsg_len) : 0;
	const struct nlmsghdr *h;

	if (off >= n || n - off < sizeof(*h))
		return NULL;
	h = (const struct nlmsghdr *)(buf + off);
	return h->nlmsg_len >= sizeof(*h) && h->nlmsg_len <= n - off ? h : NULL;
}

int
audit_nl_kernel_lost(uint32_t *ret_lost)
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
		for (const struct nlmsghdr *h = NULL; (h = audit_nl_next(buf, (size_t)n, h));) {
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
	r = audit_nl_open(&w->fd);
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
	uint32_t cutoff = final ? UINT32_MAX : w->max_seen - AUDIT_NL_WINDOW;
	size_t keep = 0, pkeep = 0;

	if (w->n_seen > 1)
		qsort(w->seen, w->n_seen, sizeof(*w->seen), cmp_u32);
	if (w->n_printed > 1)
		qsort(w->printed, w->n_printed, sizeof(*w->printed), cmp_u32);
	for (size_t i = 0; i < w->n_seen; i++) {
		uint32_t s = w->seen[i];

		if (s > cutoff || (!final && w->max_seen < AUDIT_NL_WINDOW)) {
			w->seen[keep++] = s;
			continue;
		}
		if (i > 0 && w->seen[i - 1] == s)
			continue; /* the records of one event share a number */
		if (!w->n_printed ||
		    !bsearch(&s, w->printed, w->n_printed, sizeof(*w->printed), cmp_u32))
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
		for (const struct nlmsghdr *h = NULL; (h = audit_nl_next(buf, (size_t)n, h));) {
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
	if (w->n_seen > 4 * AUDIT_NL_WINDOW)
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

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit reader: the seccomp records of the kernel log (/dev/kmsg) or of files in any
 * format audit_parse_line() knows (gzip'd or not, standard input, followed as tail -F does),
 * selected, then handed out one by one or counted per (comm, arch, syscall, action).
 */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "audit.h"
#include "groups.h"
#include "kseccomp.h"
#include "macro.h"

/* Which records are selected; a field left unset (NULL, 0, pid -1) selects any. */
struct audit_select {
	const char *comm, *exe;
	/* "ALLOW", "LOG", "ERRNO", "KILL" (= "KILL_THREAD"), "KILL_PROCESS", "TRAP", "TRACE",
	 * "NOTIFY": "ERRNO" matches "ERRNO(1)", "KILL" does not match "KILL_PROCESS" */
	const char *action;
	int64_t pid;     /* -1 for any */
	double since;    /* seconds since the epoch */
	const char *pod; /* a pod of the local node: needs attribute_pod */
};

/* Who a process is, while it lives (its cgroup) or from the local node's pid records. */
struct audit_who {
	int64_t pid;                        /* the one these fields are about */
	char pod_uid[64], container_id[80]; /* a Kubernetes pod's, from its cgroup; "" */
	char pod[256], container[64];       /* the local node's pod; "" */
	int64_t asked_ms;                   /* when they were looked up (CLOCK_MONOTONIC) */
};

/* The audit serial numbers seen, audit(TIME:SERIAL): the kernel numbers every record it
 * makes (the records of one event share a number), so a number never seen while later ones
 * were is a record that did not arrive. Records of two CPUs may arrive out of order: a
 * number counts as missing once AUDIT_SERIAL_WINDOW later numbers were seen, or at the end. */
#define AUDIT_SERIAL_WINDOW 4096u
struct audit_serials {
	bool started;
	uint32_t lo, hi; /* [lo, hi): not yet settled; hi is one past the highest seen */
	uint64_t seen[AUDIT_SERIAL_WINDOW / 64];
	uint64_t missing;
};

struct audit_reader {
	struct audit_select select;
	/* Followers stop when *stop becomes nonzero (a signal handler sets it): they look at
	 * least every quarter of a second. May be NULL. */
	const volatile sig_atomic_t *stop;
	/* Count the selected records in groups (the order of records does not matter there, so
	 * a file's blocks are scanned on two threads), rather than hand each to on_record. */
	bool aggregate;
	/* A selected record and who its process is, in the order read. */
	void (*on_record)(void *userdata, const struct audit_record *r,
	                  const struct audit_who *who);
	/* After each block of a file's records handed to on_record, so that the caller can
	 * flush its output for a follower to see them. May be NULL. */
	void (*on_block)(void *userdata);
	void *userdata;
	/* The local node's pod and container of a pid, in node_attribute_pid()'s shape (the
	 * caller passes it: the node lies above this module), with node_state as its first
	 * argument. May be NULL. */
	int (*attribute_pod)(const char *node_state, int64_t pid, char *pod, size_t pod_size,
	                     char *container, size_t container_size);
	const char *node_state;

	/* What was seen, over every read so far. */
	uint64_t records;      /* seccomp records */
	uint64_t shown;        /* selected ones */
	uint64_t malformed;    /* records that could not be read */
	uint64_t lost;         /* notices and signs of lost records */
	uint64_t lost_records; /* records known to be lost, where the source can count them */
	uint64_t suppressed;   /* records the kernel's notices say printk did not print */
	char lost_example[256];
	struct audit_serials serials; /* of the kernel's sources, kmsg and netlink */
	struct audit_groups groups;   /* when aggregate */
	struct audit_who who;         /* the last process attributed */
};

/* /dev/kmsg, from the start of the kernel's ring buffer; with follow, until the read fails
 * or the process ends. 0, or -errno with the reason in reterr. */
int audit_read_kmsg(struct audit_reader *ar, bool follow, struct ksc_error **reterr);

/* A file, or standard input for "-". With follow, it is read on as it grows, through its
 * rotation (renamed or truncated), until the process ends. 0, or -errno with the reason in
 * reterr (when it cannot be opened: the errno of open()). */
int
audit_read_file(struct audit_reader *ar, const char *path, bool follow, struct ksc_error **reterr);

/*
 * The kernel's audit records as it makes them, from the audit netlink socket's multicast
 * group (AUDIT_NLGRP_READLOG): every record reaches it whether or not an audit daemon runs,
 * with neither the printk rate limit nor the ring buffer of /dev/kmsg in the way. It has no
 * history: records are read from the moment of the call until *ar->stop is set. Loss is
 * still detected and counted: the socket's buffer overflowing (ENOBUFS), serial numbers
 * skipped, and the rise of the kernel's audit_lost counter while reading (records the kernel
 * dropped before delivering them: its backlog or rate limit).
 * Returns 0, -EPERM (no CAP_AUDIT_READ: /dev/kmsg is then the source to use), -EPROTONOSUPPORT
 * (a kernel without audit), or another -errno; with a message.
 */
int audit_read_netlink(struct audit_reader *ar, struct ksc_error **reterr);

/* Whether this process may read the multicast group: 0, or the -errno of trying. */
int audit_netlink_available(void);

/* Hand the reader one line of a source, as the readers do. */
int audit_reader_line(struct audit_reader *ar, const char *line, size_t len);
/* A record was seen with this serial number. */
void audit_reader_serial(struct audit_reader *ar, uint32_t serial);
/* At the end: how many numbers below the highest seen never came (and forget them). */
uint64_t audit_reader_serials_settle(struct audit_reader *ar);
/* Count those as lost records of source, with the reason. */
void audit_reader_lose_serials(struct audit_reader *ar, uint64_t missing, const char *source);
/* Count lost records: n of them (0 when the source cannot say how many), and the first
 * reason as the example. */
_printf_(3, 4) void audit_reader_lose(struct audit_reader *ar, uint64_t n, const char *fmt, ...);

/* How many records are known to be lost, at least (0: none counted, or the source cannot
 * count them; ar->lost says whether any sign of loss was seen). */
uint64_t audit_reader_lost_records(const struct audit_reader *ar);

/* Free what the reads gathered (the groups). */
void audit_reader_done(struct audit_reader *ar);

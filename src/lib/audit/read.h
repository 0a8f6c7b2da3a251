/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit reader: the seccomp records of the kernel log (/dev/kmsg) or of files in any
 * format audit_parse_line() knows (gzip'd or not, standard input, followed as tail -F does),
 * selected, then handed out one by one or counted per (comm, arch, syscall, action).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "audit.h"
#include "groups.h"
#include "kseccomp.h"

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
};

struct audit_reader {
	struct audit_select select;
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
	uint64_t records;   /* seccomp records */
	uint64_t shown;     /* selected ones */
	uint64_t malformed; /* records that could not be read */
	uint64_t lost;      /* notices of lost records */
	char lost_example[256];
	struct audit_groups groups; /* when aggregate */
	struct audit_who who;       /* the last process attributed */
};

/* /dev/kmsg, from the start of the kernel's ring buffer; with follow, until the read fails
 * or the process ends. 0, or -errno with the reason in reterr. */
int audit_read_kmsg(struct audit_reader *ar, bool follow, struct ksc_error **reterr);

/* A file, or standard input for "-". With follow, it is read on as it grows, through its
 * rotation (renamed or truncated), until the process ends. 0, or -errno with the reason in
 * reterr (when it cannot be opened: the errno of open()). */
int
audit_read_file(struct audit_reader *ar, const char *path, bool follow, struct ksc_error **reterr);

/* Free what the reads gathered (the groups). */
void audit_reader_done(struct audit_reader *ar);

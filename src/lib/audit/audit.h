/* SPDX-License-Identifier: Apache-2.0 */
/*
 * audit: the kernel's seccomp audit records (type 1326, AUDIT_SECCOMP), from wherever they
 * end up: /dev/kmsg, syslog and kern.log, journalctl -k (short and json), auditd's
 * audit.log, dmesg. The format is recognised per line; a line that is not a seccomp record
 * is skipped quickly, one that looks like a record but cannot be read is counted.
 */
#pragma once

#include "kseccomp.h"

enum audit_format {
	AUDIT_FORMAT_KMSG = 1, /* /dev/kmsg: "PRI,SEQ,USEC,FLAGS;audit: type=1326 ..." */
	AUDIT_FORMAT_SYSLOG, /* syslog, kern.log, journalctl short: "Jul  6 15:37:40 host kernel: ..." */
	AUDIT_FORMAT_DMESG,        /* dmesg: "[369128.669452] audit: ..." */
	AUDIT_FORMAT_JOURNAL_JSON, /* journalctl -o json: {"MESSAGE": "audit: ...", ...} */
	AUDIT_FORMAT_AUDITD,       /* audit.log: "type=SECCOMP msg=audit(...): ... 0x1d enriched" */
	AUDIT_FORMAT_BARE,         /* "audit: type=1326 ..." or "type=1326 audit(...)" alone */
	AUDIT_FORMAT_JSON,         /* kseccomp audit -o json: {"time": ..., "nr": ..., ...} */
	AUDIT_FORMAT_NETLINK,      /* the audit netlink socket: type 1326, "audit(...): ..." */
};

struct audit_record {
	enum audit_format format;
	double time; /* seconds since the epoch, from audit(TIME:SERIAL) */
	uint64_t serial;
	int64_t auid, uid, gid, ses; /* -1 when absent; 4294967295 is "unset" */
	int64_t pid;
	char subj[128];
	char comm[64];
	char exe[4096]; /* PATH_MAX: the kernel's d_path() of the executable, never cut */
	int sig;
	uint32_t arch_token; /* AUDIT_ARCH_* */
	enum ksc_arch arch;  /* KSC_ARCH_NONE when the token is unknown */
	uint32_t syscall;    /* as the kernel reported it (x32: with bit 30) */
	const char *name;    /* in arch's table; NULL when it has none. Static storage. */
	int compat;          /* -1 when absent */
	uint64_t ip;
	uint32_t code; /* SECCOMP_RET_* */
};

enum audit_line {
	AUDIT_LINE_OTHER = 0, /* not a seccomp record */
	AUDIT_LINE_RECORD,    /* *ret filled */
	AUDIT_LINE_MALFORMED, /* a seccomp record that cannot be read */
	AUDIT_LINE_LOST,      /* the kernel says records were dropped: *ret_lost says how */
};

/* Classify and parse one line (without its newline). ret_lost (when not NULL, lost_size
 * bytes) receives the lost-records message for AUDIT_LINE_LOST. */
enum audit_line audit_parse_line(const char *line, size_t len, struct audit_record *ret,
                                 char *ret_lost, size_t lost_size);

/* "ALLOW", "ERRNO", "KILL_PROCESS", ... for a record's code ("ERRNO(1)" only when the
 * record carries the data, which the kernel's never do). */
void audit_action_format(uint32_t code, char *buf, size_t size);

/* The pod and container of a live process, from /proc/PID/cgroup paths of containerd,
 * CRI-O and the kubelet's cgroup layout. Returns 0 and fills the buffers ("" when not
 * found), or -errno (the process is gone). */
int audit_attribute(int64_t pid, char *pod_uid, size_t pod_size, char *container_id,
                    size_t container_size);

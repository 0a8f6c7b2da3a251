/* SPDX-License-Identifier: Apache-2.0 */
/*
 * denials: the kernel's seccomp audit records, counted per container, syscall and action
 * while node scan serves its metrics (kseccomp_denials_total). A thread follows /dev/kmsg
 * from the moment it starts; each record is attributed to a container by its process's
 * cgroup while the process lives (one that is gone counts with empty labels).
 */
#pragma once

#include "scan.h"
#include "strbuf.h"

struct denials;

/* Start following. 0 with *ret, or -errno with a message (/dev/kmsg cannot be read). */
int denials_start(struct denials **ret, struct ksc_error **reterr);

/* kseccomp_denials_total{namespace, pod, container, syscall, action}, the containers named
 * from rows (the last scan), appended to sb; and kseccomp_audit_lost_total. */
void denials_metrics(struct denials *d, const struct scan_row *rows, size_t n, struct strbuf *sb);

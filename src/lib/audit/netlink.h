/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The audit netlink socket, as a reader needs it: the multicast group AUDIT_NLGRP_READLOG
 * (kernel/audit.c kauditd_send_multicast_skb(); a member needs CAP_AUDIT_READ), the kernel's
 * audit_lost counter, and a witness for following /dev/kmsg: the group's serial numbers of
 * the records kauditd hands printk, to count those the kernel log never showed (printk's
 * rate limit, or an audit daemon that took them), even when no later record shows the gap.
 */
#pragma once

#include <linux/netlink.h>
#include <stddef.h>
#include <stdint.h>

/* A socket in the group, with room for a burst: 0 and *ret_fd, or -errno (-EPERM: no
 * CAP_AUDIT_READ; -EPROTONOSUPPORT: a kernel without audit). */
int audit_nl_open(int *ret_fd);
/* The messages of a datagram of n bytes: the first for prev NULL, else the one after prev;
 * NULL at the end or at a length that does not fit what is left. */
const struct nlmsghdr *audit_nl_next(const char *buf, size_t n, const struct nlmsghdr *prev);
/* The kernel's audit_lost counter (AUDIT_GET; needs CAP_AUDIT_CONTROL): 0 or -errno. */
int audit_nl_kernel_lost(uint32_t *ret_lost);

/* Records of two CPUs may reach the witness out of order: a serial number counts as never
 * printed once this many later ones were seen, or at the end. */
#define AUDIT_NL_WINDOW 4096u

/* The witness. open: 0, or -errno (no witness). read drains its socket (poll its fd);
 * printed tells it a serial the kernel log showed; close returns how many it saw that were
 * never printed. */
struct audit_witness;
int audit_witness_open(struct audit_witness **ret);
int audit_witness_fd(const struct audit_witness *w);
void audit_witness_read(struct audit_witness *w);
void audit_witness_printed(struct audit_witness *w, uint32_t serial);
uint64_t audit_witness_close(struct audit_witness *w);

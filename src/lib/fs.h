/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fs: the one place that writes files, creates directories and resolves paths beneath a
 * directory that kseccomp must not leave.
 *
 * Two kinds of destination:
 * - a path a user names (-o FILE, fmt -w): ksc_fs_write_file() replaces a regular file
 *   atomically, follows a symbolic link to the file it names, and writes through to a
 *   character device or a FIFO (/dev/null, /dev/stdout on a pipe) instead of replacing it;
 * - a directory kseccomp owns or installs into as root (the kubelet's seccomp root, the pod
 *   store): everything happens relative to an open directory fd, never following a link,
 *   with ksc_fs_open_beneath(), ksc_fs_mkdir_beneath(), ksc_fs_read_at() and
 *   ksc_fs_install_at().
 *
 * Conventions of the library: 0 or -errno, a message in *reterr, nothing printed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/*
 * The durability rule: every write is atomic (a reader sees the old or the new file); what
 * must outlive a crash of the machine is also durable (KSC_FS_DURABLE): profiles installed
 * into the kubelet's root, the image store, files a user names, an OCI bundle's config. The
 * pod store, which the monitor rewrites at every change of a container, lives under the
 * state dir (/run, emptied by a reboot anyway) and is written atomically only.
 */
enum ksc_fs_flags {
	/* fsync the file before the rename and its directory after: the new content survives
	 * a crash once the call returns (what an install into the kubelet's root needs) */
	KSC_FS_DURABLE = 1u << 0,
};

/*
 * Write a whole buffer to path, as a user who names an output file expects:
 * - absent, or a regular file: a temporary file in the same directory, written, fsynced and
 *   renamed over path (then the directory fsynced); a reader sees the old content or the new,
 *   never a part. A replaced file keeps its mode and, where permitted, its owner; a new one
 *   is 0644.
 * - a symbolic link: followed (up to 40 links) to what it names, which is then treated as
 *   above; the link itself stays. A link in /proc (/dev/stdout is /proc/self/fd/1) names an
 *   open file, not a path: it is written through, appending when it is a regular file.
 * - a character device or a FIFO: opened for writing (no O_CREAT, no O_TRUNC) and written
 *   through; it is never replaced. A FIFO blocks until it has a reader, as with `>`.
 * - a directory (-EISDIR) or anything else (a socket, a block device: -EINVAL): refused.
 * Returns 0 or -errno with a message naming path.
 */
int ksc_fs_write_file(const char *path, const void *data, size_t len, struct ksc_error **reterr);

/*
 * Replace the entry `name` (one path component) of the directory dirfd with a regular file
 * holding data, atomically: a temporary file with a short name (ksc_fs_is_temp_name()) in
 * the same directory, renamed over name. What name was (a file, a link, a FIFO) is replaced,
 * never followed or opened. mode is the new file's mode. flags: KSC_FS_DURABLE.
 * Returns 0 or -errno (-EISDIR when name is a directory), with a message naming `what`
 * (the path to show; NULL: name).
 */
int ksc_fs_install_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                      unsigned flags, const char *what, struct ksc_error **reterr);

/* Whether a directory entry is a temporary file of ksc_fs_install_at() or ksc_fs_write_file()
 * (left behind only when the process was killed between the write and the rename). */
bool ksc_fs_is_temp_name(const char *name);

/* "a FIFO", "a character device", ... for messages about a file of this st_mode. */
const char *ksc_file_type_name(mode_t mode);

/*
 * Read what is left of the open file fd, at most max_bytes (-EFBIG past that, checked first
 * against size_hint, the size fstat() gave, 0 when it gave none). The one read loop of the
 * library: profiles, manifests, policies and node sync's sources all come through it.
 * *ret_buf is NUL-terminated and owned by the caller; messages name `what`.
 */
int ksc_fs_read_fd(int fd, uint64_t size_hint, size_t max_bytes, char **ret_buf, size_t *ret_len,
                   const char *what, struct ksc_error **reterr);

/*
 * Read the regular file `name` of the directory dirfd, without following a link and without
 * blocking: a symbolic link is -ELOOP, a directory -EISDIR, a FIFO, socket or device -EINVAL
 * (never opened for a FIFO's writer to hold), more than max_bytes -EFBIG. *ret_buf is
 * NUL-terminated and owned by the caller. Messages name `what` (NULL: name).
 */
int ksc_fs_read_at(int dirfd, const char *name, size_t max_bytes, char **ret_buf, size_t *ret_len,
                   const char *what, struct ksc_error **reterr);

/*
 * Open the relative path `path` beneath the directory rootfd without following any symbolic
 * link and without leaving rootfd: openat2() with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS, or where the kernel lacks openat2 (before 5.6, or a seccomp filter
 * that refuses it), a walk of O_NOFOLLOW opens, one component at a time. flags are open(2)'s
 * (O_CLOEXEC is added). A link anywhere in path is -ELOOP, ".." that would leave rootfd or an
 * absolute path -EXDEV. Returns the new fd, or -errno with a message naming `what`.
 */
int ksc_fs_open_beneath(int rootfd, const char *path, int flags, const char *what,
                        struct ksc_error **reterr);

/*
 * mkdir -p of the relative path `path` beneath rootfd, each component created with mode
 * where missing, none of them a symbolic link (-ELOOP) or outside rootfd (-EXDEV). Returns an
 * fd of the last directory (O_RDONLY | O_DIRECTORY | O_CLOEXEC), or -errno with a message
 * naming `what`.
 */
int ksc_fs_mkdir_beneath(int rootfd, const char *path, mode_t mode, const char *what,
                         struct ksc_error **reterr);

/*
 * mkdir -p of a path a user gave (links in it are followed, as the user means them). An
 * existing component that is not a directory is -ENOTDIR. Returns 0 or -errno.
 */
int ksc_fs_mkdir_p(const char *path, mode_t mode, struct ksc_error **reterr);

/* The first cgroup2 mount point of this mount namespace (/proc/self/mountinfo): 0, -ENOENT
 * when there is none, -ENAMETOOLONG, or -errno. */
int ksc_fs_cgroup2_mount(char *buf, size_t size);

/* For tests: make ksc_fs_open_beneath() use its fallback walk, as where openat2 is missing. */
void ksc_fs_test_without_openat2(bool without);

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The node's Localhost profiles: reading a source of profiles (source.c), installing them
 * all or nothing (load.c), and keeping a directory of them installed (sync.c).
 *
 * A source is laid out as a plain directory or as the kubelet mounts a ConfigMap; profiles
 * are installed into ROOT/seccomp/SUBDIR, opened without following a link beneath ROOT.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kseccomp.h"

struct node_source_file {
	char *name;
	char *text; /* NULL when the file could not be read */
	size_t len;
	int r;          /* 0, or -errno when it could not be read */
	char *read_why; /* then why: "NAME: a symbolic link: not followed" (no content) */
};

struct node_source {
	struct node_source_file *files; /* in name order */
	size_t n;
	char generation[256]; /* what ..data pointed to, "" for a plain directory */
};

/* A file name that is a profile of a source: NAME.json, no dot first (..data and its kin). */
bool node_profile_name(const char *name);

/*
 * Read every profile file of the directory `from` (DIR itself is followed where it is a
 * link: the operator names it). In a ConfigMap's layout (..data -> ..TIMESTAMP, a directory
 * of DIR) the files are read from that generation, which must be a directory entry of DIR:
 * nothing else a link leads to is read. Every file must be a regular file, not a link; each
 * is opened without blocking. A generation swapped during the read is read again. Returns 0,
 * or -errno with a message in *reterr saying why the source as a whole failed.
 */
int node_source_read(const char *from, struct node_source *src, struct ksc_error **reterr);
void node_source_done(struct node_source *src);

/*
 * Why text is not a valid profile, as one line "NAME:LINE:COL: PATH: REASON" (the first
 * error). A file that is not JSON at all is named with the position alone: its bytes (a
 * secret that ended up among the profiles) are never quoted. Takes ownership of error.
 */
char *node_reject_reason(const char *name, const char *text, size_t len, int r,
                         const struct ksc_diags *diags, struct ksc_error *error);

/* Whether text is not JSON at all; then *ret_reason as node_reject_reason() gives it. */
bool node_not_json(const char *name, const char *text, size_t len, char **ret_reason);

/*
 * mkdir -p ROOT (followed: the operator names it), then ROOT/REL ("seccomp/SUBDIR") created
 * or opened beneath ROOT with no link followed. Returns the directory's fd (O_RDONLY), or
 * -errno with a message in *reterr.
 */
int node_open_target(const char *root, const char *rel, struct ksc_error **reterr);

/* The entries of a directory but "." and "..", sorted: 0 or -errno. */
int node_list_names(int dirfd, char ***ret, size_t *ret_n);

/*
 * node load's install: the files src->files[order[0..n)] (validated by the caller) into
 * ROOT/seccomp/SUB, each atomically and durably, all or nothing: what each name held is
 * read first, and when an install fails the files installed before are put back as they
 * were. What went wrong is added to diags as errors, one line each, in the order it
 * happened. Returns 0 or -errno.
 */
int node_load_install(const char *root, const char *sub, const struct node_source *src,
                      const size_t *order, size_t n, struct ksc_diags *diags);

/* ---------------------------------------------------------------------------------------- */
/* node sync                                                                                  */

struct node_sync_opts {
	const char *from;
	const char *root;
	char sub[512];
	char target[4096];  /* ROOT/seccomp/SUBDIR, for messages */
	const char *status; /* --status FILE, or NULL: ROOT/seccomp/.kseccomp-sync/SUBDIR.json */
	bool prune;
};

/* What one pass did, names only. */
struct node_sync_pass {
	struct node_source src;
	char **reasons; /* per source file: why it is rejected, or NULL */
	char **installed, **unchanged, **removed, **kept;
	size_t n_installed, n_unchanged, n_removed, n_kept;
	char *error; /* the first failure of the pass (source unreadable, target unwritable) */
};

/*
 * One pass: read and validate the source, install the valid profiles that changed (one bad
 * entry blocks no other), and remove (--prune) or keep what is no longer in the source.
 * Returns 0 or -errno; a failure of the pass is also in p->error. node_sync_pass_done()
 * frees p in every case.
 */
int node_sync_run(const struct node_sync_opts *o, struct node_sync_pass *p);
void node_sync_pass_done(struct node_sync_pass *p);

/* Write the pass's status file (JSON, atomically); a failure is a warning added to diags. */
void node_sync_write_status(const struct node_sync_opts *o, const struct node_sync_pass *p,
                            struct ksc_diags *diags);

/* The default status file of a sync into SUB: ROOT/seccomp/.kseccomp-sync/SUB.json, with
 * SUB's slashes as '_'. */
void node_sync_status_path(const char *root, const char *sub, char *buf, size_t size);

/* A status file as `node status` reads it: its text, and what the last pass says. */
struct node_sync_status {
	uint64_t last_sync; /* lastSyncUnix */
	size_t rejected;
	size_t installed, unchanged, removed; /* by the last pass */
	bool failed;                          /* "error" is not null */
};
/* Read path without blocking (a FIFO there is refused) when it is a regular file, and parse
 * it. -ENOENT when there is none; -EINVAL "PATH: not a node sync status file". */
int node_sync_status_load(const char *path, char **ret_text, size_t *ret_len,
                          struct node_sync_status *ret, struct ksc_error **reterr);

/* The wait between passes: SIGTERM and SIGINT (blocked, read from a signalfd) and, unless
 * polling only, inotify on the source. */
struct node_sync_watch {
	int signal_fd, inotify_fd;
};
/* Set up; where inotify cannot watch, a warning in diags and passes every interval only. */
void node_sync_watch_open(struct node_sync_watch *w, const struct node_sync_opts *o, bool poll_only,
                          double interval, struct ksc_diags *diags);
/* Wait up to interval seconds, less when the source changes. True when a signal asks to
 * stop. */
bool node_sync_watch_wait(struct node_sync_watch *w, double interval);
void node_sync_watch_close(struct node_sync_watch *w);

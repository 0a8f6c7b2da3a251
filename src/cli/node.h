/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What node load and node sync share (node-sync.c): reading a source of profiles, laid out
 * as a plain directory or as the kubelet mounts a ConfigMap, and opening the directory they
 * are installed into, ROOT/seccomp/SUBDIR, without following a link beneath ROOT.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

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
 * or -errno with *ret_error (allocated) saying why the source as a whole failed.
 */
int node_source_read(const char *from, struct node_source *src, char **ret_error);
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
 * -errno with *ret_error (allocated).
 */
int node_open_target(const char *root, const char *rel, char **ret_error);

/* The entries of a directory but "." and "..", sorted: 0 or -errno. */
int node_list_names(int dirfd, char ***ret, size_t *ret_n);

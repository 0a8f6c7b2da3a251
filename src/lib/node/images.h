/* SPDX-License-Identifier: Apache-2.0 */
/*
 * images: the local node's image store. An image is a reference mapped to a root filesystem
 * directory (imported as is) or to a host binary (copied into a root filesystem of its own,
 * its entrypoint). Each lives in STORE/ID/image.json, ID being the reference made safe for
 * a file name.
 */
#pragma once

#include <limits.h>

#include "kseccomp.h"

/* The longest normalised reference, and so the longest ID, kept with its NUL. */
#define IMAGE_REF_SIZE 256

struct image {
	char ref[IMAGE_REF_SIZE]; /* normalised: docker.io/library/debian:stable */
	char rootfs[PATH_MAX];    /* absolute */
	char entrypoint[512];     /* path inside rootfs, "" when none */
};

/* docker.io/library/NAME:latest forms, as the CRI normalises image names. 0 or -EINVAL. */
int image_ref_normalize(const char *ref, char *out, size_t size);

/* The store: $KSECCOMP_IMAGE_STORE, /var/lib/kseccomp/images for root, else
 * ~/.local/share/kseccomp/images. */
const char *image_store_default(char *buf, size_t size);

/* Import a directory or a binary under ref. Returns 0 or -errno with a message. */
int image_import(const char *store, const char *ref, const char *path, struct image *ret,
                 struct ksc_error **reterr);

/* Find ref (normalised first). 0, -ENOENT, or -errno. */
int image_lookup(const char *store, const char *ref, struct image *ret);

/* Every image, sorted by reference; *ret is freed by the caller. */
int image_list(const char *store, struct image **ret, size_t *ret_n);

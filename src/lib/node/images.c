/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "doc.h"
#include "error.h"
#include "fs.h"
#include "images.h"
#include "strbuf.h"

/* image.json holds a reference and two paths: anything larger is not ours. */
#define IMAGE_META_MAX_BYTES (64u * 1024u)

int
image_ref_normalize(const char *ref, char *out, size_t size)
{
	const char *slash, *last, *first_end;
	bool has_tag, domain;
	int n;

	if (!ref || !*ref || strchr(ref, ' ') || strlen(ref) > 200)
		return -EINVAL;
	for (const char *c = ref; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr("._-/:@", *c)))
			return -EINVAL;
	slash = strchr(ref, '/');
	last = strrchr(ref, '/');
	first_end = slash ? slash : ref + strlen(ref);
	/* a first component with a dot or a port, or localhost, names a registry */
	domain = slash && (memchr(ref, '.', (size_t)(first_end - ref)) ||
	                   memchr(ref, ':', (size_t)(first_end - ref)) ||
	                   strncmp(ref, "localhost/", 10) == 0);
	has_tag = strchr(last ? last : ref, ':') || strchr(ref, '@');
	n = snprintf(out, size, "%s%s%s%s", domain ? "" : "docker.io/",
	             !domain && !slash ? "library/" : "", ref, has_tag ? "" : ":latest");
	return n < 0 || (size_t)n >= size ? -EINVAL : 0;
}

const char *
image_store_default(char *buf, size_t size)
{
	const char *env = getenv("KSECCOMP_IMAGE_STORE"), *data = getenv("XDG_DATA_HOME"),
	           *home = getenv("HOME");

	if (env && *env)
		return env;
	if (geteuid() == 0)
		return "/var/lib/kseccomp/images";
	if (data && *data)
		snprintf(buf, size, "%s/kseccomp/images", data);
	else
		snprintf(buf, size, "%s/.local/share/kseccomp/images", home ? home : ".");
	return buf;
}

static void
ref_to_id(const char *ref, char *out, size_t size)
{
	size_t n = 0;

	for (const char *c = ref; *c && n + 1 < size; c++)
		out[n++] = (*c == '/' || *c == ':' || *c == '@') ? '_' : *c;
	out[n] = '\0';
}

static int
copy_file(const char *src, const char *dst, mode_t mode)
{
	_cleanup_(closep) int in = open(src, O_RDONLY | O_CLOEXEC);
	_cleanup_(closep) int out = -1;
	char buf[65536];
	ssize_t n;

	if (in < 0)
		return -errno;
	/* into the store: a link planted at dst is not followed to a file elsewhere */
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
	if (out < 0)
		return -errno;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -EIO;
	return n < 0 ? -errno : 0;
}

static int
write_meta(const char *dir, const struct image *img)
{
	struct strbuf sb = { 0 };
	_cleanup_(freep) char *text = NULL;
	_cleanup_(closep) int dirfd = -1;
	size_t len = 0;
	int r;

	strbuf_puts(&sb, "{\n  \"ref\": ");
	strbuf_put_json_str(&sb, img->ref);
	strbuf_puts(&sb, ",\n  \"rootfs\": ");
	strbuf_put_json_str(&sb, img->rootfs);
	strbuf_puts(&sb, ",\n  \"entrypoint\": ");
	strbuf_put_json_str(&sb, img->entrypoint);
	strbuf_puts(&sb, "\n}\n");
	r = strbuf_finish(&sb, &text, &len);
	if (r < 0)
		return r;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	return ksc_fs_install_at(dirfd, "image.json", text, len, 0600, KSC_FS_DURABLE, NULL, NULL);
}

int
image_import(const char *store, const char *ref, const char *path, struct image *ret,
             struct ksc_error **reterr)
{
	struct image img = { 0 };
	char id[IMAGE_REF_SIZE], dir[PATH_MAX], real[PATH_MAX];
	struct stat st;
	int r;

	r = image_ref_normalize(ref, img.ref, sizeof(img.ref));
	if (r < 0)
		return ksc_error_setf(reterr, r, "\"%s\" is not an image reference", ref);
	if (!realpath(path, real) || stat(real, &st) < 0)
		return ksc_error_setf(reterr, negative_errno(), "%s: %s", path, strerror(errno));
	ref_to_id(img.ref, id, sizeof(id));
	if (snprintf(dir, sizeof(dir), "%s/%s", store, id) >= (int)sizeof(dir))
		return ksc_error_setf(reterr, -ENAMETOOLONG, "%s: path too long", store);
	r = ksc_fs_mkdir_p(dir, 0755, NULL);
	if (r < 0)
		return ksc_error_setf(reterr, r, "%s: %s", dir, strerror(-r));
	if (S_ISDIR(st.st_mode)) {
		/* a root filesystem, used where it is */
		memcpy(img.rootfs, real, sizeof(img.rootfs));
	} else if (S_ISREG(st.st_mode) && (st.st_mode & 0111)) {
		/* a binary: its own root filesystem, the binary its entrypoint */
		const char *base = strrchr(real, '/') ? strrchr(real, '/') + 1 : real;
		char rootfs[PATH_MAX], dst[PATH_MAX + NAME_MAX + 1];

		r = snprintf(rootfs, sizeof(rootfs), "%s/rootfs", dir) >= (int)sizeof(rootfs) ||
		                    strlen(base) >= sizeof(img.entrypoint) - 1
		            ? -ENAMETOOLONG
		            : ksc_fs_mkdir_p(rootfs, 0755, NULL);
		if (r >= 0)
			r = snprintf(dst, sizeof(dst), "%s/%s", rootfs, base) >= (int)sizeof(dst)
			            ? -ENAMETOOLONG
			            : copy_file(real, dst, 0755);
		if (r < 0)
			return ksc_error_setf(reterr, r, "%s: cannot copy %s: %s", dir, real,
			                      strerror(-r));
		memcpy(img.rootfs, rootfs, sizeof(img.rootfs));
		img.entrypoint[0] = '/';
		memcpy(img.entrypoint + 1, base, strlen(base) + 1);
	} else
		return ksc_error_setf(reterr, -EINVAL,
		                      "%s: neither a directory nor an executable file", path);
	r = write_meta(dir, &img);
	if (r < 0)
		return ksc_error_setf(reterr, r, "%s: cannot write image.json: %s", dir,
		                      strerror(-r));
	if (ret)
		*ret = img;
	return 0;
}

static int
read_meta(const char *path, struct image *ret)
{
	_cleanup_(ksc_doc_freep) struct ksc_doc *doc = NULL;
	const struct ksc_node *root;
	const char *v = NULL, *why = NULL;
	int r;

	r = ksc_doc_read(path, IMAGE_META_MAX_BYTES, KSC_DOC_JSON, &doc, NULL);
	if (r < 0)
		return r;
	root = ksc_doc_root(doc, 0);
	*ret = (struct image){ 0 };
	if (ksc_node_to_string(ksc_node_get(root, "ref"), &v, &why) < 0)
		return -EINVAL;
	snprintf(ret->ref, sizeof(ret->ref), "%s", v);
	if (ksc_node_to_string(ksc_node_get(root, "rootfs"), &v, &why) < 0)
		return -EINVAL;
	snprintf(ret->rootfs, sizeof(ret->rootfs), "%s", v);
	if (ksc_node_get(root, "entrypoint") &&
	    ksc_node_to_string(ksc_node_get(root, "entrypoint"), &v, &why) == 0)
		snprintf(ret->entrypoint, sizeof(ret->entrypoint), "%s", v);
	return 0;
}

int
image_lookup(const char *store, const char *ref, struct image *ret)
{
	char norm[IMAGE_REF_SIZE], id[IMAGE_REF_SIZE], path[PATH_MAX];

	if (image_ref_normalize(ref, norm, sizeof(norm)) < 0)
		return -EINVAL;
	ref_to_id(norm, id, sizeof(id));
	if (snprintf(path, sizeof(path), "%s/%s/image.json", store, id) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	if (access(path, R_OK) < 0)
		return -errno;
	return read_meta(path, ret);
}

int
image_list(const char *store, struct image **ret, size_t *ret_n)
{
	struct dirent **entries = NULL;
	struct image *v = NULL;
	size_t n = 0;
	int count = scandir(store, &entries, NULL, alphasort);

	*ret = NULL;
	*ret_n = 0;
	if (count < 0)
		return errno == ENOENT ? 0 : -errno;
	for (int i = 0; i < count; i++) {
		char path[PATH_MAX];
		struct image img, *grown;

		if (entries[i]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s/image.json", store, entries[i]->d_name);
			if (read_meta(path, &img) == 0 &&
			    (grown = reallocarray(v, n + 1, sizeof(*v)))) {
				v = grown;
				v[n++] = img;
			}
		}
		free(entries[i]);
	}
	free(entries);
	*ret = v;
	*ret_n = n;
	return 0;
}

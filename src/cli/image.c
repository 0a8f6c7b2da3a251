/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp image import REF DIR|BINARY ; kseccomp image ls */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>

#include "cli.h"
#include "node/images.h"

static int
parse_store(const char *command, int argc, char **argv, const char **ret_store, const char *help)
{
	static const struct option options[] = {
		{ "store", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 's':
			*ret_store = optarg;
			break;
		case 'h':
			fputs(help, stdout);
			return -1;
		default:
			return cli_bad_option(command, argv, c);
		}
	}
	return 0;
}

static int
image_import_verb(int argc, char **argv)
{
	char buf[PATH_MAX];
	const char *store = NULL;
	struct ksc_error *error = NULL;
	struct image img;
	int r;

	r = parse_store(
	        "image import", argc, argv, &store,
	        "Usage: kseccomp image import [--store DIR] REF DIR|BINARY\n"
	        "\n"
	        "Make REF (hashicorp/http-echo:1.0, normalised as the CRI does to\n"
	        "docker.io/hashicorp/http-echo:1.0) name a root filesystem directory, used\n"
	        "where it is, or a host binary, copied into a root filesystem of its own\n"
	        "whose entrypoint it is. The store is /var/lib/kseccomp/images for root\n"
	        "(~/.local/share/kseccomp/images otherwise, $KSECCOMP_IMAGE_STORE first).\n"
	        "\n"
	        "Options:\n"
	        "      --store DIR       the image store\n"
	        "  -h, --help            show this help\n");
	if (r)
		return r < 0 ? 0 : r;
	if (argc - optind != 2)
		return cli_usage_error("image import", "expected REF and DIR|BINARY");
	if (!store)
		store = image_store_default(buf, sizeof(buf));
	r = image_import(store, argv[optind], argv[optind + 1], &img, &error);
	if (r < 0)
		return cli_fail(r, error, NULL);
	printf("imported %s: %s%s%s\n", cli_escape(img.ref), cli_escape(img.rootfs),
	       *img.entrypoint ? ", entrypoint " : "", cli_escape(img.entrypoint));
	return 0;
}

static int
image_ls_verb(int argc, char **argv)
{
	char buf[PATH_MAX];
	const char *store = NULL;
	struct image *v = NULL;
	size_t n = 0;
	int r;

	r = parse_store("image ls", argc, argv, &store,
	                "Usage: kseccomp image ls [--store DIR]\n\nList the images of the local "
	                "store: reference, root filesystem, entrypoint.\n"
	                "\n"
	                "Options:\n"
	                "      --store DIR       the image store (see 'kseccomp image import "
	                "--help')\n"
	                "  -h, --help            show this help\n");
	if (r)
		return r < 0 ? 0 : r;
	if (optind < argc)
		return cli_usage_error("image ls", "unexpected argument '%s'", argv[optind]);
	if (!store)
		store = image_store_default(buf, sizeof(buf));
	r = image_list(store, &v, &n);
	if (r < 0)
		return cli_fail(r, NULL, store);
	printf("%-44s %-12s %s\n", "IMAGE", "ENTRYPOINT", "ROOTFS");
	for (size_t i = 0; i < n; i++)
		printf("%-44s %-12s %s\n", cli_escape(v[i].ref),
		       *v[i].entrypoint ? cli_escape(v[i].entrypoint) : "-",
		       cli_escape(v[i].rootfs));
	free(v);
	return 0;
}

const struct verb image_verbs[] = {
	{ "import", image_import_verb, "name a root filesystem or a binary as an image" },
	{ "ls", image_ls_verb, "list the local images" },
};
const size_t n_image_verbs = ELEMENTSOF(image_verbs);

int
verb_image(int argc, char **argv)
{
	return cli_dispatch("image", image_verbs, ELEMENTSOF(image_verbs), argc, argv);
}

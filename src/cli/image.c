/* SPDX-License-Identifier: Apache-2.0 */
/* kseccomp image import REF DIR|BINARY ; kseccomp image ls */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>

#include "cli.h"
#include "node/images.h"
#include "strbuf.h"

/* --store, and -o (ret_format NULL: the command has none; table, json, yaml or name). */
static int
parse_store(const char *command, int argc, char **argv, const char **ret_store, int *ret_format,
            const char *help)
{
	static const struct option options[] = {
		{ "store", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 's':
			*ret_store = optarg;
			break;
		case 'o':
			if (!ret_format)
				return cli_usage_error(command, "-o is not an option of %s",
				                       command);
			if (cli_parse_output(
			            command, optarg,
			            (const char *const[]){ "table", "json", "yaml", "name", NULL },
			            4, ret_format) != 0)
				return EXIT_USAGE;
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
	        "image import", argc, argv, &store, NULL,
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
	int format = 0;
	size_t n = 0;
	int r;

	r = parse_store("image ls", argc, argv, &store, &format,
	                "Usage: kseccomp image ls [--store DIR] [-o table|json|yaml|name]\n\nList "
	                "the images of the local store: reference, root filesystem, entrypoint.\n"
	                "\n"
	                "Options:\n"
	                "  -o, --output FORMAT   table (the default), json, yaml or name (the\n"
	                "                        references, one per line)\n"
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
	if (format == 1 || format == 2) { /* json, yaml */
		struct strbuf sb = { 0 };
		_cleanup_(freep) char *json = NULL;
		size_t len = 0;

		strbuf_putc(&sb, '[');
		for (size_t i = 0; i < n; i++) {
			strbuf_puts(&sb, i ? ",\n  {\"image\": " : "\n  {\"image\": ");
			strbuf_put_json_str(&sb, v[i].ref);
			strbuf_puts(&sb, ", \"entrypoint\": ");
			strbuf_put_json_str(&sb, v[i].entrypoint);
			strbuf_puts(&sb, ", \"rootfs\": ");
			strbuf_put_json_str(&sb, v[i].rootfs);
			strbuf_putc(&sb, '}');
		}
		strbuf_puts(&sb, n ? "\n]\n" : "]\n");
		free(v);
		if (strbuf_finish(&sb, &json, &len) < 0)
			return cli_fail(-ENOMEM, NULL, NULL);
		return cli_write_document("-", format == 2 ? CLI_DOC_YAML : CLI_DOC_JSON, json,
		                          len) < 0;
	}
	if (format == 0)
		printf("%-44s %-12s %s\n", "IMAGE", "ENTRYPOINT", "ROOTFS");
	for (size_t i = 0; i < n; i++)
		if (format == 3)
			printf("%s\n", cli_escape(v[i].ref));
		else
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

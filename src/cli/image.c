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
parse_store(const char *command, int argc, char **argv, const char **ret_store,
            enum cli_list_format *ret_format, const char *help)
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
			/* no wide: the table shows all there is */
			if (cli_parse_list_format(command, optarg,
			                          CLI_LIST(JSON) | CLI_LIST(YAML) | CLI_LIST(NAME),
			                          ret_format) != 0)
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
	struct cli_list list = { 0 };
	size_t n = 0;
	int r;

	r = parse_store("image ls", argc, argv, &store, &list.format,
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
	if (list.format == CLI_LIST_TABLE)
		printf("%-44s %-12s %s\n", "IMAGE", "ENTRYPOINT", "ROOTFS");
	for (size_t i = 0; i < n; i++)
		if (cli_list_is_data(&list)) {
			struct strbuf *sb = cli_list_next(&list);

			strbuf_puts(sb, "{\"image\": ");
			strbuf_put_json_str(sb, v[i].ref);
			strbuf_puts(sb, ", \"entrypoint\": ");
			strbuf_put_json_str(sb, v[i].entrypoint);
			strbuf_puts(sb, ", \"rootfs\": ");
			strbuf_put_json_str(sb, v[i].rootfs);
			strbuf_putc(sb, '}');
		} else if (list.format == CLI_LIST_NAME)
			printf("%s\n", cli_escape(v[i].ref));
		else
			printf("%-44s %-12s %s\n", cli_escape(v[i].ref),
			       *v[i].entrypoint ? cli_escape(v[i].entrypoint) : "-",
			       cli_escape(v[i].rootfs));
	free(v);
	return cli_list_finish(&list);
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

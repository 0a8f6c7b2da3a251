/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The CRI client's messages without a runtime: the protobuf wire format (pb.c) on exact bytes,
 * the requests cri.c writes read back field by field, and the answers it reads built here.
 *
 * Every field number below is written as a literal and named after the message and field of
 * runtime.v1 (k8s.io/cri-api, pkg/apis/runtime/v1/api.proto), so that the test checks cri.c
 * against the API rather than against cri.c's own table. Enum values too: ContainerState
 * CREATED 0 RUNNING 1 EXITED 2 UNKNOWN 3, PodSandboxState READY 0 NOTREADY 1, NamespaceMode
 * POD 0 CONTAINER 1 NODE 2, SecurityProfile.ProfileType RuntimeDefault 0 Unconfined 1
 * Localhost 2. Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32 (the protobuf
 * encoding guide); proto3 leaves scalars at their default value off the wire.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cri/cri.h"
#include "cri/pb.h"
#include "macro.h"
#include "tap.h"

/* Bytes as two arguments: a pointer and a size. */
#define BYTES(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

/* A message's bytes; data NULL when the field looked for is not there. */
struct msg {
	const uint8_t *data;
	size_t len;
};

static const uint8_t empty_bytes[1];

/* A written buffer's bytes; an empty buffer still has a pointer (its data is NULL). */
static const uint8_t *
bytes_of(const struct pb_buf *b)
{
	return b->data ? b->data : empty_bytes;
}

static struct msg
of_buf(const struct pb_buf *b)
{
	return (struct msg){ bytes_of(b), b->len };
}

/* The fields of m in order as "number:wire ...", "" for an empty message, "missing" when m
 * is not there, "malformed" when pb_next() refuses it. */
static const char *
shape(struct msg m)
{
	static char bufs[4][512];
	static unsigned next;
	char *s = bufs[next++ % 4];
	struct pb_reader r;
	struct pb_field f;
	size_t n = 0;
	int k;

	if (!m.data)
		return "missing";
	s[0] = '\0';
	r = pb_reader_init(m.data, m.len);
	while ((k = pb_next(&r, &f)) > 0) {
		if (n > sizeof(bufs[0]) - 32)
			return "too many fields";
		n += (size_t)snprintf(s + n, sizeof(bufs[0]) - n, "%s%" PRIu32 ":%d", n ? " " : "",
		                      f.number, (int)f.wire);
	}
	return k < 0 ? "malformed" : s;
}

/* The nth (from 0) field number of m. */
static bool
field(struct msg m, uint32_t number, unsigned nth, struct pb_field *ret)
{
	struct pb_reader r;
	struct pb_field f;

	if (!m.data)
		return false;
	r = pb_reader_init(m.data, m.len);
	while (pb_next(&r, &f) > 0)
		if (f.number == number && nth-- == 0) {
			*ret = f;
			return true;
		}
	return false;
}

/* The message in the nth field number of m, or a missing one. */
static struct msg
child(struct msg m, uint32_t number, unsigned nth)
{
	struct pb_field f;

	if (!field(m, number, nth, &f) || f.wire != PB_LEN)
		return (struct msg){ 0 };
	return (struct msg){ f.data, f.len };
}

/* The text of the nth field number of m; NULL when missing. */
static const char *
str(struct msg m, uint32_t number, unsigned nth)
{
	static char bufs[8][256];
	static unsigned next;
	char *s = bufs[next++ % 8];
	struct pb_field f;

	if (!field(m, number, nth, &f))
		return NULL;
	if (f.wire != PB_LEN)
		return "(not length-delimited)";
	if (memchr(f.data, '\0', f.len))
		return "(has a NUL)";
	snprintf(s, sizeof(bufs[0]), "%.*s", (int)f.len, (const char *)f.data);
	return s;
}

#define VARINT_MISSING    INT64_MIN
#define VARINT_NOT_VARINT (INT64_MIN + 1)

/* The value of the nth field number of m as an int64. */
static int64_t
varint(struct msg m, uint32_t number, unsigned nth)
{
	struct pb_field f;

	if (!field(m, number, nth, &f))
		return VARINT_MISSING;
	if (f.wire != PB_VARINT)
		return VARINT_NOT_VARINT;
	return (int64_t)f.value;
}

static bool
same_bytes(const struct pb_buf *b, const uint8_t *want, size_t n)
{
	bool same = b->len == n && memcmp(bytes_of(b), want, n) == 0;

	if (!same) {
		char hex[256] = "";
		size_t k = 0;

		for (size_t i = 0; i < b->len && k < sizeof(hex) - 4; i++)
			k += (size_t)snprintf(hex + k, sizeof(hex) - k, " %02x", b->data[i]);
		tap_diagf("written:%s", hex);
	}
	return same;
}

/* pb_next() over a copy of exactly n bytes (so that ASan sees a read past the end) until the
 * end or a failure: 0 or what failed. */
static int
walk(const uint8_t *bytes, size_t n)
{
	uint8_t *copy = malloc(n ? n : 1);
	struct pb_reader r;
	struct pb_field f;
	int k;

	if (!copy)
		abort();
	memcpy(copy, bytes, n);
	r = pb_reader_init(copy, n);
	while ((k = pb_next(&r, &f)) > 0)
		if (f.wire != PB_VARINT && f.wire != PB_FIXED64 && f.wire != PB_LEN &&
		    f.wire != PB_FIXED32) {
			k = -EINVAL; /* pb_next() returned a wire type it must refuse */
			break;
		}
	free(copy);
	return k;
}

/* The first field of bytes. */
static int
first(const uint8_t *bytes, size_t n, struct pb_field *f)
{
	struct pb_reader r = pb_reader_init(bytes, n);

	return pb_next(&r, f);
}

/* A varint written here rather than by pb.c, for fields pb.c has no writer for. */
static size_t
raw_varint(uint8_t *out, uint64_t v)
{
	size_t n = 0;

	do {
		out[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v)
			out[n] |= 0x80;
		n++;
	} while (v);
	return n;
}

static void
put_raw(struct pb_buf *b, const void *data, size_t n)
{
	uint8_t *grown = realloc(b->data, b->len + n);

	if (!grown)
		abort();
	memcpy(grown + b->len, data, n);
	b->data = grown;
	b->len += n;
	b->cap = b->len;
}

/* Field 99 once of each wire type (varint, fixed64, length-delimited, fixed32): no CRI
 * message here has a field 99, and a reader must skip what it does not know. */
static void
put_unknowns(struct pb_buf *b)
{
	uint8_t tag[10];

	put_raw(b, tag, raw_varint(tag, 99u << 3 | 0));
	put_raw(b, BYTES(0x2a));
	put_raw(b, tag, raw_varint(tag, 99u << 3 | 1));
	put_raw(b, BYTES(1, 2, 3, 4, 5, 6, 7, 8));
	put_raw(b, tag, raw_varint(tag, 99u << 3 | 2));
	put_raw(b, BYTES(3, 'a', 'b', 'c'));
	put_raw(b, tag, raw_varint(tag, 99u << 3 | 5));
	put_raw(b, BYTES(1, 2, 3, 4));
}

/* sub appended to b as field number, sub emptied. */
static void
put_sub(struct pb_buf *b, uint32_t number, struct pb_buf *sub)
{
	pb_put_message(b, number, sub);
	pb_buf_done(sub);
}

/* ---------------------------------------------------------------------------------------- */
/* pb: the wire format                                                                       */

static void
test_varints(void)
{
	static const struct {
		uint64_t v;
		uint8_t bytes[11]; /* the value's varint, after the tag 0x08 */
		size_t n;
	} cases[] = {
		{ 1, { 0x01 }, 1 },
		{ 127, { 0x7f }, 1 },
		{ 128, { 0x80, 0x01 }, 2 },
		{ 300, { 0xac, 0x02 }, 2 },
		{ UINT64_MAX, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 }, 10 },
	};
	struct pb_field f;
	int k;

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		struct pb_buf b = { 0 };
		uint8_t want[12] = { 0x08 };

		memcpy(want + 1, cases[i].bytes, cases[i].n);
		pb_put_uint64(&b, 1, cases[i].v);
		ok(same_bytes(&b, want, 1 + cases[i].n),
		   "varint %" PRIu64 " is %zu bytes after its tag", cases[i].v, cases[i].n);
		k = first(bytes_of(&b), b.len, &f);
		ok(k == 1 && f.number == 1 && f.wire == PB_VARINT && f.value == cases[i].v,
		   "varint %" PRIu64 " reads back", cases[i].v);
		is_int(walk(bytes_of(&b), b.len), 0, "varint %" PRIu64 ": nothing after it",
		       cases[i].v);
		pb_buf_done(&b);
	}

	/* 0 is never written by the proto3 writers; a 0 on the wire still reads */
	k = first(BYTES(0x08, 0x00), &f);
	ok(k == 1 && f.number == 1 && f.wire == PB_VARINT && f.value == 0, "varint 0 reads back");
	/* a longer encoding than needed is still the value (protobuf readers accept it) */
	k = first(BYTES(0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00), &f);
	ok(k == 1 && f.value == 0, "a ten-byte varint 0 reads as 0");

	/* the largest field number protobuf allows, 2^29 - 1: a five-byte tag */
	{
		struct pb_buf b = { 0 };

		pb_put_uint64(&b, 536870911, 5);
		ok(same_bytes(&b, BYTES(0xf8, 0xff, 0xff, 0xff, 0x0f, 0x05)),
		   "field 536870911 has a five-byte tag");
		k = first(bytes_of(&b), b.len, &f);
		ok(k == 1 && f.number == 536870911 && f.value == 5, "field 536870911 reads back");
		pb_buf_done(&b);
	}
}

static void
test_int64(void)
{
	static const int64_t values[] = { -1, INT64_MIN, -300, 1, INT64_MAX };
	struct pb_buf b = { 0 };
	struct pb_field f;

	/* int64, not sint64: two's complement, so every negative value takes ten bytes */
	pb_put_int64(&b, 2, -1);
	ok(same_bytes(&b, BYTES(0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)),
	   "int64 -1 is ten bytes after its tag");
	ok(first(bytes_of(&b), b.len, &f) == 1 && f.number == 2 && f.wire == PB_VARINT &&
	           (int64_t)f.value == -1,
	   "int64 -1 reads back as -1");
	pb_buf_done(&b);

	for (size_t i = 0; i < ELEMENTSOF(values); i++) {
		pb_put_int64(&b, 3, values[i]);
		ok(first(bytes_of(&b), b.len, &f) == 1 && (int64_t)f.value == values[i] &&
		           (values[i] >= 0 || b.len == 11),
		   "int64 %" PRId64 " round trips", values[i]);
		pb_buf_done(&b);
	}
}

static void
test_strings_and_bytes(void)
{
	struct pb_buf b = { 0 };
	struct pb_field f;
	char long_text[201];
	char *s = NULL;

	pb_put_string(&b, 3, "hello");
	ok(same_bytes(&b, BYTES(0x1a, 0x05, 'h', 'e', 'l', 'l', 'o')),
	   "string: tag, length, bytes");
	ok(first(bytes_of(&b), b.len, &f) == 1 && f.number == 3 && f.wire == PB_LEN && f.len == 5,
	   "string reads as a length-delimited field");
	is_int(pb_string(&f, &s), 0, "pb_string of a string");
	is_str(s, "hello", "pb_string copies the text");
	pb_buf_done(&b);

	/* a length over 127 takes a two-byte varint */
	memset(long_text, 'x', 200);
	long_text[200] = '\0';
	pb_put_string(&b, 1, long_text);
	ok(b.len == 203 && b.data[1] == 0xc8 && b.data[2] == 0x01,
	   "a 200-byte string: length c8 01");
	ok(first(bytes_of(&b), b.len, &f) == 1 && f.len == 200, "a 200-byte string reads back");
	is_int(pb_string(&f, &s), 0, "pb_string of 200 bytes");
	ok(s && strcmp(s, long_text) == 0, "pb_string replaces what it held with the new text");
	pb_buf_done(&b);

	/* bytes may hold a NUL; a CRI string never does */
	pb_put_bytes(&b, 4, "a\0b", 3);
	ok(same_bytes(&b, BYTES(0x22, 0x03, 'a', 0x00, 'b')), "bytes with a NUL are written as is");
	ok(first(bytes_of(&b), b.len, &f) == 1 && f.len == 3 && memcmp(f.data, "a\0b", 3) == 0,
	   "bytes read back");
	is_int(pb_string(&f, &s), -EBADMSG, "pb_string refuses a NUL byte");
	ok(s && strcmp(s, long_text) == 0, "a refused string leaves what *ret held");
	pb_buf_done(&b);

	ok(first(BYTES(0x08, 0x05), &f) == 1, "a varint field");
	is_int(pb_string(&f, &s), -EBADMSG, "pb_string refuses a varint field");
	ok(first(BYTES(0x0d, 'a', 'b', 'c', 'd'), &f) == 1, "a fixed32 field");
	is_int(pb_string(&f, &s), -EBADMSG, "pb_string refuses a fixed32 field");
	ok(first(BYTES(0x0a, 0x00), &f) == 1 && f.len == 0, "an empty length-delimited field");
	is_int(pb_string(&f, &s), 0, "pb_string of an empty field");
	is_str(s, "", "an empty field is the empty string");
	free(s);
}

static void
test_nested_and_maps(void)
{
	struct pb_buf inner = { 0 }, middle = { 0 }, outer = { 0 }, b = { 0 };
	struct pb_field f, g;
	struct pb_reader r;

	pb_put_uint64(&inner, 1, 7);
	pb_put_string(&inner, 2, "x");
	pb_put_message(&outer, 5, &inner);
	ok(same_bytes(&outer, BYTES(0x2a, 0x05, 0x08, 0x07, 0x12, 0x01, 'x')),
	   "a nested message: tag, length, the message");
	ok(first(bytes_of(&outer), outer.len, &f) == 1 && f.number == 5 && f.wire == PB_LEN,
	   "a nested message is one length-delimited field");
	r = pb_sub(&f);
	ok(pb_next(&r, &g) == 1 && g.number == 1 && g.value == 7, "its first field");
	ok(pb_next(&r, &g) == 1 && g.number == 2 && g.len == 1 && g.data[0] == 'x',
	   "its second field");
	is_int(pb_next(&r, &g), 0, "and its end, before the outer message's");
	pb_buf_done(&outer);

	/* two levels */
	pb_put_message(&middle, 1, &inner);
	pb_put_message(&outer, 2, &middle);
	is_str(shape(of_buf(&outer)), "2:2", "two levels: outer");
	is_str(shape(child(of_buf(&outer), 2, 0)), "1:2", "two levels: middle");
	is_int(varint(child(child(of_buf(&outer), 2, 0), 1, 0), 1, 0), 7, "two levels: inner");
	pb_buf_done(&outer);
	pb_buf_done(&middle);
	pb_buf_done(&inner);

	/* an empty message is written: its presence can mean something */
	pb_put_message(&outer, 5, &inner);
	ok(same_bytes(&outer, BYTES(0x2a, 0x00)), "an empty nested message is its tag and 0");
	pb_buf_done(&outer);

	/* map<string, string>: repeated entries of key = 1, value = 2 */
	pb_put_map_entry(&b, 6, "k", "v");
	ok(same_bytes(&b, BYTES(0x32, 0x06, 0x0a, 0x01, 'k', 0x12, 0x01, 'v')),
	   "a map entry: key 1, value 2");
	pb_buf_done(&b);
	pb_put_map_entry(&b, 6, "k", "");
	ok(same_bytes(&b, BYTES(0x32, 0x03, 0x0a, 0x01, 'k')), "a map entry with an empty value");
	pb_buf_done(&b);
	pb_put_map_entry(&b, 6, "", "");
	ok(same_bytes(&b, BYTES(0x32, 0x00)), "an entry of empty key and value is still written");
	pb_buf_done(&b);

	/* a failed append is not hidden by the outer message */
	inner.oom = true;
	pb_put_message(&outer, 1, &inner);
	ok(outer.oom, "a nested message that ran out of memory marks the outer one");
	pb_buf_done(&outer);
}

static void
test_defaults(void)
{
	struct pb_buf b = { 0 };
	struct pb_field f;

	pb_put_uint64(&b, 1, 0);
	pb_put_int64(&b, 1, 0);
	pb_put_bool(&b, 1, false);
	pb_put_string(&b, 1, "");
	pb_put_string(&b, 1, NULL);
	pb_put_bytes(&b, 1, "", 0);
	is_int(b.len, 0, "proto3 defaults (0, false, \"\", no string, no bytes) write nothing");
	pb_put_bool(&b, 1, true);
	ok(same_bytes(&b, BYTES(0x08, 0x01)), "true is the varint 1");
	pb_buf_done(&b);

	/* fixed-width fields, little-endian */
	ok(first(BYTES(0x0d, 0x01, 0x02, 0x03, 0x04), &f) == 1 && f.wire == PB_FIXED32 &&
	           f.value == 0x04030201,
	   "fixed32 reads little-endian");
	ok(first(BYTES(0x09, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08), &f) == 1 &&
	           f.wire == PB_FIXED64 && f.value == UINT64_C(0x0807060504030201),
	   "fixed64 reads little-endian");
	is_int(walk(empty_bytes, 0), 0, "an empty message has no field");
}

static void
test_malformed(void)
{
	struct pb_reader r;
	struct pb_field f;
	uint8_t big_tag[12];
	size_t n;

	is_int(walk(BYTES(0x80)), -EBADMSG, "a truncated tag");
	is_int(walk(BYTES(0x08)), -EBADMSG, "a varint field without its value");
	is_int(walk(BYTES(0x08, 0x80)), -EBADMSG, "a truncated varint");
	is_int(walk(BYTES(0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00)),
	       -EBADMSG, "an 11-byte varint");
	is_int(walk(BYTES(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02)),
	       -EBADMSG, "a 10th varint byte over 1 (more than 64 bits)");
	is_int(walk(BYTES(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x81, 0x00)),
	       -EBADMSG, "a 10th varint byte with its continuation bit");
	is_int(walk(BYTES(0x0a, 0x03, 'a', 'b')), -EBADMSG, "a length past the end");
	is_int(walk(BYTES(0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)),
	       -EBADMSG, "a length of 2^64 - 1");
	is_int(walk(BYTES(0x0a, 0x80)), -EBADMSG, "a truncated length");
	is_int(walk(BYTES(0x00, 0x00)), -EBADMSG, "field number 0, varint");
	is_int(walk(BYTES(0x02, 0x00)), -EBADMSG, "field number 0, length-delimited");
	is_int(walk(BYTES(0x0b, 0x0c)), -EBADMSG, "wire type 3 (start group)");
	is_int(walk(BYTES(0x0c)), -EBADMSG, "wire type 4 (end group)");
	is_int(walk(BYTES(0x0e, 0, 0, 0, 0, 0, 0, 0, 0)), -EBADMSG, "wire type 6");
	is_int(walk(BYTES(0x0f, 0, 0, 0, 0, 0, 0, 0, 0)), -EBADMSG, "wire type 7");
	is_int(walk(BYTES(0x0d, 1, 2, 3)), -EBADMSG, "a truncated fixed32");
	is_int(walk(BYTES(0x09, 1, 2, 3, 4, 5, 6, 7)), -EBADMSG, "a truncated fixed64");
	n = raw_varint(big_tag, (UINT64_C(1) << 32) << 3);
	big_tag[n++] = 0x00;
	is_int(walk(big_tag, n), -EBADMSG, "a field number of 2^32");

	/* good fields, then a bad one: the good ones are read first */
	r = pb_reader_init((const uint8_t[]){ 0x08, 0x01, 0x0b }, 3);
	is_int(pb_next(&r, &f), 1, "a good field before a bad one");
	is_int(pb_next(&r, &f), -EBADMSG, "then the bad one");
	/* a length that fits exactly */
	is_int(walk(BYTES(0x0a, 0x02, 'a', 'b')), 0, "a length up to the end exactly");
}

/* ---------------------------------------------------------------------------------------- */
/* Requests                                                                                   */

static const char *const localhost_path = "/var/lib/kubelet/seccomp/profiles/audit.json";

static void
test_pod_config(void)
{
	static const struct cri_kv labels[] = { { "app", "web" }, { "tier", "" } };
	static const struct cri_kv annotations[] = { { "a", "1" } };
	struct cri_pod_config pod = {
		.name = "web-0",
		.uid = "0d6a9f3e",
		.namespace = "prod",
		.attempt = 3,
		.hostname = "web",
		.log_directory = "/var/log/pods/prod_web-0_0d6a9f3e",
		.labels = labels,
		.n_labels = ELEMENTSOF(labels),
		.annotations = annotations,
		.n_annotations = ELEMENTSOF(annotations),
		.cgroup_parent = "/kubepods/besteffort",
		.ns = { .network = CRI_NS_NODE, .pid = CRI_NS_CONTAINER, .ipc = CRI_NS_POD },
		.privileged = true,
		.readonly_rootfs = true,
		.has_run_as_user = true,
		.run_as_user = 1000,
		.has_run_as_group = true,
		.run_as_group = 0,
		.seccomp = { .set = true,
		             .type = CRI_PROFILE_LOCALHOST,
		             .localhost_ref = localhost_path },
	};
	struct pb_buf b = { 0 };
	struct msg m, meta, linux_cfg, sec, ns;

	cri_encode_pod_config(&b, &pod);
	ok(!b.oom, "pod config written");
	m = of_buf(&b);
	/* PodSandboxConfig: metadata 1, hostname 2, log_directory 3, labels 6, annotations 7,
	 * linux 8 */
	is_str(shape(m), "1:2 2:2 3:2 6:2 6:2 7:2 8:2", "PodSandboxConfig's fields");
	meta = child(m, 1, 0);
	is_str(shape(meta), "1:2 2:2 3:2 4:0", "PodSandboxMetadata's fields");
	is_str(str(meta, 1, 0), "web-0", "PodSandboxMetadata.name = 1");
	is_str(str(meta, 2, 0), "0d6a9f3e", "PodSandboxMetadata.uid = 2");
	is_str(str(meta, 3, 0), "prod", "PodSandboxMetadata.namespace = 3");
	is_int(varint(meta, 4, 0), 3, "PodSandboxMetadata.attempt = 4");
	is_str(str(m, 2, 0), "web", "PodSandboxConfig.hostname = 2");
	is_str(str(m, 3, 0), "/var/log/pods/prod_web-0_0d6a9f3e",
	       "PodSandboxConfig.log_directory = 3");
	is_str(str(child(m, 6, 0), 1, 0), "app", "labels = 6: the first entry's key = 1");
	is_str(str(child(m, 6, 0), 2, 0), "web", "labels = 6: the first entry's value = 2");
	is_str(shape(child(m, 6, 1)), "1:2", "labels: an empty value is left out of its entry");
	is_str(str(child(m, 6, 1), 1, 0), "tier", "labels: the second entry's key");
	is_str(str(child(m, 7, 0), 1, 0), "a", "annotations = 7: key");
	is_str(str(child(m, 7, 0), 2, 0), "1", "annotations = 7: value");

	linux_cfg = child(m, 8, 0);
	is_str(shape(linux_cfg), "1:2 2:2", "LinuxPodSandboxConfig's fields");
	is_str(str(linux_cfg, 1, 0), "/kubepods/besteffort",
	       "LinuxPodSandboxConfig.cgroup_parent = 1");
	sec = child(linux_cfg, 2, 0);
	/* LinuxSandboxSecurityContext: namespace_options 1, run_as_user 3, readonly_rootfs 4,
	 * privileged 6, run_as_group 8, seccomp 9 */
	is_str(shape(sec), "1:2 3:2 4:0 6:0 8:2 9:2", "LinuxSandboxSecurityContext's fields");
	ns = child(sec, 1, 0);
	is_str(shape(ns), "1:0 2:0", "NamespaceOption: ipc POD (0) left out");
	is_int(varint(ns, 1, 0), 2, "NamespaceOption.network = 1: NODE is 2");
	is_int(varint(ns, 2, 0), 1, "NamespaceOption.pid = 2: CONTAINER is 1");
	is_int(varint(child(sec, 3, 0), 1, 0), 1000, "run_as_user = 3: Int64Value.value = 1");
	is_int(varint(sec, 4, 0), 1, "LinuxSandboxSecurityContext.readonly_rootfs = 4");
	is_int(varint(sec, 6, 0), 1, "LinuxSandboxSecurityContext.privileged = 6");
	/* run_as_group 0 is root, not "unset": the Int64Value is there, its value 0 left out */
	is_str(shape(child(sec, 8, 0)), "", "run_as_group = 8 of 0: an empty Int64Value");
	is_str(shape(child(sec, 9, 0)), "1:0 2:2", "seccomp = 9: SecurityProfile's fields");
	is_int(varint(child(sec, 9, 0), 1, 0), 2,
	       "SecurityProfile.profile_type = 1: Localhost is 2");
	is_str(str(child(sec, 9, 0), 2, 0), localhost_path, "SecurityProfile.localhost_ref = 2");
	pb_buf_done(&b);

	/* ipc on the node too */
	pod.ns.ipc = CRI_NS_NODE;
	cri_encode_pod_config(&b, &pod);
	ns = child(child(child(of_buf(&b), 8, 0), 2, 0), 1, 0);
	is_int(varint(ns, 3, 0), 2, "NamespaceOption.ipc = 3");
	pb_buf_done(&b);

	/* RuntimeDefault is the enum's zero: an empty SecurityProfile, which is not "unset" */
	pod.seccomp = (struct cri_profile){ .set = true, .type = CRI_PROFILE_RUNTIME_DEFAULT };
	cri_encode_pod_config(&b, &pod);
	sec = child(child(of_buf(&b), 8, 0), 2, 0);
	is_str(shape(child(sec, 9, 0)), "", "RuntimeDefault: an empty SecurityProfile");
	pb_buf_done(&b);

	pod.seccomp = (struct cri_profile){ .set = true, .type = CRI_PROFILE_UNCONFINED };
	cri_encode_pod_config(&b, &pod);
	sec = child(child(of_buf(&b), 8, 0), 2, 0);
	is_str(shape(child(sec, 9, 0)), "1:0", "Unconfined: profile_type only");
	is_int(varint(child(sec, 9, 0), 1, 0), 1, "Unconfined is 1");
	pb_buf_done(&b);

	/* the least a pod has */
	pod = (struct cri_pod_config){ .name = "p" };
	cri_encode_pod_config(&b, &pod);
	m = of_buf(&b);
	is_str(shape(m), "1:2 8:2", "a bare pod: metadata and linux only");
	is_str(shape(child(m, 1, 0)), "1:2", "a bare pod: name only");
	is_str(shape(child(m, 8, 0)), "2:2", "a bare pod: no cgroup_parent");
	sec = child(child(m, 8, 0), 2, 0);
	is_str(shape(sec), "1:2", "a bare pod: no run_as_*, no privileged, no seccomp field");
	is_str(shape(child(sec, 1, 0)), "", "a bare pod: every namespace POD (0)");
	pb_buf_done(&b);
}

static void
test_container_config(void)
{
	static const char *const command[] = { "/bin/sh" };
	static const char *const args[] = { "-c", "", "echo hi" };
	static const struct cri_kv envs[] = { { "PATH", "/bin" }, { "EMPTY", "" } };
	static const struct cri_kv labels[] = { { "io.kubernetes.container.name", "c" } };
	static const struct cri_kv annotations[] = { { "x", "y" } };
	static const char *const add_caps[] = { "NET_ADMIN" };
	static const char *const drop_caps[] = { "ALL", "SYS_ADMIN" };
	struct cri_container_config c = {
		.name = "c",
		.attempt = 1,
		.image = "docker.io/library/busybox:1.36",
		.command = command,
		.n_command = ELEMENTSOF(command),
		.args = args,
		.n_args = ELEMENTSOF(args),
		.working_dir = "/w",
		.envs = envs,
		.n_envs = ELEMENTSOF(envs),
		.labels = labels,
		.n_labels = ELEMENTSOF(labels),
		.annotations = annotations,
		.n_annotations = ELEMENTSOF(annotations),
		.log_path = "c/0.log",
		.add_caps = add_caps,
		.n_add_caps = ELEMENTSOF(add_caps),
		.drop_caps = drop_caps,
		.n_drop_caps = ELEMENTSOF(drop_caps),
		.privileged = true,
		.no_new_privs = true,
		.readonly_rootfs = true,
		.ns = { .network = CRI_NS_NODE, .pid = CRI_NS_CONTAINER, .ipc = CRI_NS_POD },
		.has_run_as_user = true,
		.run_as_user = 1000,
		.has_run_as_group = true,
		.run_as_group = 2000,
		.run_as_username = "nobody",
		.seccomp = { .set = true, .type = CRI_PROFILE_RUNTIME_DEFAULT },
	};
	struct pb_buf b = { 0 };
	struct msg m, sec, caps, ns;
	struct pb_field f;

	cri_encode_container_config(&b, &c);
	ok(!b.oom, "container config written");
	m = of_buf(&b);
	/* ContainerConfig: metadata 1, image 2, command 3, args 4, working_dir 5, envs 6,
	 * labels 9, annotations 10, log_path 11, linux 15 */
	is_str(shape(m), "1:2 2:2 3:2 4:2 4:2 4:2 5:2 6:2 6:2 9:2 10:2 11:2 15:2",
	       "ContainerConfig's fields");
	is_str(shape(child(m, 1, 0)), "1:2 2:0", "ContainerMetadata's fields");
	is_str(str(child(m, 1, 0), 1, 0), "c", "ContainerMetadata.name = 1");
	is_int(varint(child(m, 1, 0), 2, 0), 1, "ContainerMetadata.attempt = 2");
	is_str(shape(child(m, 2, 0)), "1:2", "ImageSpec's fields");
	is_str(str(child(m, 2, 0), 1, 0), "docker.io/library/busybox:1.36", "ImageSpec.image = 1");
	is_str(str(m, 3, 0), "/bin/sh", "ContainerConfig.command = 3");
	is_str(str(m, 4, 0), "-c", "ContainerConfig.args = 4, first");
	ok(field(m, 4, 1, &f) && f.wire == PB_LEN && f.len == 0,
	   "args: an empty element is an empty field, not left out");
	is_str(str(m, 4, 2), "echo hi", "args, third");
	is_str(str(m, 5, 0), "/w", "ContainerConfig.working_dir = 5");
	is_str(str(child(m, 6, 0), 1, 0), "PATH", "envs = 6: KeyValue.key = 1");
	is_str(str(child(m, 6, 0), 2, 0), "/bin", "envs = 6: KeyValue.value = 2");
	is_str(shape(child(m, 6, 1)), "1:2", "envs: an empty value left out of its KeyValue");
	is_str(str(child(m, 6, 1), 1, 0), "EMPTY", "envs: the second key");
	is_str(str(child(m, 9, 0), 1, 0), "io.kubernetes.container.name", "labels = 9: key");
	is_str(str(child(m, 9, 0), 2, 0), "c", "labels = 9: value");
	is_str(str(child(m, 10, 0), 1, 0), "x", "annotations = 10: key");
	is_str(str(child(m, 10, 0), 2, 0), "y", "annotations = 10: value");
	is_str(str(m, 11, 0), "c/0.log", "ContainerConfig.log_path = 11");

	is_str(shape(child(m, 15, 0)), "2:2", "LinuxContainerConfig: security_context = 2 only");
	sec = child(child(m, 15, 0), 2, 0);
	/* LinuxContainerSecurityContext: capabilities 1, privileged 2, namespace_options 3,
	 * run_as_user 5, run_as_username 6, readonly_rootfs 7, no_new_privs 11, run_as_group 12,
	 * seccomp 15 */
	is_str(shape(sec), "1:2 2:0 3:2 5:2 6:2 7:0 11:0 12:2 15:2",
	       "LinuxContainerSecurityContext's fields");
	caps = child(sec, 1, 0);
	is_str(shape(caps), "1:2 2:2 2:2", "Capability: add 1, drop 2");
	is_str(str(caps, 1, 0), "NET_ADMIN", "Capability.add_capabilities = 1");
	is_str(str(caps, 2, 0), "ALL", "Capability.drop_capabilities = 2, first");
	is_str(str(caps, 2, 1), "SYS_ADMIN", "Capability.drop_capabilities = 2, second");
	is_int(varint(sec, 2, 0), 1, "LinuxContainerSecurityContext.privileged = 2");
	ns = child(sec, 3, 0);
	is_str(shape(ns), "1:0 2:0", "namespace_options = 3: network and pid");
	is_int(varint(ns, 1, 0), 2, "namespace_options.network NODE");
	is_int(varint(ns, 2, 0), 1, "namespace_options.pid CONTAINER");
	is_int(varint(child(sec, 5, 0), 1, 0), 1000, "run_as_user = 5: Int64Value.value = 1");
	is_str(str(sec, 6, 0), "nobody", "LinuxContainerSecurityContext.run_as_username = 6");
	is_int(varint(sec, 7, 0), 1, "LinuxContainerSecurityContext.readonly_rootfs = 7");
	is_int(varint(sec, 11, 0), 1, "LinuxContainerSecurityContext.no_new_privs = 11");
	is_int(varint(child(sec, 12, 0), 1, 0), 2000, "run_as_group = 12: Int64Value.value = 1");
	is_str(shape(child(sec, 15, 0)), "", "seccomp = 15 RuntimeDefault: an empty profile");
	pb_buf_done(&b);

	c.seccomp = (struct cri_profile){ .set = true,
		                          .type = CRI_PROFILE_LOCALHOST,
		                          .localhost_ref = localhost_path };
	c.run_as_user = -1;
	cri_encode_container_config(&b, &c);
	sec = child(child(of_buf(&b), 15, 0), 2, 0);
	is_str(shape(child(sec, 15, 0)), "1:0 2:2", "seccomp = 15 Localhost: type and path");
	is_int(varint(child(sec, 15, 0), 1, 0), 2, "Localhost is 2");
	is_str(str(child(sec, 15, 0), 2, 0), localhost_path, "Localhost: localhost_ref = 2");
	ok(field(child(sec, 5, 0), 1, 0, &f) && f.wire == PB_VARINT && f.value == UINT64_MAX &&
	           child(sec, 5, 0).len == 11,
	   "a negative run_as_user is a ten-byte varint");
	pb_buf_done(&b);

	/* no capabilities, no profile, no ids, nothing privileged */
	c = (struct cri_container_config){ .name = "bare", .image = "i" };
	cri_encode_container_config(&b, &c);
	m = of_buf(&b);
	is_str(shape(m), "1:2 2:2 15:2", "a bare container: metadata, image, linux");
	sec = child(child(m, 15, 0), 2, 0);
	is_str(shape(sec), "3:2", "a bare container: no capabilities, no seccomp field");
	pb_buf_done(&b);

	/* drop only */
	c.drop_caps = drop_caps;
	c.n_drop_caps = 1;
	cri_encode_container_config(&b, &c);
	sec = child(child(of_buf(&b), 15, 0), 2, 0);
	is_str(shape(child(sec, 1, 0)), "2:2", "drop only: Capability has no add field");
	pb_buf_done(&b);
}

/* ---------------------------------------------------------------------------------------- */
/* Answers                                                                                    */

static void
test_version(void)
{
	struct cri_version v = { 0 };
	struct pb_buf b = { 0 };

	/* VersionResponse: version 1, runtime_name 2, runtime_version 3, runtime_api_version 4 */
	put_unknowns(&b);
	pb_put_string(&b, 1, "0.1.0");
	pb_put_string(&b, 2, "not-this");
	pb_put_string(&b, 2, "containerd");
	put_unknowns(&b);
	pb_put_string(&b, 3, "v1.7.24");
	pb_put_string(&b, 4, "v1");
	is_int(cri_decode_version(bytes_of(&b), b.len, &v), 0, "VersionResponse decodes");
	is_str(v.version, "0.1.0", "VersionResponse.version = 1");
	is_str(v.runtime_name, "containerd", "runtime_name = 2 (a repeated field: the last)");
	is_str(v.runtime_version, "v1.7.24", "runtime_version = 3");
	is_str(v.runtime_api_version, "v1", "runtime_api_version = 4");
	cri_version_done(&v);
	ok(!v.version && !v.runtime_name, "cri_version_done clears");
	pb_buf_done(&b);

	is_int(cri_decode_version(empty_bytes, 0, &v), 0, "an empty VersionResponse decodes");
	ok(!v.version && !v.runtime_name && !v.runtime_version && !v.runtime_api_version,
	   "an empty VersionResponse has no field");

	pb_put_string(&b, 1, "0.1.0");
	pb_put_uint64(&b, 2, 5);
	is_int(cri_decode_version(bytes_of(&b), b.len, &v), -EBADMSG,
	       "a string field sent as a varint");
	is_str(v.version, "0.1.0", "what came before is filled (and freed by done)");
	cri_version_done(&v);
	pb_buf_done(&b);

	pb_put_bytes(&b, 3, "v1\0x", 4);
	is_int(cri_decode_version(bytes_of(&b), b.len, &v), -EBADMSG, "a NUL inside a string");
	cri_version_done(&v);
	pb_buf_done(&b);
}

/* A Container (ListContainersResponse.containers): id 1, pod_sandbox_id 2, metadata 3
 * {name 1, attempt 2}, image 4 {image 1}, image_ref 5, state 6, created_at 7, labels 8,
 * annotations 9, image_id 10. */
static void
put_container(struct pb_buf *b, const char *id, const char *name, uint32_t attempt, uint64_t state,
              int64_t created_at, bool with_maps)
{
	struct pb_buf c = { 0 }, meta = { 0 }, image = { 0 };

	pb_put_string(&c, 1, id);
	pb_put_string(&c, 2, "pod-1");
	pb_put_string(&meta, 1, name);
	put_unknowns(&meta);
	pb_put_uint64(&meta, 2, attempt);
	put_sub(&c, 3, &meta);
	pb_put_string(&image, 1, "docker.io/library/busybox:1.36");
	pb_put_map_entry(&image, 2, "ignored", "annotation"); /* ImageSpec.annotations */
	pb_put_string(&image, 18, "busybox");                 /* ImageSpec.user_specified_image */
	put_sub(&c, 4, &image);
	pb_put_string(&c, 5, "sha256:0123");
	pb_put_uint64(&c, 6, state);
	pb_put_int64(&c, 7, created_at);
	if (with_maps) {
		pb_put_map_entry(&c, 8, "app", "web");
		pb_put_map_entry(&c, 8, "k", "first");
		pb_put_map_entry(&c, 9, "io.kubernetes.container.hash", "abc");
		pb_put_map_entry(&c, 8, "k", "last");
		pb_put_map_entry(&c, 8, "", "empty key");
		pb_put_map_entry(&c, 9, "no-value", "");
	}
	pb_put_string(&c, 10, "sha256:image");
	put_unknowns(&c);
	put_sub(b, 1, &c);
}

static void
test_containers(void)
{
	struct cri_container *v = NULL;
	struct pb_buf b = { 0 }, c = { 0 }, meta = { 0 };
	size_t n = 99;

	put_unknowns(&b);
	put_container(&b, "c1", "web", 2, 1, INT64_C(1700000000123456789), true);
	put_container(&b, "c2", "sidecar", 0, 2, -5, false);
	put_unknowns(&b);
	is_int(cri_decode_containers(bytes_of(&b), b.len, &v, &n), 0,
	       "ListContainersResponse decodes");
	if (!is_int(n, 2, "two containers"))
		return;
	is_str(v[0].id, "c1", "Container.id = 1");
	is_str(v[0].pod_sandbox_id, "pod-1", "Container.pod_sandbox_id = 2");
	is_str(v[0].name, "web", "Container.metadata = 3: name = 1");
	is_int(v[0].attempt, 2, "Container.metadata = 3: attempt = 2");
	is_str(v[0].image, "docker.io/library/busybox:1.36", "Container.image = 4: image = 1");
	is_str(v[0].image_ref, "sha256:0123", "Container.image_ref = 5");
	is_int(v[0].state, 1, "Container.state = 6: RUNNING is 1");
	is_str(cri_container_state_name(v[0].state), "Running", "state name");
	is_int(v[0].created_at, INT64_C(1700000000123456789), "Container.created_at = 7");
	is_int(v[0].labels.n, 4, "labels = 8: every entry kept");
	is_str(cri_labels_get(&v[0].labels, "app"), "web", "labels: app");
	is_str(cri_labels_get(&v[0].labels, "k"), "last", "labels: a repeated key reads the last");
	is_str(cri_labels_get(&v[0].labels, ""), "empty key", "labels: an empty key");
	is_str(cri_labels_get(&v[0].labels, "nope"), NULL, "labels: a missing key");
	is_int(v[0].annotations.n, 2, "annotations = 9: both entries");
	is_str(cri_labels_get(&v[0].annotations, "io.kubernetes.container.hash"), "abc",
	       "annotations = 9: value");
	is_str(cri_labels_get(&v[0].annotations, "no-value"), "",
	       "annotations: a value left out is the empty string");
	ok(!v[0].reason && !v[0].message && !v[0].log_path && !v[0].info,
	   "a Container has no status fields");
	is_str(v[1].id, "c2", "second container: id");
	is_str(v[1].name, "sidecar", "second container: name");
	is_int(v[1].attempt, 0, "second container: attempt 0");
	is_int(v[1].state, 2, "second container: EXITED is 2");
	is_int(v[1].created_at, -5, "second container: a negative created_at");
	ok(v[1].labels.n == 0 && v[1].annotations.n == 0, "second container: no labels");
	is_str(cri_labels_get(&v[1].labels, "app"), NULL, "no labels: nothing found");
	cri_containers_free(v, n);
	pb_buf_done(&b);

	/* a state this client does not know reads as UNKNOWN */
	put_container(&b, "c3", "x", 0, 7, 0, false);
	is_int(cri_decode_containers(bytes_of(&b), b.len, &v, &n), 0, "state 7 decodes");
	ok(n == 1 && v[0].state == CRI_CONTAINER_UNKNOWN, "state 7 reads as UNKNOWN (3)");
	cri_containers_free(v, n);
	pb_buf_done(&b);

	is_int(cri_decode_containers(empty_bytes, 0, &v, &n), 0, "an empty list decodes");
	ok(n == 0 && !v, "an empty list has no container");

	/* malformed: a nested message whose bytes are truncated, after a good container */
	put_container(&b, "c1", "web", 2, 1, 1, true);
	pb_put_string(&c, 1, "c2");
	pb_put_bytes(&c, 3, "\x0a\x05w", 3); /* metadata: name of 5 bytes, 1 there */
	put_sub(&b, 1, &c);
	is_int(cri_decode_containers(bytes_of(&b), b.len, &v, &n), -EBADMSG,
	       "a truncated ContainerMetadata");
	ok(n == 2 && v && v[0].labels.n == 4 && streq(v[1].id, "c2"),
	   "what was read before the failure is there to free");
	cri_containers_free(v, n);
	pb_buf_done(&b);

	/* malformed: a string sent as a varint, inside metadata */
	pb_put_uint64(&meta, 1, 1);
	put_sub(&c, 3, &meta);
	put_sub(&b, 1, &c);
	is_int(cri_decode_containers(bytes_of(&b), b.len, &v, &n), -EBADMSG,
	       "ContainerMetadata.name as a varint");
	cri_containers_free(v, n);
	pb_buf_done(&b);

	/* malformed: a NUL inside a label's value */
	pb_put_string(&c, 1, "c1");
	pb_put_map_entry(&c, 8, "ok", "fine");
	pb_put_map_entry(&meta, 1, "k", "");
	pb_put_bytes(&meta, 2, "a\0b", 3);
	put_sub(&c, 8, &meta);
	put_sub(&b, 1, &c);
	is_int(cri_decode_containers(bytes_of(&b), b.len, &v, &n), -EBADMSG,
	       "a NUL inside a label's value");
	ok(n == 1 && v[0].labels.n == 1, "the labels read before it are there to free");
	cri_containers_free(v, n);
	pb_buf_done(&b);

	/* malformed: a container sent as a varint; a label entry sent as a varint; an enum
	 * sent as bytes */
	pb_put_uint64(&b, 1, 3);
	is_int(cri_decode_containers(bytes_of(&b), b.len, &v, &n), -EBADMSG,
	       "ListContainersResponse.containers as a varint");
	cri_containers_free(v, n);
	pb_buf_done(&b);
	pb_put_uint64(&c, 8, 3);
	put_sub(&b, 1, &c);
	is_int(cri_decode_containers(bytes_of(&b), b.len, &v, &n), -EBADMSG,
	       "a label entry as a varint");
	cri_containers_free(v, n);
	pb_buf_done(&b);
	pb_put_string(&c, 6, "RUNNING");
	put_sub(&b, 1, &c);
	is_int(cri_decode_containers(bytes_of(&b), b.len, &v, &n), -EBADMSG,
	       "Container.state as a string");
	cri_containers_free(v, n);
	pb_buf_done(&b);

	/* malformed: the answer cut short */
	put_container(&b, "c1", "web", 2, 1, 1, true);
	is_int(cri_decode_containers(bytes_of(&b), b.len - 1, &v, &n), -EBADMSG,
	       "a ListContainersResponse one byte short");
	cri_containers_free(v, n);
	pb_buf_done(&b);
}

/* A ContainerStatusResponse: status 1 (ContainerStatus), info 2 (map). */
static void
put_status(struct pb_buf *b, int64_t exit_code, const char *info)
{
	struct pb_buf s = { 0 }, meta = { 0 }, image = { 0 }, mount = { 0 };
	size_t before;

	/* ContainerStatus: id 1, metadata 2, state 3, created_at 4, started_at 5, finished_at 6,
	 * exit_code 7, image 8, image_ref 9, reason 10, message 11, labels 12, annotations 13,
	 * mounts 14, log_path 15, image_id 17 */
	pb_put_string(&s, 1, "c1");
	pb_put_string(&meta, 1, "web");
	pb_put_uint64(&meta, 2, 4);
	put_sub(&s, 2, &meta);
	pb_put_uint64(&s, 3, 2);
	pb_put_int64(&s, 4, 100);
	pb_put_int64(&s, 5, 200);
	pb_put_int64(&s, 6, 300);
	before = s.len;
	pb_put_int64(&s, 7, exit_code);
	if (exit_code < 0)
		is_int(s.len - before, 11, "exit_code %" PRId64 " is a tag and ten bytes",
		       exit_code);
	pb_put_string(&image, 1, "busybox:1.36");
	put_sub(&s, 8, &image);
	pb_put_string(&s, 9, "sha256:0123");
	pb_put_string(&s, 10, "Error");
	pb_put_string(&s, 11, "boom");
	pb_put_map_entry(&s, 12, "app", "web");
	pb_put_map_entry(&s, 13, "a", "1");
	pb_put_string(&mount, 1, "/data");
	pb_put_string(&mount, 2, "/srv/data");
	pb_put_bool(&mount, 3, true);
	put_sub(&s, 14, &mount);
	pb_put_string(&s, 15, "/var/log/pods/x/web/4.log");
	pb_put_string(&s, 17, "sha256:image");
	put_unknowns(&s);
	put_sub(b, 1, &s);
	pb_put_map_entry(b, 2, "other", "x");
	if (info)
		pb_put_map_entry(b, 2, "info", info);
	put_unknowns(b);
}

static void
test_container_status(void)
{
	struct cri_container c = { 0 };
	struct pb_buf b = { 0 }, s = { 0 }, meta = { 0 };

	put_status(&b, -1, "{\"pid\": 1, \"runtimeSpec\": {\"ociVersion\": \"1.1.0\"}}");
	is_int(cri_decode_container_status(bytes_of(&b), b.len, &c), 0,
	       "ContainerStatusResponse decodes");
	is_str(c.id, "c1", "ContainerStatus.id = 1");
	is_str(c.name, "web", "ContainerStatus.metadata = 2: name");
	is_int(c.attempt, 4, "ContainerStatus.metadata = 2: attempt");
	is_int(c.state, 2, "ContainerStatus.state = 3: EXITED is 2");
	is_int(c.created_at, 100, "ContainerStatus.created_at = 4");
	is_int(c.started_at, 200, "ContainerStatus.started_at = 5");
	is_int(c.finished_at, 300, "ContainerStatus.finished_at = 6");
	is_int(c.exit_code, -1, "ContainerStatus.exit_code = 7: -1 from ten bytes");
	is_str(c.image, "busybox:1.36", "ContainerStatus.image = 8");
	is_str(c.image_ref, "sha256:0123", "ContainerStatus.image_ref = 9");
	is_str(c.reason, "Error", "ContainerStatus.reason = 10");
	is_str(c.message, "boom", "ContainerStatus.message = 11");
	is_str(cri_labels_get(&c.labels, "app"), "web", "ContainerStatus.labels = 12");
	is_str(cri_labels_get(&c.annotations, "a"), "1", "ContainerStatus.annotations = 13");
	is_str(c.log_path, "/var/log/pods/x/web/4.log", "ContainerStatus.log_path = 15");
	is_str(c.info, "{\"pid\": 1, \"runtimeSpec\": {\"ociVersion\": \"1.1.0\"}}",
	       "ContainerStatusResponse.info = 2: the value of \"info\"");
	ok(c.info_is_json, "info is JSON");
	cri_container_done(&c);
	ok(!c.id && !c.info && c.labels.n == 0, "cri_container_done clears");
	pb_buf_done(&b);

	put_status(&b, 137, "not JSON {");
	is_int(cri_decode_container_status(bytes_of(&b), b.len, &c), 0,
	       "a status with a non-JSON info decodes");
	is_int(c.exit_code, 137, "exit_code 137");
	is_str(c.info, "not JSON {", "info kept as text");
	ok(!c.info_is_json, "info is not JSON");
	cri_container_done(&c);
	pb_buf_done(&b);

	put_status(&b, 0, NULL);
	is_int(cri_decode_container_status(bytes_of(&b), b.len, &c), 0,
	       "a status without \"info\" decodes");
	ok(!c.info && !c.info_is_json, "no info: NULL and not JSON");
	is_int(c.exit_code, 0, "exit_code 0 (left off the wire)");
	cri_container_done(&c);
	pb_buf_done(&b);

	/* malformed: status sent as a varint */
	pb_put_uint64(&b, 1, 1);
	is_int(cri_decode_container_status(bytes_of(&b), b.len, &c), -EBADMSG,
	       "ContainerStatusResponse.status as a varint");
	cri_container_done(&c);
	pb_buf_done(&b);

	/* malformed: reason sent as a varint, after the id */
	pb_put_string(&s, 1, "c1");
	pb_put_uint64(&s, 10, 1);
	put_sub(&b, 1, &s);
	is_int(cri_decode_container_status(bytes_of(&b), b.len, &c), -EBADMSG,
	       "ContainerStatus.reason as a varint");
	is_str(c.id, "c1", "the id read before is there to free");
	cri_container_done(&c);
	pb_buf_done(&b);

	/* malformed: truncated metadata inside the status */
	pb_put_string(&s, 10, "Error");
	pb_put_bytes(&s, 2, "\x0a\x09web", 5);
	put_sub(&b, 1, &s);
	is_int(cri_decode_container_status(bytes_of(&b), b.len, &c), -EBADMSG,
	       "a truncated ContainerMetadata inside the status");
	cri_container_done(&c);
	pb_buf_done(&b);

	/* malformed: NUL inside the message, and inside the info */
	pb_put_bytes(&s, 11, "bo\0om", 5);
	put_sub(&b, 1, &s);
	is_int(cri_decode_container_status(bytes_of(&b), b.len, &c), -EBADMSG,
	       "a NUL inside ContainerStatus.message");
	cri_container_done(&c);
	pb_buf_done(&b);
	put_status(&b, 0, NULL);
	pb_put_string(&meta, 1, "info");
	pb_put_bytes(&meta, 2, "{}\0", 3);
	put_sub(&b, 2, &meta);
	is_int(cri_decode_container_status(bytes_of(&b), b.len, &c), -EBADMSG,
	       "a NUL inside the info");
	ok(!c.info, "a failed answer has no info");
	cri_container_done(&c);
	pb_buf_done(&b);

	/* cri_decode_container() reads a Container, not a ContainerStatus */
	put_container(&b, "c9", "n", 1, 3, 9, true);
	{
		struct pb_field f;

		if (ok(first(bytes_of(&b), b.len, &f) == 1 && f.wire == PB_LEN, "one Container")) {
			is_int(cri_decode_container(f.data, f.len, &c), 0, "a Container decodes");
			ok(streq(c.id, "c9") && streq(c.name, "n") && c.state == 3 &&
			           c.created_at == 9 &&
			           streq(cri_labels_get(&c.labels, "k"), "last"),
			   "cri_decode_container reads Container's numbers");
			cri_container_done(&c);
		}
	}
	pb_buf_done(&b);
}

/* A PodSandbox (ListPodSandboxResponse.items = 1): id 1, metadata 2 {name 1, uid 2,
 * namespace 3, attempt 4}, state 3, created_at 4, labels 5, annotations 6,
 * runtime_handler 7. */
static void
test_pods(void)
{
	struct pb_buf b = { 0 }, p = { 0 }, meta = { 0 };
	struct cri_pod *v = NULL;
	size_t n = 99;

	pb_put_string(&p, 1, "pod-1");
	pb_put_string(&meta, 1, "web-0");
	pb_put_string(&meta, 2, "0d6a9f3e");
	pb_put_string(&meta, 3, "prod");
	pb_put_uint64(&meta, 4, 2);
	put_unknowns(&meta);
	put_sub(&p, 2, &meta);
	pb_put_uint64(&p, 3, 1);
	pb_put_int64(&p, 4, INT64_C(1700000000000000000));
	pb_put_map_entry(&p, 5, "app", "web");
	pb_put_map_entry(&p, 5, "app", "web2");
	pb_put_map_entry(&p, 6, "kubernetes.io/config.source", "api");
	pb_put_string(&p, 7, "runc");
	put_unknowns(&p);
	put_sub(&b, 1, &p);
	put_unknowns(&b);
	pb_put_string(&p, 1, "pod-2");
	put_sub(&b, 1, &p);

	is_int(cri_decode_pods(bytes_of(&b), b.len, &v, &n), 0, "ListPodSandboxResponse decodes");
	if (!is_int(n, 2, "two pods"))
		return;
	is_str(v[0].id, "pod-1", "PodSandbox.id = 1");
	is_str(v[0].name, "web-0", "PodSandboxMetadata.name = 1");
	is_str(v[0].uid, "0d6a9f3e", "PodSandboxMetadata.uid = 2");
	is_str(v[0].namespace, "prod", "PodSandboxMetadata.namespace = 3");
	is_int(v[0].attempt, 2, "PodSandboxMetadata.attempt = 4");
	is_int(v[0].state, 1, "PodSandbox.state = 3: NOTREADY is 1");
	is_str(cri_pod_state_name(v[0].state), "NotReady", "state name");
	is_int(v[0].created_at, INT64_C(1700000000000000000), "PodSandbox.created_at = 4");
	is_str(cri_labels_get(&v[0].labels, "app"), "web2", "labels = 5: the last of a key");
	is_str(cri_labels_get(&v[0].annotations, "kubernetes.io/config.source"), "api",
	       "annotations = 6");
	is_str(v[0].runtime_handler, "runc", "PodSandbox.runtime_handler = 7");
	is_str(v[1].id, "pod-2", "second pod: id");
	ok(!v[1].name && !v[1].runtime_handler && v[1].labels.n == 0, "second pod: nothing else");
	is_int(v[1].state, 0, "second pod: READY is 0 (left off the wire)");
	is_str(cri_pod_state_name(v[1].state), "Ready", "state name");
	cri_pods_free(v, n);
	pb_buf_done(&b);

	is_int(cri_decode_pods(empty_bytes, 0, &v, &n), 0, "an empty list decodes");
	ok(n == 0 && !v, "an empty list has no pod");

	/* malformed */
	pb_put_string(&p, 1, "pod-1");
	pb_put_uint64(&meta, 3, 7);
	put_sub(&p, 2, &meta);
	put_sub(&b, 1, &p);
	is_int(cri_decode_pods(bytes_of(&b), b.len, &v, &n), -EBADMSG,
	       "PodSandboxMetadata.namespace as a varint");
	ok(n == 1 && streq(v[0].id, "pod-1"), "the pod read so far is there to free");
	cri_pods_free(v, n);
	pb_buf_done(&b);

	pb_put_bytes(&p, 7, "ru\0nc", 5);
	put_sub(&b, 1, &p);
	is_int(cri_decode_pods(bytes_of(&b), b.len, &v, &n), -EBADMSG,
	       "a NUL inside runtime_handler");
	cri_pods_free(v, n);
	pb_buf_done(&b);

	pb_put_bytes(&p, 5, "\x0a\x02k", 3);
	put_sub(&b, 1, &p);
	is_int(cri_decode_pods(bytes_of(&b), b.len, &v, &n), -EBADMSG, "a truncated label entry");
	cri_pods_free(v, n);
	pb_buf_done(&b);

	pb_put_uint64(&b, 1, 1);
	is_int(cri_decode_pods(bytes_of(&b), b.len, &v, &n), -EBADMSG,
	       "ListPodSandboxResponse.items as a varint");
	cri_pods_free(v, n);
	pb_buf_done(&b);
}

/* An empty message as an empty pb_buf holds it, (NULL, 0), is a message without fields. */
static void
test_null_empty(void)
{
	struct pb_buf b = { 0 };
	struct pb_reader r = pb_reader_init(b.data, b.len);
	struct pb_field f;
	struct cri_version v = { 0 };
	struct cri_container c = { 0 }, *cs = NULL;
	struct cri_pod *ps = NULL;
	size_t n = 1;

	is_int(pb_next(&r, &f), 0, "pb_next on (NULL, 0): the end");
	is_int(cri_decode_version(b.data, b.len, &v), 0, "VersionResponse from (NULL, 0)");
	is_int(cri_decode_container(b.data, b.len, &c), 0, "Container from (NULL, 0)");
	is_int(cri_decode_container_status(b.data, b.len, &c), 0,
	       "ContainerStatusResponse from (NULL, 0)");
	ok(!c.id && !c.info, "nothing filled");
	is_int(cri_decode_containers(b.data, b.len, &cs, &n), 0,
	       "ListContainersResponse from (NULL, 0)");
	ok(!cs && n == 0, "no container");
	n = 1;
	is_int(cri_decode_pods(b.data, b.len, &ps, &n), 0, "ListPodSandboxResponse from (NULL, 0)");
	ok(!ps && n == 0, "no pod");
}

/* A runtime's answer of many empty entries is refused past the bounds, not turned into a
 * structure many times its size. */
static void
test_bounds(void)
{
	struct pb_buf b = { 0 }, empty = { 0 }, item = { 0 };
	struct cri_container *cs = NULL;
	struct cri_container k = { 0 };
	size_t n = 0;

	for (unsigned i = 0; i <= CRI_MAX_ITEMS; i++)
		pb_put_message(&b, 1, &empty); /* ListContainersResponse.containers */
	is_int(cri_decode_containers(b.data, b.len, &cs, &n), -E2BIG,
	       "a list of %u containers is refused", CRI_MAX_ITEMS + 1);
	is_int(n, CRI_MAX_ITEMS, "...after the first %u", CRI_MAX_ITEMS);
	cri_containers_free(cs, n);
	pb_buf_done(&b);

	for (unsigned i = 0; i < CRI_MAX_LABELS; i++)
		pb_put_map_entry(&item, 8, "k", "v"); /* Container.labels */
	is_int(cri_decode_container(item.data, item.len, &k), 0, "%u labels are read",
	       CRI_MAX_LABELS);
	is_int(k.labels.n, CRI_MAX_LABELS, "...all of them");
	cri_container_done(&k);
	pb_put_map_entry(&item, 8, "k", "v");
	is_int(cri_decode_container(item.data, item.len, &k), -E2BIG, "one more is refused");
	cri_container_done(&k);
	pb_buf_done(&item);
}

int
main(void)
{
	test_varints();
	test_int64();
	test_strings_and_bytes();
	test_nested_and_maps();
	test_defaults();
	test_malformed();
	test_pod_config();
	test_container_config();
	test_version();
	test_containers();
	test_container_status();
	test_pods();
	test_null_empty();
	test_bounds();
	return tap_done();
}

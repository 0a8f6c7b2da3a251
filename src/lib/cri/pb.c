/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pb.h"

void
pb_buf_done(struct pb_buf *b)
{
	free(b->data);
	*b = (struct pb_buf){ 0 };
}

static bool
reserve(struct pb_buf *b, size_t n)
{
	size_t cap;
	uint8_t *data;

	if (b->oom)
		return false;
	if (n <= b->cap - b->len)
		return true;
	if (n > SIZE_MAX / 2 - b->len) {
		b->oom = true;
		return false;
	}
	cap = b->cap ? b->cap : 64;
	while (cap - b->len < n)
		cap *= 2;
	data = realloc(b->data, cap);
	if (!data) {
		b->oom = true;
		return false;
	}
	b->data = data;
	b->cap = cap;
	return true;
}

static void
put_raw_varint(struct pb_buf *b, uint64_t v)
{
	if (!reserve(b, 10))
		return;
	while (v >= 0x80) {
		b->data[b->len++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	b->data[b->len++] = (uint8_t)v;
}

static void
put_tag(struct pb_buf *b, uint32_t field, enum pb_wire wire)
{
	put_raw_varint(b, ((uint64_t)field << 3) | wire);
}

void
pb_put_uint64(struct pb_buf *b, uint32_t field, uint64_t v)
{
	if (v == 0)
		return;
	put_tag(b, field, PB_VARINT);
	put_raw_varint(b, v);
}

void
pb_put_int64(struct pb_buf *b, uint32_t field, int64_t v)
{
	/* int64 (not sint64): a negative value is its two's complement, ten bytes */
	pb_put_uint64(b, field, (uint64_t)v);
}

void
pb_put_bool(struct pb_buf *b, uint32_t field, bool v)
{
	pb_put_uint64(b, field, v ? 1 : 0);
}

static void
put_len(struct pb_buf *b, uint32_t field, const void *data, size_t len)
{
	put_tag(b, field, PB_LEN);
	put_raw_varint(b, len);
	if (len == 0 || !reserve(b, len))
		return;
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

void
pb_put_bytes(struct pb_buf *b, uint32_t field, const void *data, size_t len)
{
	if (len > 0)
		put_len(b, field, data, len);
}

void
pb_put_string(struct pb_buf *b, uint32_t field, const char *s)
{
	if (s)
		pb_put_bytes(b, field, s, strlen(s));
}

void
pb_put_message(struct pb_buf *b, uint32_t field, const struct pb_buf *msg)
{
	if (msg->oom) {
		b->oom = true;
		return;
	}
	put_len(b, field, msg->data, msg->len);
}

void
pb_put_map_entry(struct pb_buf *b, uint32_t field, const char *key, const char *value)
{
	struct pb_buf entry = { 0 };

	pb_put_string(&entry, 1, key);
	pb_put_string(&entry, 2, value);
	pb_put_message(b, field, &entry);
	pb_buf_done(&entry);
}

static int
get_varint(struct pb_reader *r, uint64_t *ret)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 70; shift += 7) {
		uint8_t byte;

		if (r->p >= r->end)
			return -EBADMSG;
		byte = *r->p++;
		/* the tenth byte holds one bit */
		if (shift == 63 && byte > 1)
			return -EBADMSG;
		v |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80)) {
			*ret = v;
			return 0;
		}
	}
	return -EBADMSG;
}

int
pb_next(struct pb_reader *r, struct pb_field *f)
{
	uint64_t tag, v = 0;

	if (r->p >= r->end)
		return 0;
	if (get_varint(r, &tag) < 0 || (tag >> 3) == 0 || (tag >> 3) > UINT32_MAX)
		return -EBADMSG;
	*f = (struct pb_field){ .number = (uint32_t)(tag >> 3), .wire = (enum pb_wire)(tag & 7) };
	switch (f->wire) {
	case PB_VARINT:
		if (get_varint(r, &f->value) < 0)
			return -EBADMSG;
		return 1;
	case PB_FIXED64:
	case PB_FIXED32: {
		size_t n = f->wire == PB_FIXED64 ? 8 : 4;

		if ((size_t)(r->end - r->p) < n)
			return -EBADMSG;
		for (size_t i = n; i-- > 0;)
			v = (v << 8) | r->p[i];
		r->p += n;
		f->value = v;
		return 1;
	}
	case PB_LEN:
		if (get_varint(r, &v) < 0 || v > (uint64_t)(r->end - r->p))
			return -EBADMSG;
		f->data = r->p;
		f->len = (size_t)v;
		r->p += v;
		return 1;
	default:
		/* groups (3, 4) are proto2's, and nothing else is defined */
		return -EBADMSG;
	}
}

int
pb_string(const struct pb_field *f, char **ret)
{
	char *s;

	if (f->wire != PB_LEN || (f->len && memchr(f->data, '\0', f->len)))
		return -EBADMSG;
	s = malloc(f->len + 1);
	if (!s)
		return -ENOMEM;
	if (f->len)
		memcpy(s, f->data, f->len);
	s[f->len] = '\0';
	free(*ret);
	*ret = s;
	return 0;
}

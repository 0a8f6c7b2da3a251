/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pb: the protocol buffers wire format, as much of it as the CRI client needs. Messages are
 * written field by field into a growing buffer (a nested message is written into its own
 * buffer and appended as bytes), and read back field by field, every length checked against
 * what is left: the reader never trusts what the peer sent.
 *
 * Wire types: 0 varint, 1 fixed 64-bit, 2 length-delimited, 5 fixed 32-bit. Proto3 leaves
 * out fields at their default value; so do the writers here (pb_put_*() with a zero value or
 * an empty string writes nothing), except pb_put_message(), which writes an empty message.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum pb_wire {
	PB_VARINT = 0,
	PB_FIXED64 = 1,
	PB_LEN = 2,
	PB_FIXED32 = 5,
};

struct pb_buf {
	uint8_t *data;
	size_t len, cap;
	bool oom; /* an append failed: the buffer is incomplete */
};

void pb_buf_done(struct pb_buf *b);

void pb_put_uint64(struct pb_buf *b, uint32_t field, uint64_t v);
void pb_put_int64(struct pb_buf *b, uint32_t field, int64_t v);
void pb_put_bool(struct pb_buf *b, uint32_t field, bool v);
void pb_put_string(struct pb_buf *b, uint32_t field, const char *s);
void pb_put_bytes(struct pb_buf *b, uint32_t field, const void *data, size_t len);
/* A nested message: written even when empty (its presence can mean something). */
void pb_put_message(struct pb_buf *b, uint32_t field, const struct pb_buf *msg);
/* One entry of a map<string, string> field. */
void pb_put_map_entry(struct pb_buf *b, uint32_t field, const char *key, const char *value);

/* One field as read. */
struct pb_field {
	uint32_t number;
	enum pb_wire wire;
	uint64_t value;      /* PB_VARINT, PB_FIXED64, PB_FIXED32 */
	const uint8_t *data; /* PB_LEN */
	size_t len;          /* PB_LEN */
};

struct pb_reader {
	const uint8_t *p, *end;
};

static inline struct pb_reader
pb_reader_init(const void *data, size_t len)
{
	/* An empty pb_buf holds (NULL, 0): read it as an empty message without adding to a
	 * null pointer, which C leaves undefined (C11 6.5.6p8) and UBSan reports. */
	if (!data)
		data = "";
	return (struct pb_reader){ data, (const uint8_t *)data + len };
}

/* The next field: 1 and *f, 0 at the end, -EBADMSG when the bytes are not a message
 * (a truncated field, a varint over 10 bytes, a length past the end, field number 0, a
 * group or an unknown wire type). */
int pb_next(struct pb_reader *r, struct pb_field *f);

/* A PB_LEN field's bytes as a NUL-terminated copy in *ret, replacing (and freeing) what *ret
 * held: a singular field seen twice keeps the last, as proto3 says. Returns 0, -ENOMEM, or
 * -EBADMSG for a field of another wire type or bytes with a NUL (no CRI string has one). */
int pb_string(const struct pb_field *f, char **ret);
/* The reader of a nested message in a PB_LEN field. */
static inline struct pb_reader
pb_sub(const struct pb_field *f)
{
	return pb_reader_init(f->data, f->len);
}

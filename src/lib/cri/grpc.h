/* SPDX-License-Identifier: Apache-2.0 */
/*
 * grpc: unary gRPC calls over HTTP/2 (libnghttp2) on a unix socket, the way a container
 * runtime serves the CRI. One connection carries any number of calls, one at a time. A call
 * sends one length-prefixed message and reads one back with the status from the trailers;
 * a status other than OK becomes the error, with the server's message.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "pb.h"

/* gRPC status codes (grpc/doc/statuscodes.md). */
enum grpc_status {
	GRPC_OK = 0,
	GRPC_CANCELLED = 1,
	GRPC_UNKNOWN = 2,
	GRPC_INVALID_ARGUMENT = 3,
	GRPC_DEADLINE_EXCEEDED = 4,
	GRPC_NOT_FOUND = 5,
	GRPC_ALREADY_EXISTS = 6,
	GRPC_PERMISSION_DENIED = 7,
	GRPC_RESOURCE_EXHAUSTED = 8,
	GRPC_FAILED_PRECONDITION = 9,
	GRPC_ABORTED = 10,
	GRPC_OUT_OF_RANGE = 11,
	GRPC_UNIMPLEMENTED = 12,
	GRPC_INTERNAL = 13,
	GRPC_UNAVAILABLE = 14,
	GRPC_DATA_LOSS = 15,
	GRPC_UNAUTHENTICATED = 16,
};

/* The largest response message accepted: a ListContainers of a node with a thousand
 * containers is about 1 MiB. */
#define GRPC_MAX_MESSAGE (16u * 1024u * 1024u)

struct grpc_conn;

/* "CODE_NAME" for a status, "status N" beyond the known ones (buf holds that). */
const char *grpc_status_name(int status, char *buf, size_t size);

/* Connect to endpoint: "unix:///path/to.sock" or a path. Returns 0, or -errno with a message
 * naming the endpoint. timeout_ms bounds each call made on the connection. */
int grpc_connect(const char *endpoint, unsigned timeout_ms, struct grpc_conn **ret,
                 struct ksc_error **reterr);
void grpc_close(struct grpc_conn *c);

static inline void
grpc_closep(struct grpc_conn **c)
{
	grpc_close(*c);
}

/*
 * Call method ("/package.Service/Method") with the request message req; the response
 * message goes to *ret_resp (malloc'd, *ret_len bytes; may be empty). Returns 0; for a
 * status other than OK, -errno by the status (NOT_FOUND -ENOENT, ALREADY_EXISTS -EEXIST,
 * INVALID_ARGUMENT -EINVAL, DEADLINE_EXCEEDED -ETIMEDOUT, UNIMPLEMENTED -EOPNOTSUPP,
 * PERMISSION_DENIED -EACCES, UNAVAILABLE -ECONNREFUSED, others -EIO) with the server's
 * message as the error and the status in *ret_status (when not NULL); -EPROTO when the peer
 * does not speak gRPC, -ETIMEDOUT, -ECONNRESET, -ENOMEM.
 */
int grpc_call(struct grpc_conn *c, const char *method, const struct pb_buf *req, uint8_t **ret_resp,
              size_t *ret_len, int *ret_status, struct ksc_error **reterr);

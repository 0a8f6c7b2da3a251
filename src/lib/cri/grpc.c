/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "grpc.h"
#include "ksc-cleanup.h"
#include "macro.h"

/* The state of the call in flight. */
struct call {
	int32_t stream_id;
	const struct pb_buf *req;
	size_t sent;       /* of the 5-byte prefix and req */
	uint8_t prefix[5]; /* compressed flag, big-endian length */
	uint8_t *resp;     /* the DATA frames' bytes */
	size_t resp_len, resp_cap;
	bool too_big;
	int http_status;   /* :status, 0 before the headers */
	bool grpc_content; /* content-type application/grpc... */
	int grpc_status;   /* -1 until grpc-status arrives */
	char grpc_message[1024];
	bool closed;
	uint32_t close_error; /* the stream's RST_STREAM or GOAWAY error code */
};

struct grpc_conn {
	int fd;
	char endpoint[sizeof(((struct sockaddr_un *)0)->sun_path) + 16];
	unsigned timeout_ms;
	nghttp2_session *session;
	struct call *call;
	bool broken; /* the connection failed: no further call on it */
};

const char *
grpc_status_name(int status, char *buf, size_t size)
{
	static const char *const names[] = {
		"OK",
		"CANCELLED",
		"UNKNOWN",
		"INVALID_ARGUMENT",
		"DEADLINE_EXCEEDED",
		"NOT_FOUND",
		"ALREADY_EXISTS",
		"PERMISSION_DENIED",
		"RESOURCE_EXHAUSTED",
		"FAILED_PRECONDITION",
		"ABORTED",
		"OUT_OF_RANGE",
		"UNIMPLEMENTED",
		"INTERNAL",
		"UNAVAILABLE",
		"DATA_LOSS",
		"UNAUTHENTICATED",
	};

	if (status >= 0 && (size_t)status < ELEMENTSOF(names))
		return names[status];
	snprintf(buf, size, "status %d", status);
	return buf;
}

static int
status_errno(int status)
{
	switch (status) {
	case GRPC_NOT_FOUND:
		return -ENOENT;
	case GRPC_ALREADY_EXISTS:
		return -EEXIST;
	case GRPC_INVALID_ARGUMENT:
		return -EINVAL;
	case GRPC_DEADLINE_EXCEEDED:
		return -ETIMEDOUT;
	case GRPC_UNIMPLEMENTED:
		return -EOPNOTSUPP;
	case GRPC_PERMISSION_DENIED:
	case GRPC_UNAUTHENTICATED:
		return -EACCES;
	case GRPC_UNAVAILABLE:
		return -ECONNREFUSED;
	default:
		return -EIO;
	}
}

static ssize_t
send_cb(nghttp2_session *session, const uint8_t *data, size_t len, int flags, void *user)
{
	struct grpc_conn *c = user;
	ssize_t n;

	(void)session;
	(void)flags;
	n = send(c->fd, data, len, MSG_NOSIGNAL);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? NGHTTP2_ERR_WOULDBLOCK
		                                         : NGHTTP2_ERR_CALLBACK_FAILURE;
	return n;
}

static bool
name_is(const uint8_t *name, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(name, want, len) == 0;
}

static int
hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* grpc-message is percent-encoded (grpc/doc/PROTOCOL-HTTP2.md). */
static void
percent_decode(const uint8_t *v, size_t len, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 1 < size; i++) {
		int hi, lo;

		if (v[i] == '%' && i + 2 < len && (hi = hexval(v[i + 1])) >= 0 &&
		    (lo = hexval(v[i + 2])) >= 0) {
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			out[o++] = (char)v[i];
	}
	out[o] = '\0';
}

static int
header_cb(nghttp2_session *session, const nghttp2_frame *frame, const uint8_t *name, size_t namelen,
          const uint8_t *value, size_t valuelen, uint8_t flags, void *user)
{
	struct grpc_conn *c = user;
	struct call *call = c->call;

	(void)session;
	(void)flags;
	if (!call || frame->hd.stream_id != call->stream_id)
		return 0;
	if (name_is(name, namelen, ":status")) {
		call->http_status = 0;
		for (size_t i = 0; i < valuelen && i < 4 && value[i] >= '0' && value[i] <= '9'; i++)
			call->http_status = call->http_status * 10 + (value[i] - '0');
	} else if (name_is(name, namelen, "content-type"))
		call->grpc_content = valuelen >= 16 && memcmp(value, "application/grpc", 16) == 0;
	else if (name_is(name, namelen, "grpc-status")) {
		int s = 0;

		for (size_t i = 0; i < valuelen && i < 4 && value[i] >= '0' && value[i] <= '9'; i++)
			s = s * 10 + (value[i] - '0');
		call->grpc_status = valuelen > 0 && valuelen <= 4 ? s : GRPC_UNKNOWN;
	} else if (name_is(name, namelen, "grpc-message"))
		percent_decode(value, valuelen, call->grpc_message, sizeof(call->grpc_message));
	return 0;
}

static int
data_cb(nghttp2_session *session, uint8_t flags, int32_t stream_id, const uint8_t *data, size_t len,
        void *user)
{
	struct grpc_conn *c = user;
	struct call *call = c->call;

	(void)session;
	(void)flags;
	if (!call || stream_id != call->stream_id || call->too_big)
		return 0;
	if (len > GRPC_MAX_MESSAGE + 5 - call->resp_len) {
		call->too_big = true;
		return 0;
	}
	if (call->resp_len + len > call->resp_cap) {
		size_t cap = MAX(call->resp_cap * 2, call->resp_len + len);
		uint8_t *grown = realloc(call->resp, cap);

		if (!grown)
			return NGHTTP2_ERR_CALLBACK_FAILURE;
		call->resp = grown;
		call->resp_cap = cap;
	}
	memcpy(call->resp + call->resp_len, data, len);
	call->resp_len += len;
	return 0;
}

static int
close_cb(nghttp2_session *session, int32_t stream_id, uint32_t error_code, void *user)
{
	struct grpc_conn *c = user;

	(void)session;
	if (c->call && stream_id == c->call->stream_id) {
		c->call->closed = true;
		c->call->close_error = error_code;
	}
	return 0;
}

static ssize_t
read_body_cb(nghttp2_session *session, int32_t stream_id, uint8_t *buf, size_t length,
             uint32_t *data_flags, nghttp2_data_source *source, void *user)
{
	struct call *call = source->ptr;
	size_t total = sizeof(call->prefix) + call->req->len, n = 0;

	(void)session;
	(void)stream_id;
	(void)user;
	while (n < length && call->sent < total) {
		size_t chunk;

		if (call->sent < sizeof(call->prefix)) {
			chunk = MIN(length - n, sizeof(call->prefix) - call->sent);
			memcpy(buf + n, call->prefix + call->sent, chunk);
		} else {
			size_t at = call->sent - sizeof(call->prefix);

			chunk = MIN(length - n, call->req->len - at);
			memcpy(buf + n, call->req->data + at, chunk);
		}
		n += chunk;
		call->sent += chunk;
	}
	if (call->sent == total)
		*data_flags |= NGHTTP2_DATA_FLAG_EOF;
	return (ssize_t)n;
}

void
grpc_close(struct grpc_conn *c)
{
	if (!c)
		return;
	if (c->session)
		nghttp2_session_del(c->session);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

int
grpc_connect(const char *endpoint, unsigned timeout_ms, struct grpc_conn **ret,
             struct ksc_error **reterr)
{
	_cleanup_(grpc_closep) struct grpc_conn *c = NULL;
	nghttp2_session_callbacks *cbs = NULL;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = endpoint;
	int r;

	if (!endpoint || !*endpoint)
		return ksc_error_setf(reterr, -EINVAL, "no runtime endpoint given");
	if (strncmp(endpoint, "unix://", 7) == 0)
		path = endpoint + 7;
	else if (strstr(endpoint, "://"))
		return ksc_error_setf(reterr, -EINVAL,
		                      "runtime endpoint %s: only unix:// sockets are supported",
		                      endpoint);
	if (*path != '/' || strlen(path) >= sizeof(sa.sun_path))
		return ksc_error_setf(reterr, -EINVAL,
		                      "runtime endpoint %s: not an absolute socket path of at most "
		                      "%zu bytes",
		                      endpoint, sizeof(sa.sun_path) - 1);
	memcpy(sa.sun_path, path, strlen(path));
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->timeout_ms = timeout_ms ? timeout_ms : 10000;
	snprintf(c->endpoint, sizeof(c->endpoint), "%s", path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd < 0)
		return ksc_error_setf(reterr, -errno, "socket: %s", strerror(errno));
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		r = -errno;
		return ksc_error_setf(reterr, r, "cannot connect to the runtime at %s: %s", path,
		                      strerror(-r));
	}
	if (nghttp2_session_callbacks_new(&cbs) != 0)
		return -ENOMEM;
	nghttp2_session_callbacks_set_send_callback(cbs, send_cb);
	nghttp2_session_callbacks_set_on_header_callback(cbs, header_cb);
	nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, data_cb);
	nghttp2_session_callbacks_set_on_stream_close_callback(cbs, close_cb);
	r = nghttp2_session_client_new(&c->session, cbs, c);
	nghttp2_session_callbacks_del(cbs);
	if (r != 0)
		return -ENOMEM;
	if (nghttp2_submit_settings(c->session, NGHTTP2_FLAG_NONE, NULL, 0) != 0)
		return -ENOMEM;
	*ret = TAKE_PTR(c);
	return 0;
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Send and receive until the call's stream closes. */
static int
pump(struct grpc_conn *c, const char *method, long deadline, struct ksc_error **reterr)
{
	uint8_t buf[16384];

	while (!c->call->closed) {
		struct pollfd p = { .fd = c->fd, .events = POLLIN };
		long left = deadline - now_ms();
		ssize_t n;
		int r;

		r = nghttp2_session_send(c->session);
		if (r != 0)
			return ksc_error_setf(reterr, -ECONNRESET, "%s on %s: sending: %s", method,
			                      c->endpoint, nghttp2_strerror(r));
		if (nghttp2_session_want_write(c->session))
			p.events |= POLLOUT;
		if (left <= 0)
			return ksc_error_setf(reterr, -ETIMEDOUT,
			                      "%s on %s: no answer within %u ms", method,
			                      c->endpoint, c->timeout_ms);
		r = poll(&p, 1, (int)MIN(left, (long)INT32_MAX));
		if (r < 0 && errno != EINTR)
			return ksc_error_setf(reterr, -errno, "poll: %s", strerror(errno));
		if (r <= 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(c->fd, buf, sizeof(buf));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return ksc_error_setf(reterr, -ECONNRESET, "%s on %s: %s", method,
			                      c->endpoint, strerror(errno));
		if (n == 0)
			return ksc_error_setf(reterr, -ECONNRESET,
			                      "%s on %s: the runtime closed the connection", method,
			                      c->endpoint);
		r = (int)nghttp2_session_mem_recv(c->session, buf, (size_t)n);
		if (r < 0)
			return ksc_error_setf(reterr, -EPROTO,
			                      "%s on %s: the runtime does not speak HTTP/2: %s",
			                      method, c->endpoint, nghttp2_strerror(r));
	}
	return 0;
}

int
grpc_call(struct grpc_conn *c, const char *method, const struct pb_buf *req, uint8_t **ret_resp,
          size_t *ret_len, int *ret_status, struct ksc_error **reterr)
{
	struct call call = { .req = req, .grpc_status = -1 };
	char timeout[32], sname[32];
	nghttp2_data_provider body = { .source.ptr = &call, .read_callback = read_body_cb };
	size_t msg_len;
	int r;

#define NV(n, v) { (uint8_t *)(n), (uint8_t *)(v), strlen(n), strlen(v), NGHTTP2_NV_FLAG_NONE }
	snprintf(timeout, sizeof(timeout), "%um", c->timeout_ms);
	nghttp2_nv headers[] = {
		NV(":method", "POST"),
		NV(":scheme", "http"),
		NV(":path", method),
		NV(":authority", "localhost"),
		NV("content-type", "application/grpc"),
		NV("te", "trailers"),
		NV("grpc-timeout", timeout),
		NV("user-agent", "kseccomp"),
	};
#undef NV

	if (ret_status)
		*ret_status = -1;
	if (c->broken)
		return ksc_error_setf(reterr, -ECONNRESET, "%s on %s: the connection failed before",
		                      method, c->endpoint);
	if (req->oom)
		return -ENOMEM;
	if (req->len > UINT32_MAX)
		return -EMSGSIZE;
	call.prefix[0] = 0; /* not compressed */
	call.prefix[1] = (uint8_t)(req->len >> 24);
	call.prefix[2] = (uint8_t)(req->len >> 16);
	call.prefix[3] = (uint8_t)(req->len >> 8);
	call.prefix[4] = (uint8_t)req->len;
	call.stream_id =
	        nghttp2_submit_request(c->session, NULL, headers, ELEMENTSOF(headers), &body, NULL);
	if (call.stream_id < 0)
		return ksc_error_setf(reterr, -ENOMEM, "%s: %s", method,
		                      nghttp2_strerror(call.stream_id));
	c->call = &call;
	r = pump(c, method, now_ms() + c->timeout_ms, reterr);
	c->call = NULL;
	if (r < 0) {
		c->broken = true;
		free(call.resp);
		return r;
	}
	if (call.too_big) {
		free(call.resp);
		return ksc_error_setf(reterr, -EMSGSIZE, "%s: the answer is over %u bytes", method,
		                      GRPC_MAX_MESSAGE);
	}
	if (call.http_status != 200 || (call.grpc_status < 0 && !call.grpc_content)) {
		free(call.resp);
		if (call.close_error != 0)
			return ksc_error_setf(
			        reterr, -ECONNRESET,
			        "%s on %s: the runtime reset the stream (HTTP/2 error "
			        "%u)",
			        method, c->endpoint, call.close_error);
		return ksc_error_setf(reterr, -EPROTO,
		                      "%s on %s: not a gRPC answer (HTTP status %d)", method,
		                      c->endpoint, call.http_status);
	}
	if (call.grpc_status < 0) {
		free(call.resp);
		return ksc_error_setf(reterr, -EPROTO, "%s on %s: the answer has no grpc-status",
		                      method, c->endpoint);
	}
	if (ret_status)
		*ret_status = call.grpc_status;
	if (call.grpc_status != GRPC_OK) {
		free(call.resp);
		return ksc_error_setf(reterr, status_errno(call.grpc_status), "%s (gRPC %s)",
		                      call.grpc_message[0] ? call.grpc_message : method,
		                      grpc_status_name(call.grpc_status, sname, sizeof(sname)));
	}
	/* one message: the flag (never compressed: we offered no encoding), its length */
	if (call.resp_len < 5 || call.resp[0] != 0) {
		free(call.resp);
		return ksc_error_setf(reterr, -EPROTO, "%s on %s: %s", method, c->endpoint,
		                      call.resp_len < 5 ? "the answer has no message"
		                                        : "the answer is compressed");
	}
	msg_len = (size_t)call.resp[1] << 24 | (size_t)call.resp[2] << 16 |
	          (size_t)call.resp[3] << 8 | call.resp[4];
	if (msg_len != call.resp_len - 5) {
		free(call.resp);
		return ksc_error_setf(
		        reterr, -EPROTO,
		        "%s on %s: the answer's length prefix says %zu bytes, %zu came", method,
		        c->endpoint, msg_len, call.resp_len - 5);
	}
	memmove(call.resp, call.resp + 5, msg_len);
	*ret_resp = call.resp;
	*ret_len = msg_len;
	return 0;
}

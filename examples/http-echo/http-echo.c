/* SPDX-License-Identifier: Apache-2.0 */
/*
 * http-echo: the tutorial's workload, small and static. It answers every GET with the text
 * it was given and /health with {"status":"ok"}, like hashicorp/http-echo:
 *
 *   http-echo [-listen [HOST]:PORT] [-text TEXT] [-status-code CODE]
 *
 * Flags are written -flag VALUE or -flag=VALUE (one or two dashes), as Go's flag package
 * takes them. The defaults are -listen :5678 and status 200; -text is required.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static const char *
reason(int code)
{
	switch (code) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 204:
		return "No Content";
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return "Status";
	}
}

/* "-name value", "-name=value", "--name..." */
static bool
flag(int argc, char **argv, int *i, const char *name, const char **ret)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (a[0] != '-')
		return false;
	a += a[1] == '-' ? 2 : 1;
	if (strncmp(a, name, n) != 0)
		return false;
	if (a[n] == '=') {
		*ret = a + n + 1;
		return true;
	}
	if (a[n] != '\0' || *i + 1 >= argc)
		return false;
	*ret = argv[++*i];
	return true;
}

static void
respond(int fd, int code, const char *type, const char *body)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
	                 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
	                 "X-App-Name: http-echo\r\nConnection: close\r\n\r\n",
	                 code, reason(code), type, strlen(body));

	if (n > 0 && write(fd, head, (size_t)n) == n)
		(void)!write(fd, body, strlen(body));
}

int
main(int argc, char **argv)
{
	const char *listen_addr = ":5678", *text = NULL, *status = "200";
	struct sockaddr_in addr = { .sin_family = AF_INET };
	struct sigaction sa = { .sa_handler = on_signal };
	char *body = NULL;
	int code, sock, one = 1;
	long port;
	const char *colon;

	for (int i = 1; i < argc; i++) {
		if (flag(argc, argv, &i, "listen", &listen_addr) ||
		    flag(argc, argv, &i, "text", &text) ||
		    flag(argc, argv, &i, "status-code", &status))
			continue;
		if (strcmp(argv[i], "-version") == 0 || strcmp(argv[i], "--version") == 0) {
			printf("http-echo v1.0.0 (kseccomp)\n");
			return 0;
		}
		fprintf(stderr, "flag provided but not defined: %s\n", argv[i]);
		return 2;
	}
	if (!text) {
		fprintf(stderr, "Missing -text option!\n");
		return 127;
	}
	code = atoi(status);
	if (code < 100 || code > 599) {
		fprintf(stderr, "invalid -status-code %s\n", status);
		return 2;
	}
	colon = strrchr(listen_addr, ':');
	port = colon ? strtol(colon + 1, NULL, 10) : 0;
	if (!colon || port <= 0 || port > 65535) {
		fprintf(stderr, "invalid -listen %s: expected [HOST]:PORT\n", listen_addr);
		return 2;
	}
	addr.sin_port = htons((uint16_t)port);
	addr.sin_addr.s_addr = htonl(INADDR_ANY);
	if (colon != listen_addr) {
		char host[64];

		snprintf(host, sizeof(host), "%.*s", (int)(colon - listen_addr), listen_addr);
		if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
			fprintf(stderr, "invalid -listen host %s\n", host);
			return 2;
		}
	}
	/* the text, with the newline http-echo adds */
	if (asprintf(&body, "%s\n", text) < 0)
		return 1;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(sock, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(sock, 64) < 0) {
		fprintf(stderr, "listen %s: %s\n", listen_addr, strerror(errno));
		return 1;
	}
	printf("[INFO] server is listening on %s\n", listen_addr);
	fflush(stdout);
	while (!stopping) {
		char req[4096];
		ssize_t n;
		int fd = accept4(sock, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		n = read(fd, req, sizeof(req) - 1);
		if (n > 0) {
			req[n] = '\0';
			if (strncmp(req, "GET /health ", 12) == 0 ||
			    strncmp(req, "GET /health?", 12) == 0)
				respond(fd, 200, "application/json", "{\"status\":\"ok\"}\n");
			else
				respond(fd, code, "text/plain; charset=utf-8", body);
		}
		close(fd);
	}
	printf("[INFO] server is shutting down\n");
	free(body);
	close(sock);
	return 0;
}

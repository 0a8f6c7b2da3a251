/* SPDX-License-Identifier: Apache-2.0 */
/* Seccomp audit records counted per container, syscall and action (denials.h). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "audit/read.h"
#include "denials.h"
#include "ksc-cleanup.h"
#include "macro.h"
#include "metrics.h"

#define MAX_KEYS 4096 /* distinct (container, syscall, action): beyond, counted as "other" */

struct key_count {
	char container_id[80];
	char syscall[48];
	char action[32];
	uint64_t count;
};

struct denials {
	pthread_mutex_t lock;
	pthread_t thread;
	struct audit_reader ar;
	struct key_count *keys;
	size_t n_keys;
	uint64_t dropped; /* records past MAX_KEYS keys */
	uint64_t lost;    /* the kernel's notices of lost records, as last seen */
};

static void
on_record(void *userdata, const struct audit_record *r, const struct audit_who *who)
{
	struct denials *d = userdata;
	char syscall[48], action[32];

	if (r->name)
		snprintf(syscall, sizeof(syscall), "%s", r->name);
	else
		snprintf(syscall, sizeof(syscall), "%u", r->syscall);
	audit_action_format(r->code, action, sizeof(action));
	pthread_mutex_lock(&d->lock);
	d->lost = d->ar.lost;
	for (size_t i = 0; i < d->n_keys; i++) {
		struct key_count *k = &d->keys[i];

		if (streq(k->container_id, who->container_id) && streq(k->syscall, syscall) &&
		    streq(k->action, action)) {
			k->count++;
			pthread_mutex_unlock(&d->lock);
			return;
		}
	}
	if (d->n_keys < MAX_KEYS) {
		struct key_count *k = &d->keys[d->n_keys++];

		snprintf(k->container_id, sizeof(k->container_id), "%s", who->container_id);
		snprintf(k->syscall, sizeof(k->syscall), "%s", syscall);
		snprintf(k->action, sizeof(k->action), "%s", action);
		k->count = 1;
	} else
		d->dropped++;
	pthread_mutex_unlock(&d->lock);
}

static void *
follow(void *userdata)
{
	struct denials *d = userdata;
	struct ksc_error *error = NULL;
	sigset_t mask;

	/* the server's thread takes SIGTERM and SIGINT */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	(void)audit_read_kmsg(&d->ar, true, &error);
	ksc_error_free(error);
	return NULL;
}

int
denials_start(struct denials **ret, struct ksc_error **reterr)
{
	struct denials *d = calloc(1, sizeof(*d));
	FILE *probe;

	if (!d || !(d->keys = calloc(MAX_KEYS, sizeof(*d->keys)))) {
		free(d);
		return -ENOMEM;
	}
	probe = fopen("/dev/kmsg", "re");
	if (!probe) {
		int r = -errno;

		free(d->keys);
		free(d);
		return ksc_error_setf(reterr, r, "/dev/kmsg: %s", strerror(-r));
	}
	fclose(probe);
	pthread_mutex_init(&d->lock, NULL);
	d->ar = (struct audit_reader){
		.select = { .pid = -1, .since = (double)time(NULL) },
		.on_record = on_record,
		.userdata = d,
	};
	if (pthread_create(&d->thread, NULL, follow, d) != 0) {
		free(d->keys);
		free(d);
		return ksc_error_setf(reterr, -EAGAIN, "cannot start the audit thread");
	}
	pthread_detach(d->thread);
	*ret = d;
	return 0;
}

void
denials_metrics(struct denials *d, const struct scan_row *rows, size_t n, struct strbuf *sb)
{
	strbuf_puts(sb, "# HELP kseccomp_denials_total Seccomp audit records (denials, and calls "
	                "a LOG action let through) by container, syscall and action, since the "
	                "server started.\n"
	                "# TYPE kseccomp_denials_total counter\n");
	pthread_mutex_lock(&d->lock);
	for (size_t i = 0; i < d->n_keys; i++) {
		const struct key_count *k = &d->keys[i];
		const struct scan_row *row = NULL;

		for (size_t r = 0; *k->container_id && r < n && !row; r++)
			if (streq(rows[r].id, k->container_id))
				row = &rows[r];
		strbuf_puts(sb, "kseccomp_denials_total{namespace=");
		metrics_put_label_value(sb, row ? row->namespace : "");
		strbuf_puts(sb, ",pod=");
		metrics_put_label_value(sb, row ? row->pod : "");
		strbuf_puts(sb, ",container=");
		metrics_put_label_value(sb, row ? row->container : "");
		strbuf_puts(sb, ",syscall=");
		metrics_put_label_value(sb, k->syscall);
		strbuf_puts(sb, ",action=");
		metrics_put_label_value(sb, k->action);
		strbuf_printf(sb, "} %" PRIu64 "\n", k->count);
	}
	strbuf_printf(sb,
	              "# HELP kseccomp_audit_lost_total The kernel's notices of audit records it "
	              "dropped (rate limit, backlog).\n"
	              "# TYPE kseccomp_audit_lost_total counter\n"
	              "kseccomp_audit_lost_total %" PRIu64 "\n"
	              "# HELP kseccomp_denials_uncounted_total Records past the distinct keys "
	              "kept.\n"
	              "# TYPE kseccomp_denials_uncounted_total counter\n"
	              "kseccomp_denials_uncounted_total %" PRIu64 "\n",
	              d->lost, d->dropped);
	pthread_mutex_unlock(&d->lock);
}

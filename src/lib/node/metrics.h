/* SPDX-License-Identifier: Apache-2.0 */
/*
 * metrics: node scan's findings in the Prometheus text format (version 0.0.4), and a small
 * HTTP server that answers GET /metrics with them.
 *
 *   kseccomp_containers{seccomp, verdict}            running containers by both
 *   kseccomp_container_verdict{namespace, pod, container, seccomp, verdict}   1 per container
 *   kseccomp_container_filters{namespace, pod, container}   filters of its main process
 *   kseccomp_scan_duration_seconds                   how long the last scan took
 *   kseccomp_scan_timestamp_seconds                  when it ended (Unix time)
 *   kseccomp_scan_errors_total                       scans that failed since the start
 *
 * and node sync's (from its status file):
 *
 *   kseccomp_sync_profiles{state}          installed, unchanged, rejected, removed by the
 *                                          last pass
 *   kseccomp_sync_last_timestamp_seconds   when the last pass ended (Unix time)
 *   kseccomp_sync_age_seconds              how long ago
 *   kseccomp_sync_failed                   1 when the last pass failed as a whole
 */
#pragma once

#include <signal.h>
#include <stdbool.h>

#include "scan.h"
#include "strbuf.h"

/* The scan's metrics, appended to sb. errors: failed scans so far. */
void scan_metrics(const struct scan_row *rows, size_t n, double duration, double timestamp,
                  unsigned long errors, struct strbuf *sb);

struct node_sync_status;

/* node sync's metrics from its last status (NULL: none written yet), at time now. */
void sync_metrics(const struct node_sync_status *st, double now, struct strbuf *sb);

/* A label value as the text format quotes it: backslash, double quote and newline escaped. */
void metrics_put_label_value(struct strbuf *sb, const char *s);

/* Fills sb with the body to serve; 0, or -errno (the client gets 500). */
typedef int (*metrics_collect_fn)(void *userdata, struct strbuf *sb);

/*
 * Serve GET /metrics on addr ("HOST:PORT", ":PORT" for every address, "[V6]:PORT") until
 * *stop is set (a signal handler sets it; the accept loop wakes up every 200 ms), one client
 * at a time, each given 5 s to send its request (at most 8 KiB). Other paths get 404, other
 * methods 405. on_listening (when not NULL) is told the bound port once it listens (":0"
 * picks one). 0 after a stop, or -errno with a message.
 */
int metrics_serve(const char *addr, metrics_collect_fn collect, void *userdata,
                  volatile sig_atomic_t *stop, void (*on_listening)(int port, void *userdata),
                  struct ksc_error **reterr);

/* SPDX-License-Identifier: Apache-2.0 */
/*
 * psa: Pod Security Admission's checks against pod-security-admission's own test data.
 *
 *   fixtures   every file of test/testdata (kube/psa-upstream): at each level and version,
 *              pass/ allowed, fail/ forbidden by exactly the check the file is named for
 *              (or the restricted check that replaces it at that version)
 *   units      the ForbiddenReason and ForbiddenDetail texts of policy/check_*_test.go, the
 *              version boundaries of each check, and the aggregated message
 *   decoding   values of the wrong JSON type count as forbidden, never as allowed
 *
 * Usage: test-psa FIXTURES_DIR
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "kube/kube.h"
#include "kube/psa.h"
#include "macro.h"
#include "tap.h"

static const char *fixtures;

/* ---------------------------------------------------------------------------------------- */
/* Upstream fixtures                                                                          */

/* The check IDs, which the fixture files carry lowercased. */
static const char *const check_ids[] = {
	"allowPrivilegeEscalation",
	"appArmorProfile",
	"capabilities_baseline",
	"capabilities_restricted",
	"hostNamespaces",
	"hostPathVolumes",
	"hostPorts",
	"hostProbesAndHostLifecycle",
	"privileged",
	"procMount",
	"procMount_restricted",
	"restrictedVolumes",
	"runAsNonRoot",
	"runAsUser",
	"seLinuxOptions",
	"seccompProfile_baseline",
	"seccompProfile_restricted",
	"sysctls",
	"windowsHostProcess",
};

/* At restricted, from version `since`, check `by` replaces baseline check `id`
 * (registry.go's overrides, as policy/check_*.go declare them). */
static const struct {
	const char *id, *by;
	unsigned since;
} overrides[] = {
	{ "hostPathVolumes", "restrictedVolumes", 0 },
	{ "seccompProfile_baseline", "seccompProfile_restricted", 19 },
	{ "capabilities_baseline", "capabilities_restricted", 22 },
	{ "procMount", "procMount_restricted", 35 },
};

/* The check a fail/ fixture is for: its name without the index and ".yaml". */
static const char *
fixture_check(const char *file, enum kube_psa_level level, unsigned minor)
{
	size_t len = strcspn(file, "0123456789.");
	const char *id = NULL;

	for (size_t i = 0; i < ELEMENTSOF(check_ids); i++)
		if (strlen(check_ids[i]) == len && strncasecmp(check_ids[i], file, len) == 0)
			id = check_ids[i];
	for (size_t i = 0; id && level == KUBE_PSA_RESTRICTED && i < ELEMENTSOF(overrides); i++)
		if (streq(overrides[i].id, id) && minor >= overrides[i].since)
			id = overrides[i].by;
	return id;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .yaml files of dir, sorted; NULL-terminated (free each and the array). */
static char **
list_yaml(const char *dir, size_t *ret_n)
{
	DIR *d = opendir(dir);
	char **v = calloc(1, sizeof(*v));
	size_t n = 0;
	struct dirent *e;

	*ret_n = 0;
	if (!d || !v) {
		if (d)
			closedir(d);
		free(v);
		return NULL;
	}
	while ((e = readdir(d))) {
		char **grown;

		if (!endswith(e->d_name, ".yaml"))
			continue;
		grown = reallocarray(v, n + 2, sizeof(*v));
		if (!grown)
			abort();
		v = grown;
		v[n] = strdup(e->d_name);
		if (!v[n])
			abort();
		v[++n] = NULL;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_names);
	*ret_n = n;
	return v;
}

static void
free_list(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/*
 * Some fail/ fixtures fail a second check along with theirs, by construction: upstream only
 * asks that the pod be refused with the check's message among the reasons. These are the
 * pairs its generators produce; any other second check is a bug here.
 *   windowsHostProcess + hostNamespaces: a hostProcess pod must use the host's network
 *   privileged + allowPrivilegeEscalation: the fixture unsets allowPrivilegeEscalation
 *   allowPrivilegeEscalation + capabilities_restricted: "nil securityContext" drops both
 */
static const struct {
	const char *check, *also;
} companions[] = {
	{ "windowsHostProcess", "hostNamespaces" },
	{ "privileged", "allowPrivilegeEscalation" },
	{ "allowPrivilegeEscalation", "capabilities_restricted" },
};

static unsigned n_companions_seen, n_companions_unexpected;

static void
note_companion(const char *check, const char *also, const char *path)
{
	for (size_t i = 0; i < ELEMENTSOF(companions); i++)
		if (streq(companions[i].check, check) && streq(companions[i].also, also)) {
			n_companions_seen++;
			return;
		}
	n_companions_unexpected++;
	tap_diagf("%s: also forbidden by %s", path, also);
}

/* Whether the fixture comes out as it should; says why not. */
static bool
fixture_ok(const char *path, const char *file, enum kube_psa_level level, unsigned minor, bool pass)
{
	_cleanup_(kube_manifest_freep) struct kube_manifest *m = NULL;
	struct kube_psa_result res = { 0 };
	struct ksc_error *e = NULL;
	const char *want = pass ? NULL : fixture_check(file, level, minor);
	bool good;

	if (kube_manifest_read(path, &m, &e) < 0 || m->n_pods != 1) {
		tap_diagf("%s: not one pod: %s", path, e ? ksc_error_message(e) : "");
		ksc_error_free(e);
		return false;
	}
	if (!pass && !want) {
		tap_diagf("%s: names no check", path);
		return false;
	}
	if (kube_psa_evaluate(&m->pods[0], level, minor, &res) < 0)
		return false;
	good = res.allowed == pass;
	if (!pass) {
		bool named = false;

		for (size_t i = 0; i < res.n; i++) {
			if (streq(res.v[i].check, want))
				named = true;
			else
				note_companion(want, res.v[i].check, path);
		}
		good = good && named;
	}
	if (!good) {
		char *msg = kube_psa_message(&res);

		tap_diagf("%s: %s%s%s%s", path,
		          res.allowed ? "allowed" : "forbidden: ", msg ? msg : "",
		          want ? ", expected only " : "", want ? want : "");
		for (size_t i = 0; i < res.n; i++)
			tap_diagf("  by %s", res.v[i].check);
		free(msg);
	}
	kube_psa_result_done(&res);
	return good;
}

/* One level: every version directory, pass/ and fail/. Returns the newest version seen. */
static unsigned
level_fixtures(const char *level_name, enum kube_psa_level level, size_t *total)
{
	unsigned minor;

	for (minor = 0;; minor++) {
		char dir[1024];
		struct stat st;

		snprintf(dir, sizeof(dir), "%s/kube/psa-upstream/%s/v1.%u", fixtures, level_name,
		         minor);
		if (stat(dir, &st) < 0)
			break;
		for (int pass = 1; pass >= 0; pass--) {
			char sub[1100], path[1400];
			size_t n = 0, good = 0;
			char **files;

			snprintf(sub, sizeof(sub), "%s/%s", dir, pass ? "pass" : "fail");
			files = list_yaml(sub, &n);
			for (size_t i = 0; i < n; i++) {
				snprintf(path, sizeof(path), "%s/%s", sub, files[i]);
				good += fixture_ok(path, files[i], level, minor, pass);
			}
			free_list(files);
			*total += n;
			ok(n > 0 && good == n, "%s v1.%u: %zu of %zu %s fixtures %s", level_name,
			   minor, good, n, pass ? "pass" : "fail",
			   pass ? "allowed" : "forbidden by their check");
		}
	}
	return minor == 0 ? 0 : minor - 1;
}

static void
upstream_fixtures(void)
{
	size_t total = 0;
	unsigned newest_baseline = level_fixtures("baseline", KUBE_PSA_BASELINE, &total);
	unsigned newest_restricted = level_fixtures("restricted", KUBE_PSA_RESTRICTED, &total);

	ok(total >= 4500, "%zu upstream fixtures evaluated", total);
	ok(n_companions_unexpected == 0,
	   "fail fixtures forbidden by a second check only as upstream builds them (%u times, "
	   "%u unexpected)",
	   n_companions_seen, n_companions_unexpected);
	is_int(kube_psa_latest_minor(), newest_baseline,
	       "latest is the newest version the fixtures have (v1.%u)", newest_baseline);
	is_int(newest_restricted, newest_baseline, "both levels have the same versions");
}

/* ---------------------------------------------------------------------------------------- */
/* Unit cases                                                                                 */

#define LATEST KUBE_PSA_LATEST
#define B      KUBE_PSA_BASELINE
#define R      KUBE_PSA_RESTRICTED

struct unit {
	const char *name;
	enum kube_psa_level level;
	unsigned minor;
	const char *yaml;
	const char *check;  /* the check looked at */
	const char *reason; /* NULL: that check allows the pod */
	const char *detail;
};

static const struct unit units[] = {
	/* privileged */
	{ "privileged", B, LATEST,
	  "kind: Pod\nspec: {containers: [{name: a}, {name: b, securityContext: {}},"
	  " {name: c, securityContext: {privileged: false}},"
	  " {name: d, securityContext: {privileged: true}},"
	  " {name: e, securityContext: {privileged: true}}]}",
	  "privileged", "privileged",
	  "containers \"d\", \"e\" must not set securityContext.privileged=true" },
	/* hostNamespaces */
	{ "host namespaces", B, LATEST,
	  "kind: Pod\nspec: {hostIPC: true, hostNetwork: true, hostPID: true}", "hostNamespaces",
	  "host namespaces", "hostNetwork=true, hostPID=true, hostIPC=true" },
	{ "host namespaces false", B, LATEST,
	  "kind: Pod\nspec: {hostIPC: false, hostNetwork: null}", "hostNamespaces", NULL, NULL },
	/* hostPathVolumes */
	{ "hostPath volumes", B, LATEST,
	  "kind: Pod\nspec: {volumes: [{name: a, hostPath: {}}, {name: b, hostPath: {path: /x}},"
	  " {name: c, emptyDir: {}}]}",
	  "hostPathVolumes", "hostPath volumes", "volumes \"a\", \"b\"" },
	/* hostPorts */
	{ "one host port", B, LATEST,
	  "kind: Pod\nspec: {containers: [{name: a, ports: [{hostPort: 0}]},"
	  " {name: b, ports: [{hostPort: 0}, {hostPort: 20}]}]}",
	  "hostPorts", "hostPort", "container \"b\" uses hostPort 20" },
	{ "several host ports", B, LATEST,
	  "kind: Pod\nspec: {containers: [{name: a, ports: [{hostPort: 0}]},"
	  " {name: b, ports: [{hostPort: 0}, {hostPort: 10}, {hostPort: 20}]},"
	  " {name: c, ports: [{hostPort: 0}, {hostPort: 10}, {hostPort: 30}]}]}",
	  "hostPorts", "hostPort", "containers \"b\", \"c\" use hostPorts 10, 20, 30" },
	{ "host ports sort as strings", B, LATEST,
	  "kind: Pod\nspec: {containers: [{name: a, ports: [{hostPort: 9}, {hostPort: 8080}]}]}",
	  "hostPorts", "hostPort", "container \"a\" uses hostPorts 8080, 9" },
	/* capabilities_baseline */
	{ "non-default capabilities", B, LATEST,
	  "kind: Pod\nspec: {containers: ["
	  "{name: a, securityContext: {capabilities: {add: [FOO, BAR]}}},"
	  " {name: b, securityContext: {capabilities: {add: [BAR, BAZ]}}},"
	  " {name: c, securityContext: {capabilities: {add: [CHOWN, NET_BIND_SERVICE]}}}]}",
	  "capabilities_baseline", "non-default capabilities",
	  "containers \"a\", \"b\" must not include \"BAR\", \"BAZ\", \"FOO\" in "
	  "securityContext.capabilities.add" },
	/* capabilities_restricted */
	{ "unrestricted capabilities", R, LATEST,
	  "kind: Pod\nspec: {containers: ["
	  "{name: a, securityContext: {capabilities: {add: [FOO, BAR]}}},"
	  " {name: b, securityContext: {capabilities: {add: [BAR, BAZ]}}},"
	  " {name: c, securityContext: {capabilities: {add: [NET_BIND_SERVICE, CHOWN],"
	  " drop: [ALL, FOO]}}}]}",
	  "capabilities_restricted", "unrestricted capabilities",
	  "containers \"a\", \"b\" must set securityContext.capabilities.drop=[\"ALL\"]; "
	  "containers "
	  "\"a\", \"b\", \"c\" must not include \"BAR\", \"BAZ\", \"CHOWN\", \"FOO\" in "
	  "securityContext.capabilities.add" },
	{ "capabilities: windows pod exempt from 1.25", R, 25,
	  "kind: Pod\nspec: {os: {name: windows}, containers: [{name: a}]}",
	  "capabilities_restricted", NULL, NULL },
	{ "capabilities: windows pod not exempt in 1.24", R, 24,
	  "kind: Pod\nspec: {os: {name: windows}, containers: [{name: a}]}",
	  "capabilities_restricted", "unrestricted capabilities",
	  "container \"a\" must set securityContext.capabilities.drop=[\"ALL\"]" },
	{ "capabilities: linux pod", R, LATEST,
	  "kind: Pod\nspec: {os: {name: linux}, containers: [{name: a}]}",
	  "capabilities_restricted", "unrestricted capabilities",
	  "container \"a\" must set securityContext.capabilities.drop=[\"ALL\"]" },
	{ "restricted before 1.22 uses the baseline capabilities check", R, 21,
	  "kind: Pod\nspec: {containers: [{name: a, securityContext: {capabilities: {add: "
	  "[FOO]}}}]}",
	  "capabilities_baseline", "non-default capabilities",
	  "container \"a\" must not include \"FOO\" in securityContext.capabilities.add" },
	/* allowPrivilegeEscalation */
	{ "allowPrivilegeEscalation", R, LATEST,
	  "kind: Pod\nspec: {containers: [{name: a},"
	  " {name: b, securityContext: {allowPrivilegeEscalation: null}},"
	  " {name: c, securityContext: {allowPrivilegeEscalation: true}},"
	  " {name: d, securityContext: {allowPrivilegeEscalation: false}}]}",
	  "allowPrivilegeEscalation", "allowPrivilegeEscalation != false",
	  "containers \"a\", \"b\", \"c\" must set "
	  "securityContext.allowPrivilegeEscalation=false" },
	{ "allowPrivilegeEscalation: windows pod", R, LATEST,
	  "kind: Pod\nspec: {os: {name: windows}, containers: [{name: a}]}",
	  "allowPrivilegeEscalation", NULL, NULL },
	{ "allowPrivilegeEscalation: windows pod in 1.24", R, 24,
	  "kind: Pod\nspec: {os: {name: windows}, containers: [{name: a}]}",
	  "allowPrivilegeEscalation", "allowPrivilegeEscalation != false",
	  "container \"a\" must set securityContext.allowPrivilegeEscalation=false" },
	{ "allowPrivilegeEscalation: no check before 1.8", R, 7,
	  "kind: Pod\nspec: {containers: [{name: a}]}", "allowPrivilegeEscalation", NULL, NULL },
	/* appArmorProfile */
	{ "AppArmor: allowed annotations", B, LATEST,
	  "kind: Pod\nmetadata: {annotations: {container.apparmor.security.beta.kubernetes.io/test:"
	  " runtime/default, env: prod}}\nspec: {}",
	  "appArmorProfile", NULL, NULL },
	{ "AppArmor: unconfined pod", B, LATEST,
	  "kind: Pod\nspec: {securityContext: {appArmorProfile: {type: Unconfined}}}",
	  "appArmorProfile", "forbidden AppArmor profile",
	  "pod must not set AppArmor profile type to \"Unconfined\"" },
	{ "AppArmor: unconfined container", B, LATEST,
	  "kind: Pod\nspec: {securityContext: {appArmorProfile: {type: RuntimeDefault}},"
	  " containers: [{name: foo, securityContext: {appArmorProfile: {type: Unconfined}}}]}",
	  "appArmorProfile", "forbidden AppArmor profile",
	  "container \"foo\" must not set AppArmor profile type to \"Unconfined\"" },
	{ "AppArmor: unconfined init container", B, LATEST,
	  "kind: Pod\nspec: {securityContext: {appArmorProfile: {type: RuntimeDefault}},"
	  " containers: [{name: foo}], initContainers: [{name: bar, securityContext:"
	  " {appArmorProfile: {type: Unconfined}}}]}",
	  "appArmorProfile", "forbidden AppArmor profile",
	  "container \"bar\" must not set AppArmor profile type to \"Unconfined\"" },
	{ "AppArmor: annotations", B, LATEST,
	  "kind: Pod\nmetadata:\n  annotations:\n"
	  "    container.apparmor.security.beta.kubernetes.io/: bogus\n"
	  "    container.apparmor.security.beta.kubernetes.io/a: ''\n"
	  "    container.apparmor.security.beta.kubernetes.io/b: runtime/default\n"
	  "    container.apparmor.security.beta.kubernetes.io/c: localhost/\n"
	  "    container.apparmor.security.beta.kubernetes.io/d: localhost/foo\n"
	  "    container.apparmor.security.beta.kubernetes.io/e: unconfined\n"
	  "    container.apparmor.security.beta.kubernetes.io/f: unknown\n"
	  "spec: {}",
	  "appArmorProfile", "forbidden AppArmor profiles",
	  "annotations must not set AppArmor profile type to "
	  "\"container.apparmor.security.beta.kubernetes.io/=\"bogus\"\", "
	  "\"container.apparmor.security.beta.kubernetes.io/e=\"unconfined\"\", "
	  "\"container.apparmor.security.beta.kubernetes.io/f=\"unknown\"\"" },
	{ "AppArmor: pod, container and annotation", B, LATEST,
	  "kind: Pod\nmetadata: {annotations: {container.apparmor.security.beta.kubernetes.io/a:"
	  " unconfined}}\nspec: {securityContext: {appArmorProfile: {type: Unconfined}},"
	  " containers: [{name: a, securityContext: {appArmorProfile: {}}}]}",
	  "appArmorProfile", "forbidden AppArmor profiles",
	  "pod and container \"a\" and annotation must not set AppArmor profile type to \"\", "
	  "\"Unconfined\", \"container.apparmor.security.beta.kubernetes.io/a=\"unconfined\"\"" },
	/* hostProbesAndHostLifecycle */
	{ "probe hosts", B, LATEST,
	  "kind: Pod\nspec: {containers: [{name: a, livenessProbe: {httpGet: {host: 127.0.0.1}},"
	  " readinessProbe: {tcpSocket: {host: '::1'}}, startupProbe: {httpGet: {host:"
	  " localhost}}}]}",
	  "hostProbesAndHostLifecycle", "probe or lifecycle host",
	  "container \"a\" uses probe or lifecycle hosts \"127.0.0.1\", \"::1\", \"localhost\"" },
	{ "probe hosts unset", B, LATEST,
	  "kind: Pod\nspec: {containers: [{name: a, livenessProbe: {httpGet: {}},"
	  " readinessProbe: {tcpSocket: {host: ''}}, lifecycle: {postStart: {httpGet: {}}}}]}",
	  "hostProbesAndHostLifecycle", NULL, NULL },
	{ "lifecycle hosts of several containers", B, LATEST,
	  "kind: Pod\nspec: {containers: [{name: valid},"
	  " {name: invalid1, livenessProbe: {httpGet: {host: a.com}}},"
	  " {name: invalid2, lifecycle: {preStop: {tcpSocket: {host: b.com}}},"
	  " startupProbe: {httpGet: {host: a.com}}}]}",
	  "hostProbesAndHostLifecycle", "probe or lifecycle host",
	  "containers \"invalid1\", \"invalid2\" use probe or lifecycle hosts \"a.com\", "
	  "\"b.com\"" },
	{ "prestop host", B, LATEST,
	  "kind: Pod\nspec: {containers: [{name: e, lifecycle: {preStop: {httpGet: {host:"
	  " another.invalid.host}}}}]}",
	  "hostProbesAndHostLifecycle", "probe or lifecycle host",
	  "container \"e\" uses probe or lifecycle host \"another.invalid.host\"" },
	{ "init container probe host", B, 34,
	  "kind: Pod\nspec: {initContainers: [{name: init, livenessProbe: {httpGet: {host:"
	  " invalid.init.host}}}]}",
	  "hostProbesAndHostLifecycle", "probe or lifecycle host",
	  "container \"init\" uses probe or lifecycle host \"invalid.init.host\"" },
	{ "probe hosts: no check before 1.34", B, 33,
	  "kind: Pod\nspec: {containers: [{name: a, startupProbe: {httpGet: {host: localhost}}}]}",
	  "hostProbesAndHostLifecycle", NULL, NULL },
	/* procMount */
	{ "procMount", B, LATEST,
	  "kind: Pod\nspec: {hostUsers: true, containers: [{name: a}, {name: b, securityContext: "
	  "{}},"
	  " {name: c, securityContext: {procMount: Default}},"
	  " {name: d, securityContext: {procMount: Unmasked}},"
	  " {name: e, securityContext: {procMount: other}}]}",
	  "procMount", "procMount",
	  "containers \"d\", \"e\" must not set securityContext.procMount to \"Unmasked\", "
	  "\"other\"" },
	{ "procMount in a user namespace", B, LATEST,
	  "kind: Pod\nspec: {hostUsers: false, containers: [{name: d, securityContext: {procMount:"
	  " Unmasked}}]}",
	  "procMount", NULL, NULL },
	{ "procMount in a user namespace before 1.35", B, 34,
	  "kind: Pod\nspec: {hostUsers: false, containers: [{name: d, securityContext: {procMount:"
	  " Unmasked}}]}",
	  "procMount", "procMount",
	  "container \"d\" must not set securityContext.procMount to \"Unmasked\"" },
	{ "procMount_restricted in a user namespace", R, LATEST,
	  "kind: Pod\nspec: {hostUsers: false, containers: [{name: d, securityContext: {procMount:"
	  " Unmasked}}, {name: e, securityContext: {procMount: other}}]}",
	  "procMount_restricted", "procMount",
	  "containers \"d\", \"e\" must not set securityContext.procMount to \"Unmasked\", "
	  "\"other\"" },
	/* restrictedVolumes */
	{ "restricted volume types", R, LATEST,
	  "kind: Pod\nspec:\n  volumes:\n"
	  "  - {name: a1, emptyDir: {}}\n  - {name: a2, secret: {}}\n"
	  "  - {name: a3, persistentVolumeClaim: {}}\n  - {name: a4, downwardAPI: {}}\n"
	  "  - {name: a5, configMap: {}}\n  - {name: a6, projected: {}}\n"
	  "  - {name: a7, csi: {}}\n  - {name: a8, ephemeral: {}}\n  - {name: a9, image: {}}\n"
	  "  - {name: b1, hostPath: {}}\n  - {name: b2, gcePersistentDisk: {}}\n"
	  "  - {name: b3, awsElasticBlockStore: {}}\n  - {name: b4, gitRepo: {}}\n"
	  "  - {name: b5, nfs: {}}\n  - {name: b6, iscsi: {}}\n  - {name: b7, glusterfs: {}}\n"
	  "  - {name: b8, rbd: {}}\n  - {name: b9, flexVolume: {}}\n  - {name: b10, cinder: {}}\n"
	  "  - {name: b11, cephfs: {}}\n  - {name: b12, flocker: {}}\n  - {name: b13, fc: {}}\n"
	  "  - {name: b14, azureFile: {}}\n  - {name: b15, vsphereVolume: {}}\n"
	  "  - {name: b16, quobyte: {}}\n  - {name: b17, azureDisk: {}}\n"
	  "  - {name: b18, photonPersistentDisk: {}}\n  - {name: b19, portworxVolume: {}}\n"
	  "  - {name: b20, scaleIO: {}}\n  - {name: b21, storageos: {}}\n"
	  "  - {name: c1, emptyDir: []}\n",
	  "restrictedVolumes", "restricted volume types",
	  "volumes \"b1\", \"b2\", \"b3\", \"b4\", \"b5\", \"b6\", \"b7\", \"b8\", \"b9\", "
	  "\"b10\", "
	  "\"b11\", \"b12\", \"b13\", \"b14\", \"b15\", \"b16\", \"b17\", \"b18\", \"b19\", "
	  "\"b20\", "
	  "\"b21\", \"c1\" use restricted volume types \"awsElasticBlockStore\", \"azureDisk\", "
	  "\"azureFile\", \"cephfs\", \"cinder\", \"fc\", \"flexVolume\", \"flocker\", "
	  "\"gcePersistentDisk\", \"gitRepo\", \"glusterfs\", \"hostPath\", \"iscsi\", \"nfs\", "
	  "\"photonPersistentDisk\", \"portworxVolume\", \"quobyte\", \"rbd\", \"scaleIO\", "
	  "\"storageos\", \"unknown\", \"vsphereVolume\"" },
	/* the library's own test has a volume without a source as "unknown"; the API server
	 * defaults that to an emptyDir before admission sees it (the upstream fixture
	 * restrictedvolumes0 passes with one) */
	{ "a volume without a source is an emptyDir", R, LATEST,
	  "kind: Pod\nspec: {volumes: [{name: v}, {name: w, unknownSource: {}}]}",
	  "restrictedVolumes", NULL, NULL },
	{ "hostNetwork defaults a Pod's hostPorts", B, LATEST,
	  "kind: Pod\nspec: {hostNetwork: true, containers: [{name: a, ports: [{containerPort:"
	  " 8080}, {containerPort: 80, hostPort: 81}]}], initContainers: [{name: i, ports:"
	  " [{containerPort: 9, hostPort: 0}]}], ephemeralContainers: [{name: e, ports:"
	  " [{containerPort: 7}]}]}",
	  "hostPorts", "hostPort", "containers \"i\", \"a\" use hostPorts 8080, 81, 9" },
	{ "hostNetwork does not default a template's hostPorts", B, LATEST,
	  "kind: Deployment\nspec: {template: {spec: {hostNetwork: true, containers: [{name: a,"
	  " ports: [{containerPort: 8080}]}]}}}",
	  "hostPorts", NULL, NULL },
	{ "one restricted volume", R, LATEST,
	  "kind: Pod\nspec: {volumes: [{name: v, nfs: {server: x}}]}", "restrictedVolumes",
	  "restricted volume types", "volume \"v\" uses restricted volume type \"nfs\"" },
	/* runAsNonRoot */
	{ "runAsNonRoot unset", R, LATEST, "kind: Pod\nspec: {containers: [{name: a}]}",
	  "runAsNonRoot", "runAsNonRoot != true",
	  "pod or container \"a\" must set securityContext.runAsNonRoot=true" },
	{ "runAsNonRoot false on the pod", R, LATEST,
	  "kind: Pod\nspec: {securityContext: {runAsNonRoot: false}, containers: [{name: a}]}",
	  "runAsNonRoot", "runAsNonRoot != true",
	  "pod must not set securityContext.runAsNonRoot=false" },
	{ "runAsNonRoot false on containers", R, LATEST,
	  "kind: Pod\nspec: {securityContext: {runAsNonRoot: true}, containers: [{name: a},"
	  " {name: b, securityContext: {}}, {name: c, securityContext: {runAsNonRoot: false}},"
	  " {name: d, securityContext: {runAsNonRoot: false}},"
	  " {name: e, securityContext: {runAsNonRoot: true}}]}",
	  "runAsNonRoot", "runAsNonRoot != true",
	  "containers \"c\", \"d\" must not set securityContext.runAsNonRoot=false" },
	{ "runAsNonRoot falls through to containers", R, LATEST,
	  "kind: Pod\nspec: {containers: [{name: a}, {name: b, securityContext: {}},"
	  " {name: d, securityContext: {runAsNonRoot: true}},"
	  " {name: e, securityContext: {runAsNonRoot: true}}]}",
	  "runAsNonRoot", "runAsNonRoot != true",
	  "pod or containers \"a\", \"b\" must set securityContext.runAsNonRoot=true" },
	{ "runAsNonRoot: pod and containers false", R, LATEST,
	  "kind: Pod\nspec: {securityContext: {runAsNonRoot: false}, containers: [{name: a,"
	  " securityContext: {runAsNonRoot: false}}]}",
	  "runAsNonRoot", "runAsNonRoot != true",
	  "pod and container \"a\" must not set securityContext.runAsNonRoot=false" },
	{ "runAsNonRoot: user namespace", R, LATEST,
	  "kind: Pod\nspec: {hostUsers: false, containers: [{name: a}]}", "runAsNonRoot", NULL,
	  NULL },
	{ "runAsNonRoot: user namespace before 1.35", R, 34,
	  "kind: Pod\nspec: {hostUsers: false, containers: [{name: a}]}", "runAsNonRoot",
	  "runAsNonRoot != true",
	  "pod or container \"a\" must set securityContext.runAsNonRoot=true" },
	/* runAsUser */
	{ "runAsUser 0 on the pod", R, LATEST,
	  "kind: Pod\nspec: {securityContext: {runAsUser: 0}, containers: [{name: a}]}",
	  "runAsUser", "runAsUser=0", "pod must not set runAsUser=0" },
	{ "runAsUser non-zero", R, LATEST,
	  "kind: Pod\nspec: {securityContext: {runAsUser: 1000}, containers: [{name: a}]}",
	  "runAsUser", NULL, NULL },
	{ "runAsUser 0 on containers", R, LATEST,
	  "kind: Pod\nspec: {securityContext: {runAsUser: 1000}, containers: [{name: a},"
	  " {name: b, securityContext: {}}, {name: c, securityContext: {runAsUser: 0}},"
	  " {name: d, securityContext: {runAsUser: 0}}, {name: e, securityContext: {runAsUser:"
	  " 1}}]}",
	  "runAsUser", "runAsUser=0", "containers \"c\", \"d\" must not set runAsUser=0" },
	{ "runAsUser: no check before 1.23", R, 22,
	  "kind: Pod\nspec: {securityContext: {runAsUser: 0}}", "runAsUser", NULL, NULL },
	{ "runAsUser: user namespace", R, LATEST,
	  "kind: Pod\nspec: {hostUsers: false, securityContext: {runAsUser: 0}}", "runAsUser", NULL,
	  NULL },
	/* seLinuxOptions */
	{ "SELinux: pod and containers", B, LATEST,
	  "kind: Pod\nspec: {securityContext: {seLinuxOptions: {type: foo, user: bar, role: baz}},"
	  " containers: [{name: a, securityContext: {seLinuxOptions: {type: container_t}}},"
	  " {name: b, securityContext: {seLinuxOptions: {type: container_init_t}}},"
	  " {name: c, securityContext: {seLinuxOptions: {type: container_kvm_t}}},"
	  " {name: d, securityContext: {seLinuxOptions: {type: container_engine_t}}},"
	  " {name: e, securityContext: {seLinuxOptions: {type: bar}}},"
	  " {name: f, securityContext: {seLinuxOptions: {user: bar}}},"
	  " {name: g, securityContext: {seLinuxOptions: {role: baz}}}]}",
	  "seLinuxOptions", "seLinuxOptions",
	  "pod and containers \"e\", \"f\", \"g\" set forbidden securityContext.seLinuxOptions: "
	  "types \"bar\", \"foo\"; user may not be set; role may not be set" },
	{ "SELinux: container_engine_t before 1.31", B, 30,
	  "kind: Pod\nspec: {containers: [{name: d, securityContext: {seLinuxOptions: {type:"
	  " container_engine_t}}}]}",
	  "seLinuxOptions", "seLinuxOptions",
	  "container \"d\" set forbidden securityContext.seLinuxOptions: type "
	  "\"container_engine_t\"" },
	{ "SELinux: pod", B, LATEST,
	  "kind: Pod\nspec: {securityContext: {seLinuxOptions: {type: foo, user: bar, role: baz}},"
	  " containers: [{name: a, securityContext: {seLinuxOptions: {type: container_t}}}]}",
	  "seLinuxOptions", "seLinuxOptions",
	  "pod set forbidden securityContext.seLinuxOptions: type \"foo\"; user may not be set; "
	  "role may not be set" },
	{ "SELinux: containers", B, LATEST,
	  "kind: Pod\nspec: {securityContext: {seLinuxOptions: {}},"
	  " containers: [{name: e, securityContext: {seLinuxOptions: {type: bar}}},"
	  " {name: f, securityContext: {seLinuxOptions: {user: bar}}},"
	  " {name: g, securityContext: {seLinuxOptions: {role: baz}}}]}",
	  "seLinuxOptions", "seLinuxOptions",
	  "containers \"e\", \"f\", \"g\" set forbidden securityContext.seLinuxOptions: type "
	  "\"bar\"; user may not be set; role may not be set" },
	{ "SELinux: bad user", B, LATEST,
	  "kind: Pod\nspec: {securityContext: {seLinuxOptions: {user: bad}}}", "seLinuxOptions",
	  "seLinuxOptions",
	  "pod set forbidden securityContext.seLinuxOptions: user may not be set" },
	{ "SELinux: bad role", B, LATEST,
	  "kind: Pod\nspec: {securityContext: {seLinuxOptions: {role: bad}}}", "seLinuxOptions",
	  "seLinuxOptions",
	  "pod set forbidden securityContext.seLinuxOptions: role may not be set" },
	/* seccompProfile_baseline */
	{ "seccomp annotation of the pod", B, 18,
	  "kind: Pod\nmetadata: {annotations: {seccomp.security.alpha.kubernetes.io/pod:"
	  " unconfined}}\nspec: {}",
	  "seccompProfile_baseline", "seccompProfile",
	  "forbidden annotation seccomp.security.alpha.kubernetes.io/pod=\"unconfined\"" },
	{ "seccomp annotations of containers", B, 18,
	  "kind: Pod\nmetadata: {annotations: {container.seccomp.security.alpha.kubernetes.io/a:"
	  " unconfined, container.seccomp.security.alpha.kubernetes.io/b: unknown,"
	  " container.seccomp.security.alpha.kubernetes.io/x: unknown}}\n"
	  "spec: {containers: [{name: a}, {name: b}, {name: c}]}",
	  "seccompProfile_baseline", "seccompProfile",
	  "forbidden annotations container.seccomp.security.alpha.kubernetes.io/a=\"unconfined\", "
	  "container.seccomp.security.alpha.kubernetes.io/b=\"unknown\"" },
	{ "seccomp annotations of pod and containers", B, 0,
	  "kind: Pod\nmetadata: {annotations: {seccomp.security.alpha.kubernetes.io/pod:"
	  " unconfined, container.seccomp.security.alpha.kubernetes.io/a: unconfined,"
	  " container.seccomp.security.alpha.kubernetes.io/b: unknown}}\n"
	  "spec: {containers: [{name: a}, {name: b}, {name: c}]}",
	  "seccompProfile_baseline", "seccompProfile",
	  "forbidden annotations container.seccomp.security.alpha.kubernetes.io/a=\"unconfined\", "
	  "container.seccomp.security.alpha.kubernetes.io/b=\"unknown\", "
	  "seccomp.security.alpha.kubernetes.io/pod=\"unconfined\"" },
	{ "seccomp annotations allowed", B, 18,
	  "kind: Pod\nmetadata: {annotations: {seccomp.security.alpha.kubernetes.io/pod:"
	  " runtime/default, container.seccomp.security.alpha.kubernetes.io/a: docker/default,"
	  " container.seccomp.security.alpha.kubernetes.io/b: localhost/x}}\n"
	  "spec: {containers: [{name: a}, {name: b}]}",
	  "seccompProfile_baseline", NULL, NULL },
	{ "seccomp annotations ignored from 1.19", B, 19,
	  "kind: Pod\nmetadata: {annotations: {seccomp.security.alpha.kubernetes.io/pod:"
	  " unconfined}}\nspec: {}",
	  "seccompProfile_baseline", NULL, NULL },
	{ "seccomp: pod field", B, LATEST,
	  "kind: Pod\nspec: {securityContext: {seccompProfile: {type: Unconfined}}, containers:"
	  " [{name: a}]}",
	  "seccompProfile_baseline", "seccompProfile",
	  "pod must not set securityContext.seccompProfile.type to \"Unconfined\"" },
	{ "seccomp: container fields", B, LATEST,
	  "kind: Pod\nspec: {securityContext: {seccompProfile: {type: RuntimeDefault}}, containers:"
	  " [{name: a}, {name: b, securityContext: {}},"
	  " {name: c, securityContext: {seccompProfile: {type: Unconfined}}},"
	  " {name: d, securityContext: {seccompProfile: {type: Unconfined}}},"
	  " {name: e, securityContext: {seccompProfile: {type: RuntimeDefault}}},"
	  " {name: f, securityContext: {seccompProfile: {type: RuntimeDefault}}}]}",
	  "seccompProfile_baseline", "seccompProfile",
	  "containers \"c\", \"d\" must not set securityContext.seccompProfile.type to "
	  "\"Unconfined\"" },
	{ "seccomp: pod and container fields", B, 19,
	  "kind: Pod\nspec: {securityContext: {seccompProfile: {type: Unconfined}}, containers:"
	  " [{name: a}, {name: c, securityContext: {seccompProfile: {type: Unconfined}}},"
	  " {name: d, securityContext: {seccompProfile: {type: Unconfined}}}]}",
	  "seccompProfile_baseline", "seccompProfile",
	  "pod and containers \"c\", \"d\" must not set securityContext.seccompProfile.type to "
	  "\"Unconfined\"" },
	/* seccompProfile_restricted */
	{ "seccomp unset", R, LATEST, "kind: Pod\nspec: {containers: [{name: a}]}",
	  "seccompProfile_restricted", "seccompProfile",
	  "pod or container \"a\" must set securityContext.seccompProfile.type to "
	  "\"RuntimeDefault\" or \"Localhost\"" },
	{ "seccomp unset, windows pod", R, LATEST,
	  "kind: Pod\nspec: {os: {name: windows}, containers: [{name: a}]}",
	  "seccompProfile_restricted", NULL, NULL },
	{ "seccomp unset, windows pod in 1.24", R, 24,
	  "kind: Pod\nspec: {os: {name: windows}, containers: [{name: a}]}",
	  "seccompProfile_restricted", "seccompProfile",
	  "pod or container \"a\" must set securityContext.seccompProfile.type to "
	  "\"RuntimeDefault\" or \"Localhost\"" },
	{ "seccomp unset, linux pod", R, LATEST,
	  "kind: Pod\nspec: {os: {name: linux}, containers: [{name: a}]}",
	  "seccompProfile_restricted", "seccompProfile",
	  "pod or container \"a\" must set securityContext.seccompProfile.type to "
	  "\"RuntimeDefault\" or \"Localhost\"" },
	{ "seccomp: restricted pod field", R, LATEST,
	  "kind: Pod\nspec: {securityContext: {seccompProfile: {type: Unconfined}}, containers:"
	  " [{name: a}]}",
	  "seccompProfile_restricted", "seccompProfile",
	  "pod must not set securityContext.seccompProfile.type to \"Unconfined\"" },
	{ "seccomp: restricted falls through to containers", R, LATEST,
	  "kind: Pod\nspec: {containers: [{name: a}, {name: b, securityContext: {}},"
	  " {name: d, securityContext: {seccompProfile: {type: RuntimeDefault}}},"
	  " {name: e, securityContext: {seccompProfile: {type: Localhost, localhostProfile:"
	  " x.json}}}]}",
	  "seccompProfile_restricted", "seccompProfile",
	  "pod or containers \"a\", \"b\" must set securityContext.seccompProfile.type to "
	  "\"RuntimeDefault\" or \"Localhost\"" },
	{ "seccomp: restricted before 1.19 checks the annotations", R, 18,
	  "kind: Pod\nmetadata: {annotations: {seccomp.security.alpha.kubernetes.io/pod:"
	  " unconfined}}\nspec: {containers: [{name: a}]}",
	  "seccompProfile_baseline", "seccompProfile",
	  "forbidden annotation seccomp.security.alpha.kubernetes.io/pod=\"unconfined\"" },
	/* sysctls */
	{ "sysctls", B, LATEST,
	  "kind: Pod\nspec: {securityContext: {sysctls: [{name: a}, {name: b},"
	  " {name: kernel.shm_rmid_forced}, {name: a}]}}",
	  "sysctls", "forbidden sysctls", "a, b, a" },
	{ "sysctl ip_local_reserved_ports before 1.27", B, 26,
	  "kind: Pod\nspec: {securityContext: {sysctls: [{name: net.ipv4.ip_local_reserved_ports,"
	  " value: 1024-4999}]}}",
	  "sysctls", "forbidden sysctls", "net.ipv4.ip_local_reserved_ports" },
	{ "sysctl ip_local_reserved_ports from 1.27", B, 27,
	  "kind: Pod\nspec: {securityContext: {sysctls: [{name: net.ipv4.ip_local_reserved_ports,"
	  " value: 1024-4999}]}}",
	  "sysctls", NULL, NULL },
	{ "sysctl tcp_keepalive_time before 1.29", B, 28,
	  "kind: Pod\nspec: {securityContext: {sysctls: [{name: net.ipv4.tcp_keepalive_time,"
	  " value: '7200'}]}}",
	  "sysctls", "forbidden sysctls", "net.ipv4.tcp_keepalive_time" },
	{ "sysctl tcp_keepalive_probes from 1.29", B, 29,
	  "kind: Pod\nspec: {securityContext: {sysctls: [{name: net.ipv4.tcp_keepalive_probes,"
	  " value: '9'}]}}",
	  "sysctls", NULL, NULL },
	{ "sysctl tcp_rmem before 1.32", B, 31,
	  "kind: Pod\nspec: {securityContext: {sysctls: [{name: net.ipv4.tcp_rmem, value: x}]}}",
	  "sysctls", "forbidden sysctls", "net.ipv4.tcp_rmem" },
	{ "sysctl tcp_wmem from 1.32", B, 32,
	  "kind: Pod\nspec: {securityContext: {sysctls: [{name: net.ipv4.tcp_wmem, value: x}]}}",
	  "sysctls", NULL, NULL },
	{ "sysctl tcp_notsent_lowat before 1.37", B, 36,
	  "kind: Pod\nspec: {securityContext: {sysctls: [{name: net.ipv4.tcp_notsent_lowat,"
	  " value: '1'}]}}",
	  "sysctls", "forbidden sysctls", "net.ipv4.tcp_notsent_lowat" },
	{ "sysctl tcp_slow_start_after_idle from 1.37", B, 37,
	  "kind: Pod\nspec: {securityContext: {sysctls: [{name: net.ipv4.tcp_slow_start_after_idle,"
	  " value: '0'}]}}",
	  "sysctls", NULL, NULL },
	/* windowsHostProcess */
	{ "hostProcess", B, LATEST,
	  "kind: Pod\nspec: {securityContext: {windowsOptions: {hostProcess: true}}, containers:"
	  " [{name: a}, {name: b, securityContext: {}},"
	  " {name: c, securityContext: {windowsOptions: {}}},"
	  " {name: d, securityContext: {windowsOptions: {hostProcess: false}}},"
	  " {name: e, securityContext: {windowsOptions: {hostProcess: true}}},"
	  " {name: f, securityContext: {windowsOptions: {hostProcess: true}}}]}",
	  "windowsHostProcess", "hostProcess",
	  "pod and containers \"e\", \"f\" must not set "
	  "securityContext.windowsOptions.hostProcess=true" },
	/* containers are visited init, regular, ephemeral */
	{ "visiting order", B, LATEST,
	  "kind: Pod\nspec: {ephemeralContainers: [{name: eph, securityContext: {privileged: "
	  "true}}],"
	  " containers: [{name: ctr, securityContext: {privileged: true}}],"
	  " initContainers: [{name: ini, securityContext: {privileged: true}}]}",
	  "privileged", "privileged",
	  "containers \"ini\", \"ctr\", \"eph\" must not set securityContext.privileged=true" },
	/* a workload's pod template: its annotations and spec */
	{ "deployment template", B, 18,
	  "kind: Deployment\nmetadata: {annotations: {seccomp.security.alpha.kubernetes.io/pod:"
	  " runtime/default}}\nspec: {template: {metadata: {annotations:"
	  " {seccomp.security.alpha.kubernetes.io/pod: unconfined}}, spec: {}}}",
	  "seccompProfile_baseline", "seccompProfile",
	  "forbidden annotation seccomp.security.alpha.kubernetes.io/pod=\"unconfined\"" },
	/* Go's %q in annotation details */
	{ "annotation value quoted as Go does", B, 18,
	  "kind: Pod\nmetadata: {annotations: {seccomp.security.alpha.kubernetes.io/pod:"
	  " \"a\\tb\\x01\\\"\\\\\\u00e9\\u00a0\\u200b\\U0001F600\"}}\nspec: {}",
	  "seccompProfile_baseline", "seccompProfile",
	  "forbidden annotation seccomp.security.alpha.kubernetes.io/pod="
	  "\"a\\tb\\x01\\\"\\\\\xc3\xa9\\u00a0\\u200b\xf0\x9f\x98\x80\"" },
	/* values of the wrong JSON type, which the API server would not decode */
	{ "wrong type: hostNetwork string", B, LATEST, "kind: Pod\nspec: {hostNetwork: 'false'}",
	  "hostNamespaces", "host namespaces", "hostNetwork=true" },
	{ "wrong type: hostPort string", B, LATEST,
	  "kind: Pod\nspec: {containers: [{name: a, ports: [{hostPort: '0'}]}]}", "hostPorts",
	  "hostPort", "container \"a\" uses hostPort 0" },
	{ "wrong type: hostPort fraction", B, LATEST,
	  "kind: Pod\nspec: {containers: [{name: a, ports: [{hostPort: 0.5}]}]}", "hostPorts",
	  "hostPort", "container \"a\" uses hostPort 0.5" },
	{ "wrong type: hostPort out of int32", B, LATEST,
	  "kind: Pod\nspec: {containers: [{name: a, ports: [{hostPort: 4294967296}]}]}",
	  "hostPorts", "hostPort", "container \"a\" uses hostPort 4294967296" },
	{ "negative hostPort", B, LATEST,
	  "kind: Pod\nspec: {containers: [{name: a, ports: [{hostPort: -1}]}]}", "hostPorts",
	  "hostPort", "container \"a\" uses hostPort -1" },
	{ "wrong type: procMount number", B, LATEST,
	  "kind: Pod\nspec: {containers: [{name: a, securityContext: {procMount: 5}}]}",
	  "procMount", "procMount",
	  "container \"a\" must not set securityContext.procMount to \"5\"" },
	{ "wrong type: hostUsers string is no user namespace", R, LATEST,
	  "kind: Pod\nspec: {hostUsers: 'false', containers: [{name: a}]}", "runAsNonRoot",
	  "runAsNonRoot != true",
	  "pod or container \"a\" must set securityContext.runAsNonRoot=true" },
	{ "wrong type: runAsNonRoot string", R, LATEST,
	  "kind: Pod\nspec: {containers: [{name: a, securityContext: {runAsNonRoot: 'true'}}]}",
	  "runAsNonRoot", "runAsNonRoot != true",
	  "container \"a\" must not set securityContext.runAsNonRoot=false" },
	{ "wrong type: hostPath string", B, LATEST,
	  "kind: Pod\nspec: {volumes: [{name: v, hostPath: /etc}]}", "hostPathVolumes",
	  "hostPath volumes", "volume \"v\"" },
	{ "wrong type: emptyDir string", R, LATEST,
	  "kind: Pod\nspec: {volumes: [{name: v, emptyDir: x}]}", "restrictedVolumes",
	  "restricted volume types", "volume \"v\" uses restricted volume type \"unknown\"" },
	{ "wrong type: volumes not a list", B, LATEST, "kind: Pod\nspec: {volumes: {name: v}}",
	  "hostPathVolumes", "hostPath volumes", "volume \"\"" },
	{ "wrong type: sysctls name number", B, LATEST,
	  "kind: Pod\nspec: {securityContext: {sysctls: [{name: 1}]}}", "sysctls",
	  "forbidden sysctls", "1" },
	{ "wrong type: probe host number", B, LATEST,
	  "kind: Pod\nspec: {containers: [{name: a, livenessProbe: {tcpSocket: {host: 7}}}]}",
	  "hostProbesAndHostLifecycle", "probe or lifecycle host",
	  "container \"a\" uses probe or lifecycle host \"7\"" },
	{ "wrong type: seLinuxOptions user number", B, LATEST,
	  "kind: Pod\nspec: {securityContext: {seLinuxOptions: {user: 0}}}", "seLinuxOptions",
	  "seLinuxOptions",
	  "pod set forbidden securityContext.seLinuxOptions: user may not be set" },
	{ "wrong type: windowsOptions string", B, LATEST,
	  "kind: Pod\nspec: {securityContext: {windowsOptions: x}}", "windowsHostProcess",
	  "hostProcess", "pod must not set securityContext.windowsOptions.hostProcess=true" },
	{ "wrong type: appArmorProfile type number", B, LATEST,
	  "kind: Pod\nspec: {securityContext: {appArmorProfile: {type: 1}}}", "appArmorProfile",
	  "forbidden AppArmor profile", "pod must not set AppArmor profile type to \"1\"" },
	{ "wrong type: AppArmor annotation number", B, LATEST,
	  "kind: Pod\nmetadata: {annotations: {container.apparmor.security.beta.kubernetes.io/a:"
	  " 1}}\nspec: {}",
	  "appArmorProfile", "forbidden AppArmor profile",
	  "annotation must not set AppArmor profile type to "
	  "\"container.apparmor.security.beta.kubernetes.io/a=\"1\"\"" },
};

static struct kube_manifest *
parse(const char *name, const char *yaml)
{
	struct kube_manifest *m = NULL;
	struct ksc_error *e = NULL;

	if (kube_manifest_parse(name, yaml, strlen(yaml), &m, &e) < 0) {
		tap_diagf("%s: %s", name, e ? ksc_error_message(e) : "?");
		ksc_error_free(e);
		return NULL;
	}
	if (m->n_pods != 1) {
		tap_diagf("%s: %zu pods", name, m->n_pods);
		kube_manifest_free(m);
		return NULL;
	}
	return m;
}

static void
unit_cases(void)
{
	for (size_t i = 0; i < ELEMENTSOF(units); i++) {
		const struct unit *u = &units[i];
		_cleanup_(kube_manifest_freep) struct kube_manifest *m = parse(u->name, u->yaml);
		struct kube_psa_result res = { 0 };
		const struct kube_psa_violation *found = NULL;
		char version[16] = "latest";

		if (u->minor != LATEST)
			snprintf(version, sizeof(version), "v1.%u", u->minor);
		if (!m || kube_psa_evaluate(&m->pods[0], u->level, u->minor, &res) < 0) {
			ok(false, "%s: evaluated", u->name);
			continue;
		}
		for (size_t k = 0; k < res.n; k++)
			if (streq(res.v[k].check, u->check))
				found = &res.v[k];
		if (!u->reason)
			ok(!found, "%s (%s): %s allows: %s", u->name, version, u->check,
			   found ? found->detail : "");
		else if (ok(found, "%s (%s): %s forbids", u->name, version, u->check)) {
			is_str(found->reason, u->reason, "%s: reason", u->name);
			is_str(found->detail, u->detail, "%s: detail", u->name);
		}
		kube_psa_result_done(&res);
	}
}

/* The aggregated message, as the admission controller prints it after
 * `violates PodSecurity "LEVEL:VERSION": `. */
static void
aggregation(void)
{
	static const struct {
		const char *name;
		enum kube_psa_level level;
		const char *yaml, *message;
	} cases[] = {
		{ "baseline: two checks, sorted by ID", B,
		  "kind: Pod\nspec: {hostNetwork: true, containers: [{name: a, securityContext:"
		  " {privileged: true}}]}",
		  "host namespaces (hostNetwork=true), privileged (container \"a\" must not set "
		  "securityContext.privileged=true)" },
		{ "restricted: baseline checks first, then restricted ones", R,
		  "kind: Pod\nspec: {hostPID: true, containers: [{name: a}]}",
		  "host namespaces (hostPID=true), allowPrivilegeEscalation != false (container "
		  "\"a\" "
		  "must set securityContext.allowPrivilegeEscalation=false), unrestricted "
		  "capabilities (container \"a\" must set "
		  "securityContext.capabilities.drop=[\"ALL\"]), "
		  "runAsNonRoot != true (pod or container \"a\" must set "
		  "securityContext.runAsNonRoot=true), seccompProfile (pod or container \"a\" must "
		  "set "
		  "securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")" },
		{ "allowed: empty", R,
		  "kind: Pod\nspec: {securityContext: {runAsNonRoot: true, seccompProfile: {type:"
		  " RuntimeDefault}}, containers: [{name: a, securityContext:"
		  " {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]}",
		  "" },
	};

	for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
		_cleanup_(kube_manifest_freep) struct kube_manifest *m =
		        parse(cases[i].name, cases[i].yaml);
		struct kube_psa_result res = { 0 };
		char *msg = NULL;

		if (m && kube_psa_evaluate(&m->pods[0], cases[i].level, LATEST, &res) == 0)
			msg = kube_psa_message(&res);
		is_str(msg, cases[i].message, "message: %s", cases[i].name);
		is_int(res.allowed, !*cases[i].message, "%s: allowed is %s", cases[i].name,
		       *cases[i].message ? "false" : "true");
		free(msg);
		kube_psa_result_done(&res);
	}

	/* a detail that is empty leaves the reason alone */
	{
		struct kube_psa_violation v[] = {
			{ "x", "first", (char *)"" },
			{ "y", "second", (char *)"why" },
		};
		struct kube_psa_result res = { .allowed = false, .v = v, .n = 2 };
		char *msg = kube_psa_message(&res);

		is_str(msg, "first, second (why)", "message: a reason without detail");
		free(msg);
	}
}

static void
versions(void)
{
	_cleanup_(kube_manifest_freep) struct kube_manifest *m =
	        parse("versions", "kind: Pod\nspec: {containers: [{name: a, livenessProbe:"
	                          " {httpGet: {host: h}}}]}");
	struct kube_psa_result res = { 0 };
	unsigned latest = kube_psa_latest_minor();

	if (!m) {
		ok(false, "versions: parsed");
		return;
	}
	ok(latest >= 37, "the newest policy version is v1.%u", latest);
	/* a version newer than the newest known one is the newest */
	ok(kube_psa_evaluate(&m->pods[0], B, latest + 5, &res) == 0 && res.n == 1,
	   "v1.%u evaluates as v1.%u", latest + 5, latest);
	kube_psa_result_done(&res);
	ok(kube_psa_evaluate(&m->pods[0], B, 0, &res) == 0 && res.allowed,
	   "v1.0 is v1.0, not latest");
	kube_psa_result_done(&res);
	is_int(kube_psa_evaluate(&m->pods[0], (enum kube_psa_level)0, LATEST, &res), -EINVAL,
	       "an unknown level is refused");
	is_int(kube_psa_evaluate(&m->pods[0], (enum kube_psa_level)3, LATEST, &res), -EINVAL,
	       "level 3 is refused");
}

/* A pod without a spec, and one whose object has no metadata, are an empty PodSpec. */
static void
empty_pods(void)
{
	_cleanup_(kube_manifest_freep) struct kube_manifest *m = parse("empty", "kind: Pod\n");
	struct kube_psa_result res = { 0 };

	ok(m && kube_psa_evaluate(&m->pods[0], R, LATEST, &res) == 0 && res.allowed,
	   "a pod without spec is allowed at restricted");
	kube_psa_result_done(&res);
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test-psa FIXTURES_DIR\n");
		return 2;
	}
	fixtures = argv[1];
	upstream_fixtures();
	unit_cases();
	aggregation();
	versions();
	empty_pods();
	return tap_done();
}

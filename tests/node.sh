# SPDX-License-Identifier: Apache-2.0
# The local node for the shell tests. A test that runs pods exports KSECCOMP_STATE_DIR as
# $work/state (with k set to kseccomp), sources this after tap.sh
# (. "$(dirname "$0")/node.sh"), then calls
#   delete_pods   every pod of that node deleted at once (the test's cleanup: no monitor or
#                 container outlives the test)
delete_pods() {
	for p in $(ls "$work/state/pods" 2>/dev/null); do
		"$k" delete pod "$p" --now >/dev/null 2>&1
	done
}

# SPDX-License-Identifier: Apache-2.0
# TAP for the shell tests. A test sources it (. "$(dirname "$0")/tap.sh"), then calls
#   check DESCRIPTION WANT GOT   ok when GOT is WANT, else not ok with both
#   skip DESCRIPTION REASON      an ok that says why it did not run
#   skip_all REASON              the whole test skipped (exits 0)
#   tap_done                     the plan; returns non-zero if a check failed (last command)
# TAP_PREFIX, when set, starts every description ("runc: ").
n=0 failed=0
check() {
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n - ${TAP_PREFIX:-}$1"
	else
		echo "not ok $n - ${TAP_PREFIX:-}$1"
		echo "#   got: $3"
		echo "#  want: $2"
		failed=$((failed + 1))
	fi
}
skip() {
	n=$((n + 1))
	echo "ok $n - ${TAP_PREFIX:-}$1 # SKIP $2"
}
skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}
tap_done() {
	echo "1..$n"
	[ "$failed" -eq 0 ]
}

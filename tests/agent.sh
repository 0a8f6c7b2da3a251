# SPDX-License-Identifier: Apache-2.0
# The SCMP_ACT_NOTIFY agent for the shell tests. A test sets k (kseccomp), work and sock, sources
# this after tap.sh (. "$(dirname "$0")/agent.sh"), then calls
#   start_agent LOG [OPTIONS...]  kseccomp agent --listen $sock OPTIONS in the background, its
#                                 output in $work/LOG; returns once it says "listening on" (or
#                                 after 5 s). Its pid is $agent_pid.
#   stop_agent                    SIGTERM, and wait for it to exit
#   kill_agent                    SIGKILL (an agent dying mid-run; the test's cleanup)
agent_pid=
start_agent() {
	log=$1
	shift
	"$k" agent --listen "$sock" "$@" >"$work/$log" 2>&1 &
	agent_pid=$!
	i=0
	while [ $i -lt 50 ] && ! grep -q "listening on" "$work/$log" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
}
stop_agent() {
	kill "$agent_pid" 2>/dev/null
	wait "$agent_pid" 2>/dev/null
	agent_pid=
}
kill_agent() {
	[ -n "$agent_pid" ] || return 0
	kill -9 "$agent_pid" 2>/dev/null
	wait "$agent_pid" 2>/dev/null
	agent_pid=
}

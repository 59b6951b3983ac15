# Helpers for guest scripts (busybox sh). Each check prints "ok - NAME" or "not ok - NAME";
# the script ends with "N passed, M failed" and exits with the failure count.
PASS=${PASS:-0}
FAIL=${FAIL:-0}
check() { # check NAME COMMAND...
	name=$1; shift
	if "$@"; then PASS=$((PASS + 1)); echo "ok - $name"; else FAIL=$((FAIL + 1)); echo "not ok - $name"; fi
}
# wait_for FILE PATTERN SECONDS: true once FILE contains a line matching PATTERN.
wait_for() {
	i=0
	while [ $i -lt $(($3 * 10)) ]; do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
# hellos FILE SECONDS: appends "hello 1" to "hello 5" to FILE, after each waiting until it has
# reached /tmp/pipe.out (where a reader's cat writes); true if each arrived within SECONDS.
hellos() {
	all=0
	for i in 1 2 3 4 5; do
		echo "hello $i" >>"$1"
		wait_for /tmp/pipe.out "^hello $i\$" "$2" || all=1
	done
	return $all
}
# gone PID SECONDS: true once the process has exited.
gone() {
	i=0
	while [ $i -lt $(($2 * 10)) ]; do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1; i=$((i + 1))
	done
	return 1
}
finish() {
	echo "$PASS passed, $FAIL failed"
	exit $FAIL
}

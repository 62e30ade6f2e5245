# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
# bench/steal.sh: sourced by the bench scripts.  Time the host of a virtual
# machine gave to others ("steal" in /proc/stat) slows whatever ran then,
# by up to several times: a timed run is kept only when the share of
# stolen time over it stays under BENCH_STEAL_MAX percent (default 5, 100
# keeps every run), and is tried again up to twice more otherwise.

STEAL_MAX=${BENCH_STEAL_MAX:-5}
case $STEAL_MAX in
'' | *[!0-9]*) printf 'bench: BENCH_STEAL_MAX must be a percentage\n' >&2
	exit 1 ;;
esac
STEAL_TRIES=3

# "STOLEN TOTAL": clock ticks of all CPUs so far, stolen and in all.
steal_now() {
	awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i
		print $9 + 0, t; exit }' /proc/stat
}

# The stolen share, in whole percent, between two steal_now samples.
steal_pct() {	# "STOLEN0 TOTAL0" "STOLEN1 TOTAL1"
	echo "$1 $2" | awk '{ t = $4 - $2
		printf "%d\n", (t > 0 ? 100 * ($3 - $1) / t + 0.5 : 0) }'
}

# steal_try FILE COMMAND...: runs the command, which times one run and
# prints its result line, again while the host stole more than STEAL_MAX
# percent over it and tries are left; the line of the run kept is added
# to FILE with " steal=N" (its stolen percent) at the end.  STEAL_REDONE
# counts the runs done again, STEAL_OVER the runs kept over the limit.
STEAL_REDONE=0 STEAL_OVER=0
steal_try() {
	_file=$1
	shift
	_n=1
	while :; do
		_s0=$(steal_now)
		"$@" >"$_file.try"
		_st=$(steal_pct "$_s0" "$(steal_now)")
		if [ "$_st" -le "$STEAL_MAX" ] || [ $_n -ge $STEAL_TRIES ]; then
			break
		fi
		STEAL_REDONE=$((STEAL_REDONE + 1))
		_n=$((_n + 1))
	done
	[ "$_st" -le "$STEAL_MAX" ] || STEAL_OVER=$((STEAL_OVER + 1))
	printf '%s steal=%s\n' "$(cat "$_file.try")" "$_st" >>"$_file"
	rm -f "$_file.try"
}

# A line for the notes: what was done about stolen time.
steal_summary() {
	printf '%s runs done again for more than %s %% of CPU time stolen by the host, %s kept over it after %s tries (BENCH_STEAL_MAX)\n' \
		"$STEAL_REDONE" "$STEAL_MAX" "$STEAL_OVER" "$STEAL_TRIES"
}

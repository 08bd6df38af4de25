#!/bin/sh
# Run every fuzz target of a `make fuzz` build for a fixed time.
#
#   sh tests/fuzz/run.sh FUZZ_BUILD [SECONDS [JOBS]]      (make fuzz-run)
#
# Each target starts from its seed corpus, tests/fuzz/corpus/<target>/
# (read only: libFuzzer writes what it finds to the scratch directory
# FUZZ_BUILD/scratch/<target>/corpus, emptied first, so every run starts
# from the same seeds), with tests/fuzz/<target>.dict if there is one.
# JOBS targets run at a time.  Any crash, leak, sanitizer report, broken
# invariant, timeout or out-of-memory fails the run: the report, the
# input (FUZZ_BUILD/scratch/<target>/crash-*) and how to replay it are
# printed.  For each target the executions are printed
# (stat::number_of_executed_units and libFuzzer's "Done N runs" line).
set -u

build=${1:?usage: run.sh FUZZ_BUILD [SECONDS [JOBS]]}
build=$(cd "$build" 2>/dev/null && pwd) || {
	echo "FAIL fuzz: no build directory $1 (make fuzz)"
	exit 1
}
secs=${2:-25}
jobs=${3:-2}
src=$(cd "$(dirname "$0")" && pwd)
scratch=$build/scratch

# every report is fatal; leaks too (LeakSanitizer, after each input that
# allocated more than it freed, and at exit)
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$src/../lsan.supp}
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS

targets=
for f in "$src"/fuzz_*.c; do
	t=$(basename "$f" .c)
	if [ ! -x "$build/$t" ]; then
		echo "FAIL fuzz: $build/$t is missing (make fuzz)"
		exit 1
	fi
	targets="$targets $t"
done

rm -rf "$scratch"
mkdir -p "$scratch"

# one target: run, then print its summary (and its report on failure) in
# one write, so parallel targets do not interleave
run_one() {
	t=$1
	d=$scratch/$t
	mkdir -p "$d/corpus" "$d/tmp"
	dict=
	[ -f "$src/$t.dict" ] && dict=-dict=$src/$t.dict
	# -timeout: one input taking longer is a finding (a DoS), not noise
	TMPDIR=$d/tmp "$build/$t" -max_total_time="$secs" -timeout=25 \
		-rss_limit_mb=2048 -print_final_stats=1 -detect_leaks=1 \
		-artifact_prefix="$d/" $dict "$d/corpus" "$src/corpus/$t" \
		>"$d/log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log")
	done_line=$(grep '^Done [0-9]* runs' "$d/log" | tail -n 1)
	cov=$(grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$d/log" |
	      tail -n 1 | sed -n 's/.*\(cov: [0-9]*\).*\(ft: [0-9]*\).*/\1 \2/p')
	if [ "$rc" -eq 0 ] && [ -n "$done_line" ]; then
		printf 'ok   %-18s stat::number_of_executed_units: %s; %s (%s)\n' \
			"$t" "${runs:-?}" "$done_line" "$cov"
		return 0
	fi
	{
		printf 'FAIL %-18s exit %s after %s executions\n' "$t" "$rc" \
			"${runs:-?}"
		grep -v '^#[0-9]' "$d/log" | tail -n 80 | sed 's/^/    /'
		for a in "$d"/crash-* "$d"/leak-* "$d"/timeout-* "$d"/oom-*; do
			[ -f "$a" ] || continue
			echo "    input: $a"
			echo "    replay: $build/$t $a"
		done
	} 
	return 1
}

# JOBS at a time; a failed target fails the run, after all have run
rc=0
set -- $targets
while [ $# -gt 0 ]; do
	pids=
	n=0
	while [ $# -gt 0 ] && [ "$n" -lt "$jobs" ]; do
		run_one "$1" >"$scratch/$1.out" &
		pids="$pids $!:$1"
		n=$((n + 1))
		shift
	done
	for p in $pids; do
		wait "${p%%:*}" || rc=1
		cat "$scratch/${p#*:}.out"
	done
done
[ "$rc" -eq 0 ] || echo "FAIL fuzz: see above (scratch in $scratch)"
exit $rc

#!/bin/sh
# The invariant over many hostile messages (make torture-invariant):
# SEEDS runs (default 4) of PER_RUN inputs (default 5000, so 20,000 in
# all) plus 30 mboxes each, every run in a fresh root; each run is bounded
# by RUN_TIMEOUT seconds (default 1800). Prints the per-class report of
# tests/gen/invariant.py for every run; exits 1 if any run violates the
# invariant or a program crashed. Run k (1..SEEDS) uses the generator seed
# SEED_BASE + k (SEED_BASE defaults to 100, so seeds 101..104): a new
# SEED_BASE gives new inputs, e.g. SEED_BASE=200 SEEDS=2 PER_RUN=3000.
# CLASSES=a,b,... limits the generator to those classes (hostile_mail.py
# --list names them; default all). BATCHES=k (default 1) imports the
# single-message inputs in k runs, one after the other (round robin, the
# mboxes with the last), so that incremental renders meet threads that
# grow, merge and loop across runs.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/torture/invariant_lib.sh"
seeds=${SEEDS:-4}
seed_base=${SEED_BASE:-100}
batches=${BATCHES:-1}
case $seed_base$batches in
'' | *[!0-9]*)
	echo "invariant.sh: SEED_BASE and BATCHES must be numbers" >&2
	exit 2
	;;
esac
[ "$batches" -ge 1 ] || batches=1
per_run=${PER_RUN:-5000}
limit=${RUN_TIMEOUT:-1800}
failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for seed in $(seq $((seed_base + 1)) $((seed_base + seeds))); do
	dir=$work/$seed
	export MAILARC_ROOT="$dir/root"
	mkdir -p "$MAILARC_ROOT"
	echo "== seed $seed: $per_run inputs"
	python3 "$top/tests/gen/hostile_mail.py" --seed "$seed" \
		--count "$per_run" --mboxes 30 --classes "${CLASSES:-}" \
		"$dir/in" || exit 1
	mailarc space add t >/dev/null 2>&1 || exit 1
	start=$(date +%s)
	rc=0
	if [ "$batches" -eq 1 ]; then
		timeout "$limit" mailarc import t "$dir/in/msg" "$dir/in/mbox" \
			>"$dir/import.out" 2>"$dir/import.err" || rc=$?
	else
		k=0
		for f in "$dir"/in/msg/*; do
			b=$dir/batch.$((k % batches))
			mkdir -p "$b"
			ln -s "$f" "$b/"
			k=$((k + 1))
		done
		: >"$dir/import.err"
		for b in $(seq 0 $((batches - 1))); do
			set -- "$dir/batch.$b"
			[ "$b" -eq $((batches - 1)) ] && set -- "$@" "$dir/in/mbox"
			r=0
			timeout "$limit" mailarc import t "$@" \
				>"$dir/import.out" 2>>"$dir/import.err" || r=$?
			[ "$r" -eq 0 ] || [ "$r" -eq 65 ] || rc=$r
			[ "$rc" -ne 0 ] || rc=$r
		done
	fi
	inv_verdict "$dir" t "$rc" "$start" || failed=1
	rm -rf "$dir"
done
exit "$failed"

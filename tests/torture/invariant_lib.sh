# shellcheck shell=sh disable=SC2154 # $top is the caller's
# Sourced by tests/torture/invariant.sh and realmail.sh (needs $top):
# the programs of MAILARC_BUILD (default build/san) first in PATH, and
# the sanitizers set to report, not abort. inv_verdict (needs
# MAILARC_ROOT) DIR SPACE RC START: the verdict on one import
# of DIR/in into SPACE (exit RC, begun at START, its output in
# DIR/import.out and DIR/import.err): a crash or sanitizer report, then
# mailarc check and tests/gen/invariant.py over DIR/in/manifest.tsv.
# Prints a line for each; returns 1 if any failed.
build=${MAILARC_BUILD:-$top/build/san}
export PATH="$build/bin:$PATH"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=99:${ASAN_OPTIONS:-}"
export LSAN_OPTIONS="suppressions=$top/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

inv_verdict() {
	_inv_d=$1
	_inv_sp=$2
	_inv_bad=0
	echo "import exit $3 in $(($(date +%s) - $4)) s: $(tail -n 1 "$_inv_d/import.out")"
	[ "$3" -eq 0 ] || [ "$3" -eq 65 ] || _inv_bad=1
	if grep -E -q 'AddressSanitizer|LeakSanitizer|runtime error:' \
		"$_inv_d/import.err"; then
		grep -E -A20 'AddressSanitizer|LeakSanitizer|runtime error:' \
			"$_inv_d/import.err" | head -n 60
		_inv_bad=1
	fi
	_inv_rc=0
	mailarc check "$_inv_sp" >"$_inv_d/check.out" 2>&1 || _inv_rc=$?
	echo "check exit $_inv_rc: $(tail -n 1 "$_inv_d/check.out")"
	[ "$_inv_rc" -eq 0 ] || _inv_bad=1
	python3 "$top/tests/gen/invariant.py" "$_inv_d/in/manifest.tsv" \
		"$MAILARC_ROOT/spaces/$_inv_sp" \
		"$MAILARC_ROOT/spaces/$_inv_sp/site" "$_inv_sp" || _inv_bad=1
	return "$_inv_bad"
}

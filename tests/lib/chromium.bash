# Headless Chromium from Debian, started by the tests with a fresh
# profile each time, nothing from the network, and bounded in time.

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
CHROMIUM_TIMEOUT=${CHROMIUM_TIMEOUT:-60}

# chromium_run ARGS... - one headless run; stdout is the browser's.
chromium_run() {
	local profile rc
	profile=$(mktemp -d "${BATS_TEST_TMPDIR:-/tmp}/chromium.XXXXXX")
	timeout -k 5 "$CHROMIUM_TIMEOUT" "$CHROMIUM" --headless --no-sandbox \
		--disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update \
		--disable-sync --disable-dev-shm-usage --hide-scrollbars \
		--user-data-dir="$profile" "$@" 2>"$profile.log"
	rc=$?
	rm -rf "$profile"
	return $rc
}

# chromium_dom FILE - the DOM after load (scripts, had any run, included).
chromium_dom() {
	chromium_run --virtual-time-budget=3000 --dump-dom "file://$1"
}

# chromium_shot FILE PNG WIDTH HEIGHT - a screenshot of the page.
chromium_shot() {
	chromium_run --virtual-time-budget=2000 --screenshot="$2" \
		--window-size="$3,$4" "file://$1" >/dev/null
}

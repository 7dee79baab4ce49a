#!/usr/bin/env bats
# Encoded words, Japanese vendor charsets, lying labels, raw 8-bit headers
# and NUL bytes, through the real pipeline: the page shows the whole text
# and notmuch (indexing inside mailarc-index) finds it.

bats_require_minimum_version 1.5.0
load helpers

setup_file() {
	export MAILARC_ROOT="$BATS_FILE_TMPDIR/root"
	mkdir -p "$MAILARC_ROOT" "$BATS_FILE_TMPDIR/in"
	python3 "$BATS_TEST_DIRNAME/lib/charset_gen.py" "$BATS_FILE_TMPDIR/in"
	mailarc space add cs >/dev/null 2>&1
	mailarc import cs "$BATS_FILE_TMPDIR/in" >/dev/null 2>&1
}

page() {
	echo "$MAILARC_ROOT/spaces/cs/site/m/"*/"cs$1@example.org.html"
}

# found QUERY - the number of messages mailarc search finds.
found() {
	mailarc search cs "$@" | wc -l
}

@test "charset: adjacent encoded words, padded and unpadded, on the page" {
	grep -q '<h1 id="subject">Hello world</h1>' "$(page 1)"
	grep -q '<h1 id="subject">xpto alpha</h1>' "$(page 2)"
	grep -q '<h1 id="subject">café crème</h1>' "$(page 3)"
	grep -q '<h1 id="subject">日本語 split</h1>' "$(page 4)"
	grep -q '<h1 id="subject">naïvea b�c</h1>' "$(page 12)"
	grep -q 'Jörg Müller' "$(page 3)"
	grep -q 'Renée Dupont' "$(page 3)"
}

@test "charset: adjacent encoded words in the index" {
	[ "$(found subject:world)" -eq 1 ]
	[ "$(found subject:xpto)" -eq 1 ]
	[ "$(found 'subject:crème')" -eq 2 ]
	[ "$(found 'from:Müller')" -eq 1 ]
	[ "$(found 'to:Renée')" -eq 1 ]
}

@test "charset: a NUL byte cuts neither the page nor search" {
	grep -q 'Visible.�Hidden' "$(page 5)"
	[ "$(found Hidden)" -eq 1 ]
	grep -q '<h1 id="subject">Before�After rawnul</h1>' "$(page 13)"
	grep -q 'Front�Back tail' "$(page 13)"
	[ "$(found subject:After)" -eq 1 ]
	[ "$(found Back)" -eq 1 ]
}

@test "charset: ISO-2022-JP with NEC characters and half-width katakana" {
	grep -q '<h1 id="subject">①② jisnec</h1>' "$(page 6)"
	grep -q '①②№ No ｱｲｴ kana' "$(page 6)"
	grep -q '日本語 end' "$(page 6)"
	[ "$(found subject:jisnec)" -eq 1 ]
}

@test "charset: Shift_JIS as CP932, a DoCoMo emoji shown as Unicode's" {
	grep -q '①② ⅰ emoji\[☀\] 日本' "$(page 7)"
}

@test "charset: a part labelled ISO-2022-JP that holds UTF-8" {
	grep -q 'UTF-8 本文です under a JIS label' "$(page 8)"
}

@test "charset: raw 8-bit headers: UTF-8, then the body's charset, then Latin-1" {
	grep -q '<h1 id="subject">café � crème rawutf</h1>' "$(page 9)"
	grep -q '<h1 id="subject">日本 rawsjis</h1>' "$(page 10)"
	grep -q '<h1 id="subject">Grüße rawlatin</h1>' "$(page 11)"
	[ "$(found subject:rawsjis)" -eq 1 ]
	[ "$(found 'subject:Grüße')" -eq 1 ]
}

#!/usr/bin/env bats
# Man pages: every program and every mailarc command has one, every page
# renders without a warning, cross-references lead somewhere, and the
# options a command's --help lists are documented on its page.

load helpers
load lib/ops

setup_file() {
	make -C "$OPS_TOP" --no-print-directory -s O="$MAILARC_BUILD" man \
		>/dev/null
	export MANS="$MAILARC_BUILD/man"
}

@test "every page renders with man --warnings and nothing on stderr" {
	n=0
	for p in "$MANS"/*.[1-8]; do
		err=$(MANWIDTH=80 man --warnings -l "$p" 2>&1 >/dev/null)
		if [ -n "$err" ]; then
			echo "$(basename "$p"): $err"
			return 1
		fi
		# A page that renders to nothing is no page.
		[ "$(MANWIDTH=80 man -l "$p" 2>/dev/null | wc -l)" -gt 10 ]
		n=$((n + 1))
	done
	[ "$n" -ge 16 ]
}

@test "every program has a page in section 1" {
	for p in "$MAILARC_BUILD"/bin/*; do
		name=$(basename "$p")
		[ -f "$MANS/$name.1" ] || { echo "no page for $name"; return 1; }
	done
}

@test "every mailarc command has a page" {
	cmds=$(mailarc --help | sed -n 's/^  \([a-z]*\) .*/\1/p' | sort -u)
	[ -n "$cmds" ]
	for c in $cmds; do
		[ -f "$MANS/mailarc-$c.1" ] || { echo "no page for 'mailarc $c'"; return 1; }
	done
	[ -f "$MANS/mailarc.conf.5" ]
	[ -f "$MANS/mailarc-layout.5" ]
}

@test "cross-references to mailarc pages name pages that exist" {
	refs=$(cat "$MANS"/*.[1-8] | grep -o 'mailarc[a-z.-]*\\\?f\?[RP]\?([1-8])' |
		sed 's/\\f[RP]//' | sort -u)
	[ -n "$refs" ]
	for r in $refs; do
		page=${r%(*}
		sec=${r#*(}
		sec=${sec%)}
		[ -f "$MANS/$page.$sec" ] || { echo "dangling reference $r"; return 1; }
	done
}

# page_lacks PAGE CMD... - the long options CMD --help lists that PAGE
# does not mention (a command not built yet lists none).
page_lacks() {
	local page=$1 text o
	shift
	text=$(MANWIDTH=200 man -l "$MANS/$page" 2>/dev/null)
	for o in $("$@" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		grep -q -- "$o" <<<"$text" || echo "$page lacks $o"
	done
}

@test "every long option of a command's --help is on its page" {
	missing=
	for c in $(mailarc --help | sed -n 's/^  \([a-z]*\) .*/\1/p' | sort -u); do
		missing+=$(page_lacks "mailarc-$c.1" mailarc "$c")
	done
	# The filters; the front end's own --help sums up its commands.
	for p in "$MAILARC_BUILD"/bin/mailarc-*; do
		missing+=$(page_lacks "$(basename "$p").1" "$p")
	done
	echo "$missing"
	[ -z "$missing" ]
	# The check sees options: these must be found on their pages.
	mailarc space --help | grep -q -- --admins
	mailarc status --help | grep -q -- --json
}

@test "the front end's page lists every command its --help lists" {
	page=$(MANWIDTH=200 man -l "$MANS/mailarc.1" 2>/dev/null)
	for c in $(mailarc --help | sed -n 's/^  \([a-z]*\) .*/\1/p' | sort -u); do
		grep -q "^       $c" <<<"$page" || { echo "mailarc(1) lacks $c"; return 1; }
	done
}

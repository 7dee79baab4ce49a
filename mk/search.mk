# The site's search: the client's files built into the renderer, the
# benchmark (bench/search.sh, with Pagefind where npm can fetch it) and
# the suite on its own.
.PHONY: bench-search bench-search-100k check-search

# The search page carries the client's files (.incbin).
$(O)/obj/lib/render/search_page.o: lib/render/search.js lib/render/search.css

# 10,000 generated messages, Pagefind on the same pages.
bench-search: all
	$(Q)sh bench/search.sh 10000

# 100,000 messages (long on a shared machine), Pagefind left out; then
# the 1,000,000-message model from the index it built.
bench-search-100k: all
	$(Q)rm -rf build/bench-search-100k
	$(Q)BENCH_DIR=$(CURDIR)/build/bench-search-100k \
		sh bench/search.sh 100000 --no-pagefind
	$(Q)python3 bench/search-model.py \
		build/bench-search-100k/root/spaces/bench/state/search 10

check-search:
	$(Q)$(MAKE) --no-print-directory O=build/san SAN=1 all units
	$(Q)MAILARC_BUILD=build/san TESTS="search.bats" sh tests/run.sh

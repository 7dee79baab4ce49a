# mailarc-fetch (issue 3): its suites alone, the long kill -9 loops, and the
# benchmark against mbsync, fetchmail, getmail6 and mpop.
#   make check-fetch     unit tests + tests/fetch*.bats (about 3 minutes)
#   make torture-fetch   FETCH_TORTURE_ROUNDS (60) kills per case, 4 cases
#   make bench-fetch     BENCH_FETCH_N messages (default 10000)
.PHONY: check-fetch torture-fetch bench-fetch
FETCH_SUITES = fetch.bats fetch_front.bats

check-fetch:
	$(Q)$(MAKE) --no-print-directory O=build/san SAN=1 all units
	$(Q)MAILARC_BUILD=build/san TESTS="$(FETCH_SUITES)" sh tests/run.sh

torture: torture-fetch
torture-fetch:
	$(Q)$(MAKE) --no-print-directory O=build/san SAN=1 all
	$(Q)MAILARC_BUILD=$(CURDIR)/build/san \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
		bats --tap tests/torture/fetch_kill.bats

bench-fetch:
	$(Q)$(MAKE) --no-print-directory all
	$(Q)MAILARC_BUILD=$(CURDIR)/$(O) bash bench/fetch/run.sh $${BENCH_FETCH_N:-10000}

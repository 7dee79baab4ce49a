# The invariant (issue 12): "mailarc check" and hostile mail.
#   make torture-invariant   20,000 generated messages over 4 seeds (about
#                            13 min under ASan on 2 cores: 5,000 take 3.3)
#                            (SEEDS, PER_RUN, RUN_TIMEOUT to change it)
.PHONY: torture-invariant
torture: torture-invariant
torture-invariant:
	$(Q)$(MAKE) --no-print-directory O=build/san SAN=1 all
	$(Q)MAILARC_BUILD=$(CURDIR)/build/san sh tests/torture/invariant.sh

# Random deletions and an erasure over hostile mail (the removal test of
# tests/invariant.bats, which make check runs for one seed) for SEEDS more
# seeds (default 20, from 1001): each compares the incremental site with a
# full render's after each removal and checks a rebuild keeps every
# address. About 20 s a seed under ASan.
#   make torture-removals
.PHONY: torture-removals
torture: torture-removals
torture-removals:
	$(Q)$(MAKE) --no-print-directory O=build/san SAN=1 all
	$(Q)fail=0; for s in $$(seq 1001 $$((1000 + $${SEEDS:-20}))); do \
		echo "== seed $$s"; \
		MAILARC_INVARIANT_SEED=$$s MAILARC_INVARIANT_ONLY=removals \
			MAILARC_BUILD=build/san TESTS=invariant.bats \
			sh tests/run.sh || fail=1; \
	done; exit $$fail

# The kill loops of make check at every call: make check kills the render
# at every 36th call of render_delete_partial.bats and every 4th rename of
# publish.bats, from a random first one (each run tries others); this
# tries them all, on the disk (make check runs in a tmpfs where it can):
# 21 minutes on a 2-core machine, nearly all of it render_delete_partial.
#   make torture-kill
.PHONY: torture-kill
torture: torture-kill
torture-kill:
	$(Q)$(MAKE) --no-print-directory O=build/san SAN=1 all
	$(Q)KILL_STEP=1 MAILARC_TEST_TMPDIR=/tmp MAILARC_BUILD=build/san \
		TESTS="render_delete_partial.bats publish.bats" sh tests/run.sh

# The invariant (issue 12): "mailarc check" and hostile mail.
#   make torture-invariant   20,000 generated messages over 4 seeds (about
#                            13 min under ASan on 2 cores: 5,000 take 3.3)
#                            (SEEDS, PER_RUN, RUN_TIMEOUT to change it)
.PHONY: torture-invariant
torture: torture-invariant
torture-invariant:
	$(Q)$(MAKE) --no-print-directory O=build/san SAN=1 all
	$(Q)MAILARC_BUILD=$(CURDIR)/build/san sh tests/torture/invariant.sh

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

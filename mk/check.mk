# The invariant (issue 12): "mailarc check" and hostile mail.
#   make torture-invariant   20,000 generated messages over 4 seeds (about
#                            13 min under ASan on 2 cores: 5,000 take 3.3)
#                            (SEEDS, PER_RUN, RUN_TIMEOUT to change it)
.PHONY: torture-invariant
torture: torture-invariant
torture-invariant:
	$(Q)$(MAKE) --no-print-directory O=build/san SAN=1 all
	$(Q)MAILARC_BUILD=$(CURDIR)/build/san sh tests/torture/invariant.sh

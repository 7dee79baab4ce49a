# The whole pipeline at one archive size, next to the peer tools
# (bench/scale/run.sh; docs/scaling.md has the figures and the cost model).
#   make bench-scale SIZE=10000    import, render, fetch, and +10 after each
.PHONY: bench-scale
bench-scale:
	$(Q)$(MAKE) --no-print-directory all
	$(Q)MAILARC_BUILD=$(O) sh bench/scale/run.sh $${SIZE:-10000}

# Odd shapes of real mail (a PDF sent inline, 7 MB of text, 10,000 parts,
# 500 versions of one Message-ID, a conversation of 5,000, ...), each
# stage next to notmuch new (bench/shapes/run.sh; about 4 minutes).
#   make bench-shapes
.PHONY: bench-shapes
bench-shapes:
	$(Q)$(MAKE) --no-print-directory all
	$(Q)MAILARC_BUILD=$(O) sh bench/shapes/run.sh

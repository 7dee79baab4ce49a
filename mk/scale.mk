# The whole pipeline at one archive size, next to the peer tools
# (bench/scale/run.sh; docs/scaling.md has the figures and the cost model).
#   make bench-scale SIZE=10000    import, render, fetch, and +10 after each
.PHONY: bench-scale
bench-scale:
	$(Q)$(MAKE) --no-print-directory all
	$(Q)MAILARC_BUILD=$(O) sh bench/scale/run.sh $${SIZE:-10000}

# mailarc-render: benchmark against MHonArc (bench/render.sh), and the
# site suites on their own.
.PHONY: bench-render bench-render-100k check-render

# 10,000 generated messages, MHonArc on the same ones, plus adding 10.
bench-render: all
	$(Q)sh bench/render.sh 10000

# 100,000 messages: long on a shared machine; MHonArc left out.
bench-render-100k: all
	$(Q)sh bench/render.sh 100000 --no-mhonarc

check-render:
	$(Q)$(MAKE) --no-print-directory O=build/san SAN=1 all units
	$(Q)MAILARC_BUILD=build/san TESTS="render.bats site.bats" sh tests/run.sh

# Operations: benchmarks of what polling costs (bench/ops/).
.PHONY: bench-ops
bench-ops: all
	$(Q)MAILARC_BUILD=$(O) bash bench/ops/tick.sh $(BENCH_OPS_N)

# Automatic polling (systemd timers or cron): the benchmark of what a
# polling tick costs (bench/systemd/).
#   make bench-systemd   BENCH_SYSTEMD_N messages in the polled mailbox
#                        (default 2000; BENCH_OPS_N is still read)
.PHONY: bench-systemd bench-ops
bench-systemd: all
	$(Q)MAILARC_BUILD=$(O) bash bench/systemd/tick.sh \
		$(or $(BENCH_SYSTEMD_N),$(BENCH_OPS_N))

# The name the target had before the stages named the files.
bench-ops: bench-systemd

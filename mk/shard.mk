# The shard level of the permalink rule (lib/permalink.h): the naming
# functions over a million generated Message-IDs, counting the entries
# of each folder (tests/unit/shard_test.c; the unit run does 100,000).
#   make torture-shard   SHARD_N (1000000) ids
.PHONY: torture-shard

torture: torture-shard
torture-shard:
	$(Q)$(MAKE) --no-print-directory O=build/san SAN=1 units
	$(Q)cd "$$(mktemp -d)" && SHARD_N=$${SHARD_N:-1000000} \
		$(CURDIR)/build/san/tests/shard_test

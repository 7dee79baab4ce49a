# The store: dedupe, index, import, delete, search (issue 4).
#   make torture-store   long kill -9 loops over dedupe and index (bounded)
#   make fuzz-store      libFuzzer over the mbox splitter and the identity
#   make bench-store     dedupe + index vs notmuch new and public-inbox-index
.PHONY: torture-store fuzz-store bench-store

# Unit tests that read tests/corpus find it by absolute path: run.sh runs
# each test in a temporary folder.
STORE_CORPUS = -DCORPUS_DIR='"$(CURDIR)/tests/corpus"'
$(O)/obj/tests/unit/msg_test.o $(O)/obj/tests/unit/mbox_test.o: \
	ALL_CFLAGS += $(STORE_CORPUS)

torture: torture-store
torture-store:
	$(Q)$(MAKE) --no-print-directory O=build/san SAN=1 all
	$(Q)MAILARC_BUILD=build/san STORE_TORTURE_ROUNDS=$${STORE_TORTURE_ROUNDS:-60} \
		bats tests/store-torture.bats

bench-store:
	$(Q)$(MAKE) --no-print-directory all
	$(Q)MAILARC_BUILD=$(O) sh bench/store.sh $${BENCH_SIZES:-10000}

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
	$(Q)MAILARC_BUILD=$(CURDIR)/build/san \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
		STORE_TORTURE_ROUNDS=$${STORE_TORTURE_ROUNDS:-60} \
		bats tests/torture/store.bats

bench-store:
	$(Q)$(MAKE) --no-print-directory all
	$(Q)MAILARC_BUILD=$(O) sh bench/store.sh $${BENCH_SIZES:-10000}

# libFuzzer needs clang; the parsers are built into the target directly.
STORE_FUZZ_SRC = tests/fuzz/store_fuzz.c lib/mbox.c lib/msg.c lib/buf.c \
	lib/log.c lib/path.c
fuzz: fuzz-store
fuzz-store: build/fuzz/store_fuzz
	$(Q)mkdir -p build/fuzz/store-corpus
	$(Q)cp tests/corpus/*.mbox tests/corpus/*.eml tests/corpus/*.gz \
		build/fuzz/store-corpus/
	$(Q)build/fuzz/store_fuzz -max_total_time=$${FUZZ_SECONDS:-120} \
		-max_len=65536 build/fuzz/store-corpus
build/fuzz/store_fuzz: $(STORE_FUZZ_SRC) lib/mbox.h lib/msg.h
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)clang -std=c11 -D_GNU_SOURCE -g -O1 -Ilib $(PKG_CFLAGS) \
		-fsanitize=fuzzer,address,undefined -o $@ $(STORE_FUZZ_SRC) \
		$(PKG_LIBS)

# mailarc-dedupe, and the stages that act on the archive it fills (index,
# import, delete): dedupe is where they meet, so their long runs are here.
#   make torture-dedupe  long kill -9 loops over dedupe and index, import
#                        and delete (bounded)
#   make fuzz-dedupe     libFuzzer over the mbox splitter and the identity
#   make bench-dedupe    dedupe + index vs notmuch new and public-inbox-index
#                        (bench/dedupe/: notmuch new does both in one)
# torture-store, fuzz-store and bench-store are the names they had before.
.PHONY: torture-dedupe fuzz-dedupe bench-dedupe \
	torture-store fuzz-store bench-store

# Unit tests that read tests/corpus find it by absolute path: run.sh runs
# each test in a temporary folder.
DEDUPE_CORPUS = -DCORPUS_DIR='"$(CURDIR)/tests/corpus"'
$(O)/obj/tests/unit/msg_test.o $(O)/obj/tests/unit/mbox_test.o: \
	ALL_CFLAGS += $(DEDUPE_CORPUS)

torture: torture-dedupe
torture-store: torture-dedupe
torture-dedupe:
	$(Q)$(MAKE) --no-print-directory O=build/san SAN=1 all
	$(Q)MAILARC_BUILD=$(CURDIR)/build/san \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
		STORE_TORTURE_ROUNDS=$${STORE_TORTURE_ROUNDS:-60} \
		bats tests/torture/dedupe.bats

bench-store: bench-dedupe
bench-dedupe:
	$(Q)$(MAKE) --no-print-directory all
	$(Q)MAILARC_BUILD=$(O) sh bench/dedupe/run.sh $${BENCH_SIZES:-10000}

# libFuzzer needs clang; the target links the library built for it
# (FUZZ_LIB, in the Makefile).
DEDUPE_FUZZ_SRC = tests/fuzz/dedupe_fuzz.c
fuzz: fuzz-dedupe
fuzz-store: fuzz-dedupe
fuzz-dedupe: build/fuzz/dedupe_fuzz
	$(Q)mkdir -p build/fuzz/dedupe-corpus
	$(Q)cp tests/corpus/*.mbox tests/corpus/*.eml tests/corpus/*.gz \
		build/fuzz/dedupe-corpus/
	$(Q)build/fuzz/dedupe_fuzz -max_total_time=$${FUZZ_SECONDS:-120} \
		-max_len=65536 build/fuzz/dedupe-corpus
build/fuzz/dedupe_fuzz: $(DEDUPE_FUZZ_SRC) $(FUZZ_LIB)
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $(DEDUPE_FUZZ_SRC) \
		$(FUZZ_LIB) $(PKG_LIBS)

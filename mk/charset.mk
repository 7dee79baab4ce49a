# libFuzzer over lib/charset.c (RFC 2047 words, vendor charsets);
# FUZZ_SECONDS bounds it (default 120).
CHARSET_FUZZ_SRC = tests/fuzz/charset_fuzz.c
.PHONY: fuzz-charset
fuzz: fuzz-charset
fuzz-charset: build/fuzz/charset_fuzz
	$(Q)mkdir -p build/fuzz/charset-corpus
	$(Q)python3 tests/lib/charset_gen.py build/fuzz/charset-corpus
	$(Q)build/fuzz/charset_fuzz -max_total_time=$${FUZZ_SECONDS:-120} \
		-max_len=4096 -rss_limit_mb=2048 build/fuzz/charset-corpus
build/fuzz/charset_fuzz: $(CHARSET_FUZZ_SRC) $(FUZZ_LIB)
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $(CHARSET_FUZZ_SRC) \
		$(FUZZ_LIB) $(PKG_LIBS)

# Subject and From as mailarc decodes them against Python's email package
# (policy.default) on tests/corpus, tests/sample and generated mail.
.PHONY: bench-charset
bench-charset: $(O)/bench/charset-dump
	$(Q)python3 bench/charset/corpus.py . $(O)/bench/charset-corpus
	$(Q)python3 bench/charset/compare.py $(O)/bench/charset-dump \
		$(O)/bench/charset-corpus
$(O)/bench/charset-dump: $(O)/obj/bench/charset/dump.o $(O)/libmailarc.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(LDLIBS_ALL)

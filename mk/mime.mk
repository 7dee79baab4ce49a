# libFuzzer over a whole message's parse for its page (tests/fuzz/
# mime_fuzz.c), seeded with the hostile-mail generator's messages and
# tests/corpus; FUZZ_SECONDS bounds it (default 120).
MIME_FUZZ_SRC = tests/fuzz/mime_fuzz.c
.PHONY: fuzz-mime
fuzz: fuzz-mime
fuzz-mime: build/fuzz/mime_fuzz
	$(Q)rm -rf build/fuzz/mime-seed && mkdir -p build/fuzz/mime-corpus
	$(Q)python3 tests/gen/hostile_mail.py --seed 1 --count 400 --mboxes 0 \
		build/fuzz/mime-seed >/dev/null
	$(Q)find build/fuzz/mime-seed -type f -size -64k \
		-exec cp {} build/fuzz/mime-corpus/ \;
	$(Q)cp tests/corpus/*.eml build/fuzz/mime-corpus/
	$(Q)build/fuzz/mime_fuzz -max_total_time=$${FUZZ_SECONDS:-120} \
		-max_len=65536 -rss_limit_mb=2048 build/fuzz/mime-corpus
build/fuzz/mime_fuzz: $(MIME_FUZZ_SRC) $(FUZZ_LIB)
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $(MIME_FUZZ_SRC) \
		$(FUZZ_LIB) $(PKG_LIBS)

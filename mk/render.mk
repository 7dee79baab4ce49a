# mailarc-render: benchmark against MHonArc (bench/render/), and the
# site suites on their own.
.PHONY: bench-render bench-render-100k check-render

# 10,000 generated messages, MHonArc on the same ones, plus adding 10.
bench-render: all
	$(Q)sh bench/render/run.sh 10000

# 100,000 messages: long on a shared machine; MHonArc left out.
bench-render-100k: all
	$(Q)sh bench/render/run.sh 100000 --no-mhonarc

check-render:
	$(Q)$(MAKE) --no-print-directory O=build/san SAN=1 all units
	$(Q)MAILARC_BUILD=build/san TESTS="render.bats site.bats" sh tests/run.sh

# libFuzzer over the sanitiser (with a re-parse oracle), text to HTML and
# format=flowed; FUZZ_SECONDS bounds it (default 120).
RENDER_FUZZ_SRC = tests/fuzz/render_fuzz.c
fuzz: fuzz-render
fuzz-render: build/fuzz/render_fuzz
	$(Q)mkdir -p build/fuzz/render-corpus
	$(Q)for f in tests/sample/hostile/*.eml tests/sample/mail/*.eml; do \
		sed '1,/^$$/d' "$$f" >"build/fuzz/render-corpus/$$(basename "$$f")"; \
	done
	$(Q)build/fuzz/render_fuzz -max_total_time=$${FUZZ_SECONDS:-120} \
		-max_len=65536 -rss_limit_mb=2048 build/fuzz/render-corpus
build/fuzz/render_fuzz: $(RENDER_FUZZ_SRC) $(FUZZ_LIB)
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $(RENDER_FUZZ_SRC) \
		$(FUZZ_LIB) $(PKG_LIBS)

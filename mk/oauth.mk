# OAuth 2.0 (issue 6): its suites alone, the kill -9 torture loop, and the
# benchmark against getmail6's token helper.
.PHONY: check-oauth torture-oauth bench-oauth
OAUTH_SUITES = oauth.bats oauth_dovecot.bats oauth_fetch.bats

check-oauth:
	$(Q)$(MAKE) --no-print-directory O=build/san SAN=1 all units
	$(Q)MAILARC_BUILD=build/san TESTS="$(OAUTH_SUITES)" sh tests/run.sh

torture: torture-oauth
torture-oauth:
	$(Q)$(MAKE) --no-print-directory O=build/san SAN=1 all
	$(Q)MAILARC_BUILD=$(CURDIR)/build/san bats --tap tests/torture/oauth_kill.bats

bench-oauth:
	$(Q)$(MAKE) --no-print-directory all
	$(Q)MAILARC_BUILD=$(CURDIR)/build bash bench/oauth/run.sh

# libFuzzer over the token reply, redirect query and cache parsers, with
# clang, ASan and UBSan; bounded to FUZZ_SECONDS (default 60).
FUZZ_SECONDS ?= 60
OAUTH_FUZZ = build/fuzz/oauth_fuzz
.PHONY: fuzz-oauth
fuzz: fuzz-oauth
fuzz-oauth: $(OAUTH_FUZZ)
	$(Q)mkdir -p build/fuzz/oauth-corpus
	$(Q)printf '\000{"access_token":"a","expires_in":"60","refresh_token":"r"}' \
		>build/fuzz/oauth-corpus/reply
	$(Q)printf '\001code=a%%20b&state=x+y' >build/fuzz/oauth-corpus/query
	$(Q)printf '\002{"access_token":"a","expires_at":1,"refresh_seed":"%064d"}' 0 \
		>build/fuzz/oauth-corpus/cache
	$(Q)$(OAUTH_FUZZ) -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		build/fuzz/oauth-corpus

$(OAUTH_FUZZ): tests/fuzz/oauth_fuzz.c $(FUZZ_LIB)
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ tests/fuzz/oauth_fuzz.c \
		$(FUZZ_LIB) $(PKG_LIBS)

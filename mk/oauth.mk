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

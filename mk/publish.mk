# Publishing a render (issue 10): the long kill -9 and full-disk loops.
#   make torture-publish   RENDER_TORTURE_KILLS (50) random kills, a kill
#                          before each rename/removal of a commit, a disk
#                          full at ten levels (needs root: a tmpfs)
.PHONY: torture-publish

torture: torture-publish
torture-publish:
	$(Q)$(MAKE) --no-print-directory O=build/san SAN=1 all
	$(Q)MAILARC_BUILD=$(CURDIR)/build/san \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
		RENDER_TORTURE_KILLS=$${RENDER_TORTURE_KILLS:-50} \
		timeout 3600 bats --tap tests/torture/render_kill.bats

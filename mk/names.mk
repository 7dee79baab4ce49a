# Names made of message data (lib/permalink.c, lib/sitename.c, the month
# of lib/render.c, html_escape() for feeds): libFuzzer targets and the
# suites on their own.
#
#   make fuzz-names      each target below for FUZZ_SECONDS (default 120)
#                        seconds in turn, with a corpus of awkward ids
#   make check-names     the names unit test and tests/names.bats
#   make torture-names   the names unit test over every length from 0 to
#                        4,096 bytes (make check tries every length up to
#                        520, then every 97th: all of them take minutes
#                        under ASan)
#
# The targets (tests/fuzz/names_fuzz.c, one per NAMES_TARGET):
#   names_permalink_fuzz  permalink_name/path/notmuch_parse/message_id/
#                         notmuch_key/log_id
#   names_message_fuzz    permalink_of_message over a message file
#   names_site_fuzz       sitename_* and render_month_of
#   names_xml_fuzz        html_escape's output is XML 1.0 text
# For a long run of one: FUZZ_SECONDS=1800 make fuzz-names-site.
.PHONY: fuzz-names check-names torture-names fuzz-names-permalink fuzz-names-message \
	fuzz-names-site fuzz-names-xml

NAMES_FUZZ_TARGETS = permalink message site xml
NAMES_FUZZ_DIR = build/fuzz/names
NAMES_FUZZ_CFLAGS = $(FUZZ_CFLAGS)

$(NAMES_FUZZ_DIR)/names_%_fuzz: tests/fuzz/names_fuzz.c $(FUZZ_LIB)
	@mkdir -p $(@D)
	@echo "  FUZZ    $@"
	$(Q)clang $(NAMES_FUZZ_CFLAGS) -fsanitize=fuzzer \
		-DNAMES_TARGET=$(NAMES_TARGET_$*) -o $@ $< $(FUZZ_LIB) \
		$(PKG_LIBS)

NAMES_TARGET_permalink = 1
NAMES_TARGET_message = 2
NAMES_TARGET_site = 3
NAMES_TARGET_xml = 4

# Seeds: ids around every limit (notmuch's 189, the rule's 120 and 200),
# blanks, comments, bytes that are not UTF-8, noncharacters.
$(NAMES_FUZZ_DIR)/corpus/.seeded:
	@mkdir -p $(@D)
	$(Q)python3 -c 'import sys; d=sys.argv[1]; \
	  ids=[b"<"+b"a"*n+b"@x>" for n in (0,1,117,118,119,120,187,188,189,198,199,200,250)]; \
	  ids+=[b"<in ner  two@x>", b"(c) <a (b) @x>", b"<bad\xff\xfe@x>", \
	        b"<=?utf-8?q?caf=C3=A9?=@x>", b"<>", b"< >", b"x\xef\xbf\xbey", \
	        b"\xed\xa0\x80", b"From x\n>From y\n", b"0123456789abcdef", \
	        b"0"*64+b".png", b"/=. \t\\\n\r"]; \
	  [open("%s/seed%02d" % (d, i), "wb").write(x) for i, x in enumerate(ids)]' $(@D)
	$(Q)touch $@

fuzz: fuzz-names
fuzz-names: $(NAMES_FUZZ_TARGETS:%=fuzz-names-%)
# (Phony targets take no pattern rule: one rule per target.)
define NAMES_FUZZ_RUN
fuzz-names-$(1): $(NAMES_FUZZ_DIR)/names_$(1)_fuzz \
		$(NAMES_FUZZ_DIR)/corpus/.seeded
	$$(Q)mkdir -p $(NAMES_FUZZ_DIR)/corpus-$(1)
	$$(Q)$(NAMES_FUZZ_DIR)/names_$(1)_fuzz \
		-max_total_time=$$$${FUZZ_SECONDS:-120} -max_len=8192 \
		-rss_limit_mb=2048 $(NAMES_FUZZ_DIR)/corpus-$(1) \
		$(NAMES_FUZZ_DIR)/corpus
endef
$(foreach t,$(NAMES_FUZZ_TARGETS),$(eval $(call NAMES_FUZZ_RUN,$(t))))

check-names:
	$(Q)$(MAKE) --no-print-directory O=build/san SAN=1 all units
	$(Q)cd "$$(mktemp -d)" && $(CURDIR)/build/san/tests/names_test
	$(Q)MAILARC_BUILD=build/san TESTS="names.bats" sh tests/run.sh

torture: torture-names
torture-names:
	$(Q)$(MAKE) --no-print-directory O=build/san SAN=1 units
	$(Q)cd "$$(mktemp -d)" && MAILARC_EVERY_LENGTH=1 \
		$(CURDIR)/build/san/tests/names_test

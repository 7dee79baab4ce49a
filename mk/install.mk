# "make install": programs, man pages, systemd units, sysusers.d and
# tmpfiles.d files where Debian and systemd look for them. PREFIX (default
# /usr/local; a Debian package uses /usr) and DESTDIR (staging folder) as
# usual; each folder can be overridden on its own.
#   make install PREFIX=/usr DESTDIR=/tmp/stage
# "make man" builds the man pages from docs/man/*.scd with scdoc(1).

BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/mailarc
# systemd reads units, sysusers.d and tmpfiles.d from /usr/lib and from
# /usr/local/lib (systemd.unit(5), sysusers.d(5), tmpfiles.d(5)).
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d

MAN_SRC := $(sort $(wildcard docs/man/*.scd))
MANS := $(MAN_SRC:docs/man/%.scd=$(O)/man/%)
UNIT_IN := $(sort $(wildcard systemd/*.service.in))
UNITS_OUT := $(UNIT_IN:systemd/%.in=$(O)/systemd/%) \
	$(sort $(wildcard systemd/*.timer))
DOCS := $(sort $(wildcard docs/*.md))

.PHONY: man install-units uninstall
man: $(MANS)

$(O)/man/%: docs/man/%.scd
	@mkdir -p $(@D)
	@echo "  SCDOC   $<"
	$(Q)scdoc <$< >$@.tmp && mv $@.tmp $@

# The units name the installed front end; nothing else is substituted.
$(O)/systemd/%: systemd/%.in
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(Q)sed 's|@bindir@|$(BINDIR)|g' $< >$@.tmp && mv $@.tmp $@

install: all man $(UNITS_OUT)
	@echo "  INSTALL $(DESTDIR)$(PREFIX)"
	$(Q)install -d $(DESTDIR)$(BINDIR) \
		$(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR) \
		$(DESTDIR)$(DOCDIR)
	$(Q)install -m 0755 $(PROGS) $(DESTDIR)$(BINDIR)/
	$(Q)for m in $(MANS); do \
		s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s && \
		install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; \
	done
	$(Q)install -m 0644 $(UNITS_OUT) $(DESTDIR)$(UNITDIR)/
	$(Q)install -m 0644 systemd/mailarc.sysusers \
		$(DESTDIR)$(SYSUSERSDIR)/mailarc.conf
	$(Q)install -m 0644 systemd/mailarc.tmpfiles \
		$(DESTDIR)$(TMPFILESDIR)/mailarc.conf
	$(Q)$(if $(DOCS),install -m 0644 $(DOCS) $(DESTDIR)$(DOCDIR)/,:)

uninstall:
	rm -f $(PROGS:$(O)/bin/%=$(DESTDIR)$(BINDIR)/%)
	rm -f $(foreach m,$(MANS),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m)))
	rm -f $(addprefix $(DESTDIR)$(UNITDIR)/,$(notdir $(UNITS_OUT)))
	rm -f $(DESTDIR)$(SYSUSERSDIR)/mailarc.conf $(DESTDIR)$(TMPFILESDIR)/mailarc.conf
	rm -rf $(DESTDIR)$(DOCDIR)

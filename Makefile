# mailarc - see README. "make" builds into build/, "make check" builds with
# sanitizers into build/san/ and runs every test, "make demo" archives the
# bundled sample into spool/.

VERSION = 0.1.0
PREFIX ?= /usr/local
O ?= build
SAN ?= 0

PKGS = libcurl openssl gmime-3.0 inih jansson gumbo zlib
# -isystem keeps warnings of library headers out of our -Werror build.
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null | sed 's/-I/-isystem /g')
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lnotmuch

WARN = -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wstrict-prototypes \
       -Wmissing-prototypes -Wvla
CFLAGS ?= -g -O2
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -DMAILARC_VERSION='"$(VERSION)"' \
	     -Ilib $(WARN) $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
ifeq ($(SAN),1)
ALL_CFLAGS += -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	      -fno-sanitize-recover=undefined
SAN_LDFLAGS = -fsanitize=address,undefined
endif
LDLIBS_ALL = $(SAN_LDFLAGS) $(LDFLAGS) $(PKG_LIBS)

LIB_SRC := $(sort $(wildcard lib/*.c lib/render/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(O)/obj/%.o)
FILTER_SRC := $(sort $(wildcard bin/*.c))
FILTERS := $(FILTER_SRC:bin/%.c=$(O)/bin/%)
FRONT_SRC := $(sort $(wildcard bin/mailarc/*.c))
FRONT_OBJ := $(FRONT_SRC:%.c=$(O)/obj/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/*_test.c))
UNITS := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
PROGS := $(FILTERS) $(O)/bin/mailarc

Q = @
ifeq ($(V),1)
Q =
endif

.SECONDARY:
.PHONY: all units check demo deps deps-bench deps-fuzz lint format clean install \
	bench torture fuzz
all: $(PROGS)

$(O)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/libmailarc.a: $(LIB_OBJ)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(O)/bin/%: $(O)/obj/bin/%.o $(O)/libmailarc.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(LDLIBS_ALL)

$(O)/bin/mailarc: $(FRONT_OBJ) $(O)/libmailarc.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(LDLIBS_ALL)

$(O)/tests/%: $(O)/obj/tests/unit/%.o $(O)/libmailarc.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC) -o $@ $^ $(LDLIBS_ALL) -lcmocka

units: $(UNITS)

-include $(LIB_OBJ:.o=.d) $(FRONT_OBJ:.o=.d) \
	$(FILTER_SRC:%.c=$(O)/obj/%.d) $(UNIT_SRC:%.c=$(O)/obj/%.d)

# Debian packages: to build, to test, and the peers the benchmarks compare
# against. "make deps" installs what is missing (as root) or prints the
# apt-get line to run.
DEPS_BUILD = build-essential pkg-config libcurl4-openssl-dev libssl-dev \
	libnotmuch-dev notmuch libgmime-3.0-dev libinih-dev libjansson-dev \
	libgumbo-dev zlib1g-dev scdoc
DEPS_TEST = libcmocka-dev bats dovecot-imapd dovecot-pop3d chromium \
	python3 openssl procps psmisc man-db strace fonts-ipafont-gothic microsocks
DEPS_BENCH = isync fetchmail getmail6 mpop mhonarc public-inbox time \
	hyperfine
DEPS_FUZZ = clang
deps:
	$(Q)sh tests/deps.sh $(DEPS_BUILD) $(DEPS_TEST)
	$(Q)sh tests/popa3d.sh build/popa3d
deps-bench:
	$(Q)sh tests/deps.sh $(DEPS_BUILD) $(DEPS_TEST) $(DEPS_BENCH)
deps-fuzz:
	$(Q)sh tests/deps.sh $(DEPS_BUILD) $(DEPS_FUZZ)

# The optimised build too: -O2 sees warnings (format truncation, maybe
# uninitialised) that the sanitizer build at -O1 does not, and make demo
# uses it.
check: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory O=build/san SAN=1 all units
	$(Q)MAILARC_BUILD=build/san sh tests/run.sh

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)MAILARC_BUILD=$(O) sh tests/demo.sh

# Benchmarks print figures side by side with the peer tools (bench/STAGE/);
# torture and fuzz runs are bounded; each stage adds its own to these.
bench: deps-bench bench-fetch bench-dedupe bench-render bench-oauth \
	bench-shapes \
	bench-systemd

lint:
	$(Q)sh tests/lint.sh

format:
	$(Q)clang-format -i lib/*.[ch] lib/render/*.[ch] bin/*.c bin/mailarc/*.[ch] \
		tests/unit/*.c

clean:
	rm -rf build

# The fuzzers (mk/*.mk, tests/fuzz/) link the whole library, built once
# with libFuzzer's instrumentation, so that a function moved to a new file
# in lib/ never breaks their link.
FUZZ_CFLAGS = -std=c11 -D_GNU_SOURCE -DMAILARC_VERSION='"fuzz"' -g -O1 \
	-Ilib $(PKG_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined
FUZZ_OBJ := $(LIB_SRC:lib/%.c=build/fuzz/obj/%.o)
FUZZ_LIB = build/fuzz/libmailarc.a

build/fuzz/obj/%.o: lib/%.c lib/*.h lib/render/*.h | deps-fuzz
	@mkdir -p $(@D)
	$(Q)clang $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

# Where each tree of "make install" belongs is set in mk/install.mk.
-include mk/*.mk

# SPDX-License-Identifier: GPL-2.0-or-later
# netboot suite: plain GNU make, objects and binaries under $(B)/.

# The suite's version, written once: VERSION at the top of the tree.
# Scripts carry @VERSION@, replaced by make install (from the source tree
# they read VERSION themselves).
VERSION  := $(strip $(file <VERSION))
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
SBINDIR  ?= $(PREFIX)/sbin
MANDIR   ?= $(PREFIX)/share/man
DESTDIR  ?=

B        ?= build
CC       ?= cc
PKG_CONFIG ?= pkg-config
CFLAGS   ?= -O2 -g
LDFLAGS  ?=

WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wcast-qual
# CI (CI=true in the environment) turns every warning into an error.
WERROR   ?= $(if $(CI),-Werror)
NB_CFLAGS = -std=c11 -D_GNU_SOURCE -DNETBOOT_VERSION='"$(VERSION)"' \
            -Ilib $(WARN) $(WERROR) -MMD -MP

TOOLS       := aoetarget proxydhcp tftpd bootcfg mkimz
SBIN_TOOLS  := aoetarget proxydhcp tftpd
BIN_TOOLS   := bootcfg mkimz

# Libraries each tool links besides lib/ and popt.
aoetarget_LIBS := -lpcap
proxydhcp_LIBS := -lpcap -lnet
tftpd_LIBS     :=
bootcfg_LIBS   :=
mkimz_LIBS     := -lzstd -lxxhash -lpthread
POPT_LIBS      := -lpopt
# lib/sandbox.c needs libseccomp; --as-needed keeps it out of the tools
# that do not sandbox themselves.
LIB_LIBS       := -Wl,--as-needed -lseccomp

LIB_SRCS := $(wildcard lib/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/obj/%.o)
LIBNB    := $(B)/lib/libnetboot.a

UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_BINS := $(UNIT_SRCS:%.c=$(B)/%)
# Helpers the integration tests run (initiators, load clients): one .c each,
# linked with lib/, built with everything else into $(B)/tests/tools/.
TTOOL_SRCS := $(wildcard tests/integ/tools/*.c)
TTOOL_BINS := $(TTOOL_SRCS:tests/integ/tools/%.c=$(B)/tests/tools/%)
# Load generators bench/ scripts run: bench/NAME.c -> $(B)/bench/NAME.
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_BINS := $(BENCH_SRCS:%.c=$(B)/%)
# The demo disk's boot code: scripts/demo/NAME.s -> $(B)/demo/NAME.bin.
DEMO_BOOT := $(patsubst scripts/demo/%.s,$(B)/demo/%.bin,$(wildcard scripts/demo/*.s))
INTEG     := $(sort $(wildcard tests/integ/*.t))
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
MANPAGES  := $(wildcard man/*.[1-8])

.PHONY: all check test demo deps deps-bench install install-files tools deb \
        print-version asan fuzz fuzz-long fuzz-corpus lint bench clean

all: $(TOOLS:%=$(B)/%) $(UNIT_BINS) $(TTOOL_BINS) $(DEMO_BOOT)

$(B)/obj/%.o: %.c VERSION
	@mkdir -p $(@D)
	$(CC) $(NB_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBNB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# 16-bit boot sectors, linked where they run: the MBR moves itself to 0x600.
$(B)/demo/mbr.bin: BOOT_ORG := 0x600
$(B)/demo/%.bin: BOOT_ORG ?= 0x7c00
$(B)/demo/%.bin: scripts/demo/%.s
	@mkdir -p $(@D)
	$(AS) --32 -o $(@:.bin=.o) $<
	$(LD) -m elf_i386 -Ttext=$(BOOT_ORG) --oformat=binary -o $@ $(@:.bin=.o)

# Per tool: its objects, the same without main.o (for unit tests and fuzz
# harnesses), and the binary.
define tool_rules
$(1)_OBJS   := $$(patsubst %.c,$(B)/obj/%.o,$$(wildcard $(1)/*.c))
$(1)_CORE   := $$(filter-out $(B)/obj/$(1)/main.o,$$($(1)_OBJS))
$(B)/$(1): $$($(1)_OBJS) $(LIBNB)
	$$(CC) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$^ $$($(1)_LIBS) $(POPT_LIBS) $(LIB_LIBS)
endef
$(foreach t,$(TOOLS),$(eval $(call tool_rules,$(t))))

# tests/unit/lib_*.c test lib/ alone; tests/unit/TOOL_*.c also link that
# tool's objects other than main.o.
unit_tool = $(firstword $(filter $(TOOLS),$(firstword $(subst _, ,$(notdir $(1))))))
.SECONDEXPANSION:
$(B)/tests/unit/%: tests/unit/%.c tests/unit/tap.h $$($$(call unit_tool,$$*)_CORE) $(LIBNB)
	@mkdir -p $(@D)
	$(CC) $(NB_CFLAGS) -Itests/unit $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ \
	    $< $($(call unit_tool,$*)_CORE) $(LIBNB) $($(call unit_tool,$*)_LIBS) \
	    $(POPT_LIBS) $(LIB_LIBS)

# --- tests ------------------------------------------------------------------

PROVE ?= prove
test: all
	NB_BIN=$(abspath $(B)) NB_SRC=$(CURDIR) $(PROVE) $(UNIT_BINS) $(INTEG)

check: deps
	$(MAKE) all
	$(MAKE) lint
	$(MAKE) test

deps:
	@sh scripts/deps build test package

deps-bench:
	@sh scripts/deps bench

SAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
             -fno-sanitize-recover=undefined
asan: deps
	$(MAKE) B=build-asan CFLAGS="$(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" all
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    $(MAKE) B=build-asan CFLAGS="$(SAN_FLAGS)" LDFLAGS="$(SAN_FLAGS)" test

# libFuzzer harnesses: tests/fuzz/fuzz_NAME.c, linked with lib/ and, for
# fuzz_TOOL_*.c, that tool's objects other than main.o.  FUZZ_SECONDS=0
# only builds them; otherwise each runs that long on its corpus.
FUZZ_SECONDS ?= 10
FUZZ_FLAGS := -O1 -g -fno-omit-frame-pointer \
              -fsanitize=fuzzer-no-link,address,undefined
fuzz: deps
	$(MAKE) B=build-fuzz CC=clang CFLAGS="$(FUZZ_FLAGS)" \
	    LDFLAGS="-fsanitize=address,undefined" fuzz-build
	@for f in $(FUZZ_SRCS:tests/fuzz/%.c=%); do \
	    [ "$(FUZZ_SECONDS)" = 0 ] && break; \
	    mkdir -p build-fuzz/corpus/$$f; \
	    seeds=tests/fuzz/corpus/$$f; [ -d $$seeds ] || seeds=; \
	    echo "fuzz: $$f for $(FUZZ_SECONDS)s"; \
	    build-fuzz/tests/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) \
	        -print_final_stats=1 build-fuzz/corpus/$$f $$seeds \
	        2>build-fuzz/$$f.log || { tail -40 build-fuzz/$$f.log; exit 1; }; \
	    grep -E 'stat::number_of_executed_units' build-fuzz/$$f.log; \
	done

# fuzz-long: every harness for FUZZ_RUNS executions, FUZZ_JOBS at a time,
# and a table of executions, coverage, corpus and findings (exit 1 when
# something was found); new units stay in build-fuzz/corpus/.  fuzz-corpus
# adds to tests/fuzz/corpus/HARNESS/ the fewest of those that bring new
# coverage (libFuzzer -merge=1); FUZZ_NAMES="fuzz_A fuzz_B" limits either.
FUZZ_RUNS ?= 10000000
FUZZ_JOBS ?= $(shell nproc)
FUZZ_NAMES := $(FUZZ_SRCS:tests/fuzz/%.c=%)
fuzz-long:
	$(MAKE) fuzz FUZZ_SECONDS=0
	FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_JOBS=$(FUZZ_JOBS) \
	    sh tests/fuzz/run-long build-fuzz $(FUZZ_NAMES)
fuzz-corpus:
	$(MAKE) fuzz FUZZ_SECONDS=0
	sh tests/fuzz/run-long --minimize build-fuzz $(FUZZ_NAMES)

FUZZ_BINS := $(FUZZ_SRCS:%.c=$(B)/%)
fuzz-build: $(FUZZ_BINS)
$(B)/tests/fuzz/%: tests/fuzz/%.c $$($$(call unit_tool,$$(subst fuzz_,,$$*))_CORE) $(LIBNB)
	@mkdir -p $(@D)
	$(CC) $(NB_CFLAGS) $(CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ \
	    $(filter %.c %.o %.a,$^) \
	    $($(call unit_tool,$(patsubst fuzz_%,%,$*))_LIBS) $(POPT_LIBS) $(LIB_LIBS)

# --- everything else --------------------------------------------------------

lint:
	mandoc -Tlint -W warning $(MANPAGES)
	cppcheck --quiet --error-exitcode=1 --std=c11 --inline-suppr \
	    --enable=warning,portability,performance -Ilib -D_GNU_SOURCE \
	    lib $(TOOLS) tests/unit tests/fuzz tests/integ/tools bench

# The demo runs from the source tree (it is not installed).
demo:
	@sh scripts/deps build demo
	$(MAKE) all
	sh scripts/netboot-demo $(ARGS)

bench: deps deps-bench all $(BENCH_BINS)
	@set -e; n=0; for b in bench/*; do \
	    [ -f "$$b" ] && [ -x "$$b" ] || continue; n=$$((n + 1)); \
	    echo "== $$b"; NB_BIN=$(abspath $(B)) "$$b"; \
	done; [ $$n -gt 0 ] || echo "bench: no benchmarks yet"

# Load clients bench/ scripts drive (they build them through this rule).
$(B)/bench/%: bench/%.c $(LIBNB)
	@mkdir -p $(@D)
	$(CC) $(NB_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBNB) \
	    -lpthread

$(B)/tests/tools/%: tests/integ/tools/%.c $(LIBNB)
	@mkdir -p $(@D)
	$(CC) $(NB_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBNB)

# What make install and the Debian package put in place.  Units name
# $(SBINDIR); configuration skeletons go to $(SYSCONFDIR) and are never
# overwritten by make install (the package makes them conffiles).
SYSCONFDIR ?= /etc
UNITDIR    ?= $(PREFIX)/lib/systemd/system
USER_SCRIPTS  := netboot-assign netboot-capture netboot-cast netboot-restore netboot-sign
ADMIN_SCRIPTS := mkaoeinitrd
UNITS   := $(wildcard etc/systemd/*.service etc/systemd/*.socket)
CONFS   := $(wildcard etc/netboot/*)

tools: $(TOOLS:%=$(B)/%)

install: tools install-files

install-files:
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(SYSCONFDIR)/netboot $(DESTDIR)$(SYSCONFDIR)/default
	install -m 0755 $(SBIN_TOOLS:%=$(B)/%) $(DESTDIR)$(SBINDIR)
	install -m 0755 $(BIN_TOOLS:%=$(B)/%) $(DESTDIR)$(BINDIR)
	@for s in $(USER_SCRIPTS:%=$(DESTDIR)$(BINDIR)/%) \
	    $(ADMIN_SCRIPTS:%=$(DESTDIR)$(SBINDIR)/%); do \
	    sed 's/@VERSION@/$(VERSION)/g' "scripts/$${s##*/}" >"$$s" && \
	    chmod 0755 "$$s" || exit 1; \
	done
	@for m in $(MANPAGES); do \
	    sec=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$sec; \
	    install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$sec; \
	done
	@for u in $(UNITS); do \
	    sed 's|@SBINDIR@|$(SBINDIR)|g' $$u >$(DESTDIR)$(UNITDIR)/$${u##*/}; \
	    chmod 0644 $(DESTDIR)$(UNITDIR)/$${u##*/}; \
	done
	@for c in $(CONFS) etc/default/netboot; do \
	    d=$(DESTDIR)$(SYSCONFDIR)/$${c#etc/}; \
	    if [ -e "$$d" ]; then echo "install: keeping $$d"; continue; fi; \
	    install -m 0644 $$c $$d; \
	done

# An unsigned binary package in $(B)/: the tree is copied so that the
# build never writes into the checkout, and debian/changelog is made from
# $(VERSION) so that the version stays written once.
DEB_DIR := $(B)/deb/netboot-$(VERSION)
deb:
	@sh scripts/deps build package
	rm -rf $(B)/deb && mkdir -p $(DEB_DIR)
	git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t $(DEB_DIR)
	printf '%s\n' "netboot ($(VERSION)) unstable; urgency=medium" "" \
	    "  * Release $(VERSION)." "" \
	    " -- netboot suite developers <netboot-maintainers@example.org>  $$(date -R)" \
	    >$(DEB_DIR)/debian/changelog
	cd $(DEB_DIR) && dpkg-buildpackage -us -uc -b
	mv $(B)/deb/netboot_$(VERSION)_*.deb $(B)/
	@ls $(B)/netboot_$(VERSION)_*.deb

print-version:
	@echo $(VERSION)

clean:
	rm -rf build build-asan build-fuzz

-include $(shell find $(B) -name '*.d' -type f 2>/dev/null)

# saslkey - Cyrus SASL server plugins for API keys, CRAM-MD5 and OAuth 2.0
#
#   make            build the plugin, the CLI and the checkpassword helper
#   make check      install missing Debian packages, build, run every test
#   make demo       the main job on a real Postfix (see README)
#   make install    PREFIX=/usr/local DESTDIR=
#   make bench      benchmarks (callgrind instruction counts, wall ratios)
#   make fuzz       libFuzzer targets under sanitizers
#   make deb / rpm  packages

PKG_CONFIG ?= pkg-config
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
DOCDIR     ?= $(PREFIX)/share/doc/saslkey
# The plugin gets its own directory beside (never inside) the stock sasl2
# directory: see README "Installing beside the stock plugins".
SASL_LIBDIR = $(shell $(PKG_CONFIG) --variable=libdir libsasl2)
PLUGINDIR  ?= $(SASL_LIBDIR)/saslkey/sasl2
STOCK_PLUGINDIR ?= $(SASL_LIBDIR)/sasl2

VERSION    := 0.1.0
# SANITIZE=address,undefined builds everything (plugin, CLI, tests) with
# clang's ASan+UBSan.  Objects do not record their flags, so a sanitizer
# build gets its own directory: build/asan (build/san-<list> for others).
SANITIZE   ?=
comma      := ,
BUILD      ?= $(if $(SANITIZE),build/$(if $(filter \
	      address$(comma)undefined,$(SANITIZE)),asan,san-$(subst \
	      $(comma),-,$(SANITIZE))),build)
CC         ?= cc
WERROR     ?= 1

# pkg-config runs lazily (=, not :=): `make check` installs the -dev
# packages first and only then needs their flags.
PLUGIN_PKGS = libcrypto jansson sqlite3
TOOL_PKGS   = libsasl2 libcrypto jansson sqlite3
TEST_PKGS   = libsasl2 libcrypto jansson sqlite3 cunit
pkg_cflags  = $(shell $(PKG_CONFIG) --cflags $(1) libsasl2)
pkg_libs    = $(shell $(PKG_CONFIG) --libs $(1))

OPT        ?= -O2 -g
WARN       := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
	      -Wmissing-prototypes -Wpointer-arith -Wvla
ifeq ($(WERROR),1)
WARN       += -Werror
endif
# (not FORTIFY under sanitizers: its __*_chk wrappers bypass ASan's checks)
HARDEN     := $(if $(SANITIZE),,-D_FORTIFY_SOURCE=2) -fstack-protector-strong
BASE_CFLAGS = -std=gnu11 $(OPT) $(WARN) $(HARDEN) -fPIC \
	      -fvisibility=hidden -MMD -MP -Icommon \
	      -DSASLKEY_VERSION='"$(VERSION)"'
ALL_CFLAGS  = $(BASE_CFLAGS) $(call pkg_cflags,$(TOOL_PKGS)) $(CPPFLAGS) \
	      $(CFLAGS)
TEST_CFLAGS = $(BASE_CFLAGS) $(call pkg_cflags,$(TEST_PKGS)) -Itests/lib \
	      -Iplugins $(CPPFLAGS) $(CFLAGS)
HARDEN_LD  := -Wl,-z,relro -Wl,-z,now
ZDEFS      := -Wl,-z,defs

# Sanitizer builds: every report is fatal (no recovery), frame pointers for
# readable stacks; SK_FUZZ=1 (make fuzz) adds libFuzzer's coverage to every
# object, the plugin's included, so the fuzzers see into it.  The plugin
# cannot be linked with -z defs then: the sanitizer (and libFuzzer) runtime
# lives in the executable that dlopen()s it.
ifneq ($(SANITIZE),)
ifeq ($(origin CC),default)
CC         := clang
endif
SAN_CFLAGS := -fsanitize=$(SANITIZE) -fno-sanitize-recover=all \
	      -fno-omit-frame-pointer $(if $(SK_FUZZ),-fsanitize=fuzzer-no-link)
BASE_CFLAGS += $(SAN_CFLAGS)
override LDFLAGS += -fsanitize=$(SANITIZE)
ZDEFS      :=
endif

COMMON_SRCS := $(sort $(wildcard common/*.c))
PLUGIN_SRCS := $(sort $(wildcard plugins/*.c))
CLI_SRCS    := $(sort $(wildcard tools/saslkey/*.c))
CHECKPW_SRCS := $(sort $(wildcard tools/checkpassword/*.c))
TESTLIB_SRCS := $(sort $(wildcard tests/lib/*.c))
UNIT_SRCS   := $(sort $(wildcard tests/unit/*.c))
SASLT_SRCS  := $(sort $(wildcard tests/sasl/*.c))
CLIT_SRCS   := $(sort $(wildcard tests/cli/*.c))
FUZZ_SRCS   := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZLIB_SRCS := $(sort $(wildcard tests/fuzz/lib/*.c))
STRESS_SRCS := $(sort $(wildcard tests/stress/*.c))

# V=1 shows the full commands
ifeq ($(V),1)
Q :=
else
Q := @
endif

obj = $(patsubst %.c,$(BUILD)/%.o,$(1))

COMMON_LIB  := $(BUILD)/libsaslkey-common.a
PLUGIN      := $(BUILD)/plugin/libsaslkey.so
CLI         := $(BUILD)/saslkey
CHECKPW     := $(BUILD)/saslkey-checkpassword
UNIT_TESTS  := $(BUILD)/tests/unit-tests
SASL_TESTS  := $(BUILD)/tests/sasl-tests
CLI_TESTS   := $(BUILD)/tests/cli-tests
# (parts appear as their sources do)
PROGRAMS    := $(CLI) $(if $(PLUGIN_SRCS),$(PLUGIN)) \
	       $(if $(CHECKPW_SRCS),$(CHECKPW))
TEST_PROGRAMS := $(UNIT_TESTS) $(if $(SASLT_SRCS),$(SASL_TESTS)) \
		 $(if $(CLIT_SRCS),$(CLI_TESTS))
# the authenticating process of tests/e2e/concurrency.sh (libsasl2 only)
STRESS      := $(BUILD)/tests/sk-stress
TEST_PROGRAMS += $(if $(STRESS_SRCS),$(STRESS))

.PHONY: all check check-run check-suites tests deps demo install uninstall \
	clean bench \
	bench-tools bench-smoke \
	fuzz deb rpm e2e
.DELETE_ON_ERROR:

all: $(PROGRAMS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(TEST_CFLAGS) -c -o $@ $<

$(COMMON_LIB): $(call obj,$(COMMON_SRCS))
	@mkdir -p $(dir $@)
	@rm -f $@
	@$(if $(Q),echo "  AR      $@")
	$(Q)$(AR) rcs $@ $^

# The plugin: no libsasl2 link (everything comes through sasl_utils_t, and
# the soname differs between distributions), every symbol resolved at link
# time (-z defs, except under SANITIZE) and only the SASL entry points
# exported (exports.map).
$(PLUGIN): $(call obj,$(PLUGIN_SRCS)) $(COMMON_LIB) plugins/exports.map
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -shared -o $@ $(call obj,$(PLUGIN_SRCS)) $(COMMON_LIB) \
	    $(ZDEFS) -Wl,--version-script=plugins/exports.map \
	    -Wl,--exclude-libs,ALL -Wl,-soname,libsaslkey.so $(HARDEN_LD) \
	    $(LDFLAGS) $(call pkg_libs,$(PLUGIN_PKGS))

# the CLI names the install directories in its advice
$(BUILD)/tools/saslkey/cmd_doctor.o: ALL_CFLAGS += \
	-DSK_PLUGINDIR='"$(PLUGINDIR)"' -DSK_STOCK_PLUGINDIR='"$(STOCK_PLUGINDIR)"'

$(CLI): $(call obj,$(CLI_SRCS)) $(COMMON_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $^ $(HARDEN_LD) -pie $(LDFLAGS) \
	    $(call pkg_libs,$(TOOL_PKGS))

$(CHECKPW): $(call obj,$(CHECKPW_SRCS)) $(COMMON_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $^ $(HARDEN_LD) -pie $(LDFLAGS) \
	    $(call pkg_libs,$(PLUGIN_PKGS))

$(UNIT_TESTS): $(call obj,$(UNIT_SRCS) $(TESTLIB_SRCS)) $(COMMON_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $^ $(LDFLAGS) $(call pkg_libs,$(TEST_PKGS))

$(SASL_TESTS): $(call obj,$(SASLT_SRCS) $(TESTLIB_SRCS)) $(COMMON_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $^ $(LDFLAGS) $(call pkg_libs,$(TEST_PKGS))

$(CLI_TESTS): $(call obj,$(CLIT_SRCS) $(TESTLIB_SRCS)) $(COMMON_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $^ $(LDFLAGS) $(call pkg_libs,$(TEST_PKGS))

$(STRESS): $(call obj,$(STRESS_SRCS))
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $^ $(LDFLAGS) $(call pkg_libs,libsasl2)

tests: $(PROGRAMS) $(TEST_PROGRAMS)

deps:
	@sh packaging/deps.sh check

# `make check` = install what is missing, then build and test in a fresh
# make (so pkg-config sees the packages deps.sh just installed).
check:
	@sh packaging/deps.sh check
	@$(MAKE) --no-print-directory check-run

# Paths the test programs need, passed by environment.
TEST_ENV = SK_BUILD=$(abspath $(BUILD)) SK_SRCDIR=$(CURDIR) \
	   SK_PLUGIN_DIR=$(abspath $(dir $(PLUGIN))) \
	   SK_STOCK_PLUGIN_DIR=$(STOCK_PLUGINDIR) \
	   SK_CLI=$(abspath $(CLI)) SK_CHECKPW=$(abspath $(CHECKPW))

# Under SANITIZE every report is fatal, leaks included (LeakSanitizer);
# tests/lsan.supp lists the libraries' own one-time allocations, if any.
SAN_ENV     = ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:$\
	      detect_stack_use_after_return=1:check_initialization_order=1 \
	      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	      LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	      SK_SAN_PRELOAD=$(SAN_PRELOAD)
# the shared ASan runtime, for tools the suites run that load the plugin
# but are not ASan programs themselves (saslpasswd2)
SAN_PRELOAD = $(firstword $(wildcard $(shell $(CC) -print-file-name=$\
	      libclang_rt.asan-$(shell uname -m).so) $(shell $(CC) $\
	      -print-file-name=libasan.so)))
ifneq ($(SANITIZE),)
TEST_ENV   += $(SAN_ENV)
endif

# check-run: every suite (check-suites), its output kept in
# $(BUILD)/logs/check-run.log, then tests/e2e/secret_scan.sh over that and
# every log and audit file the suites left (their secrets: $(BUILD)/secrets).
# Output goes to a file, not a pipe: a stray daemon cannot hold it open.
CHECK_LOG   = $(BUILD)/logs/check-run.log
# (not in the package builds' copy of the tree, which has no tests/e2e)
SECRET_SCAN = $(wildcard tests/e2e/secret_scan.sh)
check-run: tests
	@rm -rf $(BUILD)/logs $(BUILD)/secrets $(BUILD)/*/logs $(BUILD)/*/secrets
	@mkdir -p -m 0700 $(BUILD)/logs && : >$(CHECK_LOG)
	@$(MAKE) --no-print-directory check-suites >$(CHECK_LOG) 2>&1 & \
	    pid=$$!; tail -n +1 -s 0.2 --pid=$$pid -f $(CHECK_LOG); \
	    wait $$pid; st=$$?; \
	    if [ -n "$(SECRET_SCAN)" ]; then \
	        echo "== secret hygiene: the output above, every log and audit file"; \
	        $(TEST_ENV) sh $(SECRET_SCAN) || st=1; \
	    fi; exit $$st

check-suites: tests
	@echo "== unit tests (common/)"
	@$(TEST_ENV) $(UNIT_TESTS)
ifneq ($(CLIT_SRCS),)
	@echo "== CLI tests (tools/saslkey)"
	@$(TEST_ENV) $(CLI_TESTS)
endif
ifneq ($(PLUGIN_SRCS),)
	@echo "== exported symbols of the plugin"
	@sh tests/check-exports.sh $(PLUGIN)
endif
ifneq ($(SASLT_SRCS),)
	@echo "== in-process libsasl2 tests (plugins/)"
	@$(TEST_ENV) $(SASL_TESTS)
endif
ifneq ($(wildcard tests/e2e/run.sh),)
ifeq ($(SANITIZE),)
	@echo "== end-to-end tests"
	@$(TEST_ENV) sh tests/e2e/run.sh
else
	@echo "== end-to-end tests: skipped under SANITIZE (see check-san)"
endif
endif
ifeq ($(SANITIZE),)
	@echo "== benchmark harness: smoke run, outcomes only (bench/)"
	@$(MAKE) --no-print-directory bench-smoke
ifneq ($(FUZZ_SRCS),)
	@echo "== fuzzing: $(words $(FUZZ_SRCS)) libFuzzer targets, $(FUZZ_TIME) s each, $(FUZZ_JOBS) at a time (tests/fuzz)"
	@$(MAKE) --no-print-directory fuzz-run
endif
	@echo "== ASan+UBSan build in $(BUILD)/asan: plugin, CLI, tests"
	@$(MAKE) --no-print-directory -j$(NPROC) $(SAN_MAKE) tests
	@echo "== ASan+UBSan: unit, CLI and in-process libsasl2 tests;" \
	    "$(if $(SASLT_SRCS),the libsasl2 tests under valgrind;) two at" \
	    "a time, each printed when done"
	@$(MAKE) --no-print-directory -j2 -Otarget check-hardening-cli \
	    check-hardening-rest
endif

# The suites of a SANITIZE build (`make check` runs them in $(BUILD)/asan).
# Not the end-to-end suites: Postfix, Dovecot and the sample server are
# not ASan builds, and a non-ASan process cannot load an ASan-built plugin
# (the sanitizer runtime has to be the first library of the process).
check-san: check-san-unit check-san-cli check-san-sasl

check-san-unit: tests
	@echo "-- unit tests (ASan+UBSan)"
	@$(TEST_ENV) $(UNIT_TESTS)

check-san-cli: tests
ifneq ($(CLIT_SRCS),)
	@echo "-- CLI tests (ASan+UBSan)"
	@$(TEST_ENV) $(CLI_TESTS)
endif

check-san-sasl: tests
ifneq ($(SASLT_SRCS),)
	@echo "-- in-process libsasl2 tests (ASan+UBSan)"
	@$(TEST_ENV) $(SASL_TESTS)
endif

# `make check`: the ASan CLI suite (some 1,100 CLI runs, each paying for
# ASan's start-up and LeakSanitizer's exit check: minutes, mostly waiting
# on the kernel) runs beside the other ASan suites and valgrind.
SAN_MAKE    = BUILD=$(BUILD)/asan SANITIZE=address,undefined
NPROC      := $(shell nproc 2>/dev/null || echo 2)

check-hardening-cli:
	@$(MAKE) --no-print-directory $(SAN_MAKE) check-san-cli

check-hardening-rest:
	@$(MAKE) --no-print-directory $(SAN_MAKE) check-san-unit check-san-sasl
ifneq ($(SASLT_SRCS),)
	@echo "-- in-process libsasl2 tests under valgrind"
	@$(MAKE) --no-print-directory valgrind-sasl
endif

# The in-process libsasl2 suites under valgrind: no error and no leak
# (definite, indirect or possible); tests/valgrind.supp holds only
# libsasl2's and OpenSSL's own one-time allocations, each with its reason.
VALGRIND    = valgrind --leak-check=full --error-exitcode=1 \
	      --errors-for-leak-kinds=definite,indirect,possible \
	      --num-callers=40 --suppressions=$(CURDIR)/tests/valgrind.supp
VALGRIND_LOG = $(BUILD)/valgrind-sasl.log

valgrind-sasl: $(SASL_TESTS) $(PROGRAMS)
	@$(TEST_ENV) $(VALGRIND) --log-file=$(VALGRIND_LOG) $(SASL_TESTS) && \
	    awk '/ERROR SUMMARY:/ { n++; gsub(",", "", $$4); e += $$4 } \
	    /(definitely|indirectly|possibly) lost:/ { gsub(",", "", $$4); \
	    l += $$4 } END { printf "ok   valgrind: %d process(es) (the " \
	    "suite and its forks), %d errors, %d bytes lost\n", n, e, l; \
	    exit n == 0 || e + l > 0 }' $(VALGRIND_LOG) || \
	    { cat $(VALGRIND_LOG); echo "FAIL valgrind: see $(VALGRIND_LOG)"; \
	      exit 1; }

# ---- fuzzing (tests/fuzz/README.md) ----
# `make fuzz` builds one libFuzzer binary per tests/fuzz/fuzz_*.c, with
# clang, ASan+UBSan and coverage everywhere, into $(FUZZ_BUILD) (with a
# plugin of the same build beside them: the SASL targets load it through
# libsasl2).  `make fuzz-run` (part of `make check`) runs each for
# FUZZ_TIME seconds, FUZZ_JOBS at a time, from its seed corpus; new
# inputs go to a scratch directory, never into the tree.
FUZZ_BUILD  ?= $(BUILD)/fuzz
FUZZ_CC     ?= clang
FUZZ_TIME   ?= 25
FUZZ_JOBS   ?= 2
FUZZ_TARGETS = $(patsubst tests/fuzz/%.c,$(BUILD)/%,$(FUZZ_SRCS))

.PHONY: check-san check-san-unit check-san-cli check-san-sasl \
	check-hardening-cli check-hardening-rest valgrind-sasl fuzz-targets \
	fuzz-run

fuzz:
	@$(MAKE) --no-print-directory -j$(NPROC) BUILD=$(FUZZ_BUILD) \
	    CC=$(FUZZ_CC) SANITIZE=address,undefined SK_FUZZ=1 fuzz-targets

fuzz-targets: $(FUZZ_TARGETS) $(PLUGIN)

$(BUILD)/tests/fuzz/%.o: TEST_CFLAGS += -Itests/fuzz/lib

$(FUZZ_TARGETS): $(BUILD)/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o \
		 $(call obj,$(FUZZLIB_SRCS)) $(COMMON_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -fsanitize=fuzzer -o $@ $^ $(LDFLAGS) \
	    $(call pkg_libs,$(TEST_PKGS))

fuzz-run: fuzz
	@sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_TIME) $(FUZZ_JOBS)

e2e: tests
	@$(TEST_ENV) sh tests/e2e/run.sh

demo:
	@sh packaging/deps.sh demo
	@$(MAKE) --no-print-directory all
	@$(TEST_ENV) sh tools/demo.sh

# The benchmark harness (bench/README.md): skbench drives libsasl2 in one
# process and links only libsasl2 and libcrypto, as an MTA does; skgen
# fills a store in bulk through the store API.
SKBENCH     := $(BUILD)/bench/skbench
SKGEN       := $(BUILD)/bench/skgen
SQPROBE     := $(BUILD)/bench/sqprobe
BENCH_ENV   = $(TEST_ENV) SK_SKBENCH=$(abspath $(SKBENCH)) \
	      SK_SKGEN=$(abspath $(SKGEN))

$(SKBENCH): $(BUILD)/bench/skbench.o
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $^ $(HARDEN_LD) -pie $(LDFLAGS) \
	    $(call pkg_libs,libsasl2 libcrypto)

$(SKGEN): $(BUILD)/bench/skgen.o $(COMMON_LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $^ $(HARDEN_LD) -pie $(LDFLAGS) \
	    $(call pkg_libs,$(PLUGIN_PKGS))

$(SQPROBE): $(BUILD)/bench/sqprobe.o
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -o $@ $^ $(HARDEN_LD) -pie $(LDFLAGS) $(call pkg_libs,sqlite3)

bench-tools: $(SKBENCH) $(SKGEN) $(SQPROBE)

# the full suite (minutes; valgrind): writes bench/RESULTS.md
bench:
	@sh packaging/deps.sh check
	@sh bench/deps.sh
	@$(MAKE) --no-print-directory all bench-tools
	@$(BENCH_ENV) sh bench/run.sh

# CI: a few authentications per scenario, outcomes only, no timing
bench-smoke: $(PROGRAMS) bench-tools
	@$(BENCH_ENV) sh bench/smoke.sh

# Example configurations (Postfix, Cyrus IMAP, Dovecot, fail2ban) go to
# $(DOCDIR)/examples; the man pages to $(MANDIR).  The plugin is 0644 here
# (Debian's rule for dlopen()ed modules); the RPM spec makes it 0755.
EXAMPLES    := $(sort $(shell find packaging/examples packaging/fail2ban \
		 -type f 2>/dev/null))

install: all
	install -d $(DESTDIR)$(PLUGINDIR) $(DESTDIR)$(SBINDIR)
	install -m 0644 $(PLUGIN) $(DESTDIR)$(PLUGINDIR)/libsaslkey.so
	install -m 0755 $(CLI) $(DESTDIR)$(SBINDIR)/saslkey
	install -m 0755 $(CHECKPW) $(DESTDIR)$(SBINDIR)/saslkey-checkpassword
	install -d $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5
	for m in docs/*.8; do [ -f "$$m" ] && install -m 0644 "$$m" \
	    $(DESTDIR)$(MANDIR)/man8/ || true; done
	for m in docs/*.5; do [ -f "$$m" ] && install -m 0644 "$$m" \
	    $(DESTDIR)$(MANDIR)/man5/ || true; done
	install -d $(DESTDIR)$(DOCDIR)/examples
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	for f in $(EXAMPLES); do \
	    rel=$${f#packaging/}; rel=$${rel#examples/}; \
	    d=$(DESTDIR)$(DOCDIR)/examples/$$(dirname "$$rel"); \
	    install -d "$$d" && install -m 0644 "$$f" "$$d/" || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(PLUGINDIR)/libsaslkey.so \
	    $(DESTDIR)$(SBINDIR)/saslkey \
	    $(DESTDIR)$(SBINDIR)/saslkey-checkpassword \
	    $(DESTDIR)$(MANDIR)/man8/saslkey.8 \
	    $(DESTDIR)$(MANDIR)/man8/saslkey-checkpassword.8 \
	    $(DESTDIR)$(MANDIR)/man5/saslkey.conf.5
	rm -rf $(DESTDIR)$(DOCDIR)
	rmdir $(DESTDIR)$(PLUGINDIR) $(DESTDIR)$(patsubst %/,%,$(dir \
	    $(PLUGINDIR))) 2>/dev/null || true

# make deb / make rpm: packages from a scratch copy of the tree (without
# build directories, and without tests/e2e: those suites drive real
# daemons as root and are `make check`'s; a package build runs the unit,
# CLI and in-process libsasl2 suites), into $(BUILD)/packages.
# DEB_BUILD_OPTIONS=nocheck and RPMBUILD_OPTS=--nocheck skip those too.
# The scratch tree is beside $(BUILD), not in it: the tree has directories
# named *.d (fail2ban's), which the dependency include below would find.
PKG_OUT     = $(BUILD)/packages
PKG_SCRATCH = $(BUILD)-pkg
PKG_NAME    = saslkey-$(VERSION)
RPMBUILD_OPTS ?=
# the parent make's flags, jobserver and command-line variables (make
# exports those, BUILD=... included) must not leak into the package build:
# dpkg-buildpackage and rpmbuild run make themselves, with their own
PKG_ENV     = env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
	      -u BUILD -u PREFIX -u DESTDIR -u PLUGINDIR -u CFLAGS -u LDFLAGS
pkg_copy    = rm -rf $(1) && mkdir -p $(1) && \
	      tar -cf - --anchored --exclude=./.git --exclude='./build*' \
	          --exclude=./$(BUILD) --exclude=./tests/e2e . | tar -xf - -C $(1)

deb:
	@mkdir -p $(PKG_OUT)
	$(call pkg_copy,$(PKG_SCRATCH)/deb/$(PKG_NAME))
	cp -r packaging/debian $(PKG_SCRATCH)/deb/$(PKG_NAME)/debian
	cd $(PKG_SCRATCH)/deb/$(PKG_NAME) && \
	    $(PKG_ENV) dpkg-buildpackage -us -uc -b -Jauto
	mv $(PKG_SCRATCH)/deb/*.deb $(PKG_OUT)/
	rm -rf $(PKG_SCRATCH)
	@ls -1 $(PKG_OUT)/*.deb

rpm:
	@mkdir -p $(PKG_OUT)
	$(call pkg_copy,$(PKG_SCRATCH)/rpm/$(PKG_NAME))
	mkdir -p $(PKG_SCRATCH)/rpm/SOURCES
	tar -C $(PKG_SCRATCH)/rpm -czf \
	    $(PKG_SCRATCH)/rpm/SOURCES/$(PKG_NAME).tar.gz $(PKG_NAME)
	$(PKG_ENV) rpmbuild --define "_topdir $(abspath $(PKG_SCRATCH)/rpm)" \
	    --nodeps $(RPMBUILD_OPTS) -bb packaging/rpm/saslkey.spec
	mv $(PKG_SCRATCH)/rpm/RPMS/*/*.rpm $(PKG_OUT)/
	rm -rf $(PKG_SCRATCH)
	@ls -1 $(PKG_OUT)/*.rpm

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -type f -name '*.d' 2>/dev/null)

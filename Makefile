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
BUILD      ?= build
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
HARDEN     := -D_FORTIFY_SOURCE=2 -fstack-protector-strong
BASE_CFLAGS = -std=gnu11 $(OPT) $(WARN) $(HARDEN) -fPIC \
	      -fvisibility=hidden -MMD -MP -Icommon \
	      -DSASLKEY_VERSION='"$(VERSION)"'
ALL_CFLAGS  = $(BASE_CFLAGS) $(call pkg_cflags,$(TOOL_PKGS)) $(CPPFLAGS) \
	      $(CFLAGS)
TEST_CFLAGS = $(BASE_CFLAGS) $(call pkg_cflags,$(TEST_PKGS)) -Itests/lib \
	      -Iplugins $(CPPFLAGS) $(CFLAGS)
HARDEN_LD  := -Wl,-z,relro -Wl,-z,now

COMMON_SRCS := $(sort $(wildcard common/*.c))
PLUGIN_SRCS := $(sort $(wildcard plugins/*.c))
CLI_SRCS    := $(sort $(wildcard tools/saslkey/*.c))
CHECKPW_SRCS := $(sort $(wildcard tools/checkpassword/*.c))
TESTLIB_SRCS := $(sort $(wildcard tests/lib/*.c))
UNIT_SRCS   := $(sort $(wildcard tests/unit/*.c))
SASLT_SRCS  := $(sort $(wildcard tests/sasl/*.c))
CLIT_SRCS   := $(sort $(wildcard tests/cli/*.c))

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

.PHONY: all check check-run tests deps demo install uninstall clean bench \
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
# time (-z defs) and only the SASL entry points exported (exports.map).
$(PLUGIN): $(call obj,$(PLUGIN_SRCS)) $(COMMON_LIB) plugins/exports.map
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) -shared -o $@ $(call obj,$(PLUGIN_SRCS)) $(COMMON_LIB) \
	    -Wl,-z,defs -Wl,--version-script=plugins/exports.map \
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

check-run: tests
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
	@echo "== end-to-end tests"
	@$(TEST_ENV) sh tests/e2e/run.sh
endif

e2e: tests
	@$(TEST_ENV) sh tests/e2e/run.sh

demo:
	@sh packaging/deps.sh demo
	@$(MAKE) --no-print-directory all
	@$(TEST_ENV) sh tools/demo.sh

bench:
	@sh packaging/deps.sh check
	@$(MAKE) --no-print-directory all
	@$(TEST_ENV) sh bench/run.sh

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

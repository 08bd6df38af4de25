#!/bin/sh
# Install the Debian packages that building and testing saslkey needs, but
# only those that are missing, so a second run costs one dpkg query.
#
# Usage: packaging/deps.sh [build|check|demo|package]   (default: check)
#   build    compiler, pkg-config and the -dev packages
#   check    build + everything the test suites drive (libsasl2 tools and
#            stock plugins, Postfix, Dovecot, swaks, python3-cryptography,
#            and for the packaging tests debhelper, rpm and fail2ban)
#   demo     the same as check
#   package  check + devscripts and lintian, to inspect packages by hand
set -eu

what=${1:-check}

build="build-essential pkg-config libsasl2-dev libssl-dev libjansson-dev
       libsqlite3-dev libcunit1-dev"
# sasl2-bin: sample server/client, saslpasswd2, saslpluginviewer;
# libsasl2-modules(-db): the stock plugins our tests use as the client side
# and as the mechanisms our auxprop serves; python3-cryptography: an
# independent JWT issuer for the OAuth tests.
# debhelper, fakeroot, rpm: tests/e2e/packages.sh builds the .debs and
# RPMs; fail2ban: fail2ban.sh runs the shipped filter; man-db: the packages
# test finds the installed man pages; procps: pgrep/ps for "nothing left
# running" checks.  clang, libclang-rt-14-dev: the libFuzzer targets and
# the ASan+UBSan build; valgrind: the libsasl2 suites under memcheck.
check="$build sasl2-bin libsasl2-modules libsasl2-modules-db postfix swaks
       dovecot-core curl python3 python3-cryptography sqlite3 clang
       libclang-rt-14-dev iproute2 debhelper fakeroot rpm fail2ban man-db
       procps valgrind"
package="$check devscripts lintian"

case $what in
	build) want=$build ;;
	check|demo) want=$check ;;
	package) want=$package ;;
	*) echo "usage: $0 [build|check|demo|package]" >&2; exit 1 ;;
esac

missing=
for p in $want; do
	# "install ok installed" is the only state in which the files are there
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$s" = "install ok installed" ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing Debian packages:$missing (run as root to install)" >&2
	exit 1
fi
echo "deps.sh: installing$missing" >&2
# Postfix asks a debconf question on install; "No configuration" leaves the
# system instance unconfigured (the tests run their own instance).
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null

#!/bin/sh
# The Debian and RPM packages: `make deb` builds both .debs (tests skipped:
# `make check` has just run them), dpkg installs them, libsasl2 finds the
# plugin where the packages put it and serves our mechanisms first, the
# installed tools work, and a purge leaves nothing behind.  Then the RPM
# spec parses and `make rpm` builds packages with the Fedora layout.
# Needs root (dpkg -i); the machine is left as it was found.
set -u
. "$(dirname "$0")/lib.sh"
SRC=${SK_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
: "${SK_BUILD:?SK_BUILD must name the build directory (run through make)}"
TRIPLET=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
PLUGINDIR=/usr/lib/$TRIPLET/saslkey/sasl2
STOCKDIR=/usr/lib/$TRIPLET/sasl2
PKGS="saslkey libsasl2-modules-saslkey"
VERSION=$(sed -n 's/^VERSION *:*= *//p' "$SRC/Makefile")
OUT=$SK_BUILD/packages

T=$(mktemp -d /tmp/sk-packages.XXXXXX)
installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
# exit: purge what we installed (also after a failure) and remove scratch
OURS=
cleanup() {
	[ -n "$OURS" ] && dpkg --purge $PKGS >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
# make from inside `make e2e` must not inherit the outer make's flags
submake() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$SRC" --no-print-directory "$@"; }

if [ "$(id -u)" -ne 0 ]; then
	not_ok "packages: must run as root (dpkg -i)"
	summary packages
	exit 1
fi
for p in $PKGS; do
	installed "$p" || continue
	# a leftover of this test (same version) may go; anything else is
	# someone's real installation: refuse to touch it
	if [ "$(dpkg-query -W -f='${Version}' "$p")" = "$VERSION" ]; then
		dpkg --purge $PKGS >/dev/null 2>&1
	else
		not_ok "packages: $p is installed on this machine; not replacing it"
		summary packages
		exit 1
	fi
done

# --- build
rm -rf "$OUT"
t0=$(date +%s)
DEB_BUILD_OPTIONS=nocheck submake BUILD="$SK_BUILD" deb >"$T/deb.log" 2>&1
rc=$?
check "make deb (dpkg-buildpackage -us -uc -b) succeeds ($(( $(date +%s) - t0 )) s)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || tail -30 "$T/deb.log"
DEB_LIB=$OUT/libsasl2-modules-saslkey_${VERSION}_$(dpkg --print-architecture).deb
DEB_CLI=$OUT/saslkey_${VERSION}_$(dpkg --print-architecture).deb
check "both packages were built" [ -f "$DEB_LIB" -a -f "$DEB_CLI" ]
dpkg-deb -c "$DEB_LIB" >"$T/lib.list" 2>/dev/null
check "libsasl2-modules-saslkey: the plugin at $PLUGINDIR, mode 0644" \
    grep -Eq "^-rw-r--r-- .* \\.$PLUGINDIR/libsaslkey\\.so\$" "$T/lib.list"
check "libsasl2-modules-saslkey: nothing in the stock plugin directory" \
    sh -c '! grep -q " \./usr/lib/[^/]*/sasl2/" "$1"' - "$T/lib.list"
dpkg-deb -f "$DEB_LIB" Depends >"$T/lib.depends"
check "libsasl2-modules-saslkey: Depends libsasl2-2 explicitly (the plugin does not link it)" \
    grep -Eq '(^|, )libsasl2-2(,|$| )' "$T/lib.depends"
dpkg-deb --ctrl-tarfile "$DEB_LIB" | tar -tf - >"$T/lib.ctrl"
check "libsasl2-modules-saslkey: no shlibs file and no ldconfig trigger" \
    sh -c '! grep -Eq "shlibs|triggers" "$1"' - "$T/lib.ctrl"

# --- install
# (a store someone made at the default path may already be there)
VARLIB_BEFORE=$([ -e /var/lib/saslkey ] && echo 1)
dpkg -i "$DEB_LIB" "$DEB_CLI" >"$T/install.log" 2>&1
rc=$?
OURS=1
check "dpkg -i of both packages succeeds" [ $rc -eq 0 ]
[ $rc -eq 0 ] || tail -20 "$T/install.log"
check "the plugin is installed 0644 at $PLUGINDIR/libsaslkey.so" \
    [ "$(stat -c %a "$PLUGINDIR/libsaslkey.so" 2>/dev/null)" = 644 ]
check "/usr/sbin/saslkey and /usr/sbin/saslkey-checkpassword are installed" \
    [ -x /usr/sbin/saslkey -a -x /usr/sbin/saslkey-checkpassword ]
check "/var/lib/saslkey is the package's, mode 0750" \
    eval 'dpkg -L saslkey 2>/dev/null | grep -qx /var/lib/saslkey &&
          [ "$(stat -c %a /var/lib/saslkey 2>/dev/null)" = 750 ]'
check "the man pages are found: saslkey(8), saslkey-checkpassword(8), saslkey.conf(5)" \
    eval 'man -w 8 saslkey >/dev/null 2>&1 && man -w 8 saslkey-checkpassword >/dev/null 2>&1 &&
          man -w 5 saslkey.conf >/dev/null 2>&1'
check "the examples are installed (Postfix, Cyrus IMAP, Dovecot, fail2ban)" \
    eval '[ -f /usr/share/doc/saslkey/examples/postfix/main.cf ] &&
          [ -f /usr/share/doc/saslkey/examples/cyrus-imapd/imapd.conf ] &&
          [ -f /usr/share/doc/saslkey/examples/dovecot/auth-saslkey.conf.ext ] &&
          [ -f /usr/share/doc/saslkey/examples/fail2ban/filter.d/saslkey.conf ]'

# libsasl2 through the installed plugin directory: ours first, stock second
first_provider() {
	SASL_PATH=$1 saslpluginviewer -s 2>/dev/null |
	    awk -v m="$2" '/^Plugin /{p=$2; gsub(/"/, "", p)}
			   $1 == "SASL" && $3 == m "," {print p; exit}'
}
for m in PLAIN LOGIN CRAM-MD5; do
	check "saslpluginviewer -s: $m is served by saslkey (ours first in SASL_PATH)" \
	    [ "$(first_provider "$PLUGINDIR:$STOCKDIR" $m)" = saslkey ]
done
check "control: with the stock directory first, PLAIN is the stock plugin's" \
    [ "$(first_provider "$STOCKDIR:$PLUGINDIR" PLAIN)" = plain ]
# the auxprop plugin: checked once the plugin exports it
if nm -D --defined-only "$PLUGINDIR/libsaslkey.so" | grep -q ' sasl_auxprop_plug_init$'; then
	check "saslpluginviewer -a: the saslkey auxprop plugin is loaded" \
	    sh -c 'SASL_PATH=$1 saslpluginviewer -a 2>/dev/null | grep -q "^Plugin \"saslkey\""' \
	    - "$PLUGINDIR:$STOCKDIR"
else
	echo "   (the plugin exports no sasl_auxprop_plug_init yet: no auxprop check)"
fi

check "/usr/sbin/saslkey --help works" \
    sh -c '/usr/sbin/saslkey --help | grep -q "^usage: saslkey"'
check "/usr/sbin/saslkey --version prints $VERSION" \
    sh -c '/usr/sbin/saslkey --version | grep -qx "saslkey $1"' - "$VERSION"
# the installed tools against a scratch store: a key, then the helper
DB=$T/keys.db
/usr/sbin/saslkey --db "$DB" init >/dev/null 2>&1
/usr/sbin/saslkey --db "$DB" account add acme >/dev/null 2>&1
KEY=$(/usr/sbin/saslkey --db "$DB" key create acme --service imap 2>/dev/null)
record_secret "$KEY"
[ -n "$KEY" ] || KEY=sk_000000000000_00000000000000000000000000000000000000
printf 'apikey\0%s\0\0' "$KEY" >"$T/req"
printf 'saslkey_db: %s\nsaslkey_audit_syslog: no\n' "$DB" >"$T/conf"
check "installed saslkey-checkpassword accepts a key made by the installed saslkey" \
    sh -c 'SERVICE=imap TCPREMOTEIP=127.0.0.1 /usr/sbin/saslkey-checkpassword \
               --config "$1" /bin/true 3<"$2"' - "$T/conf" "$T/req"
printf 'apikey\0%s\0\0' "$(forge_key "$KEY")" >"$T/req"
SERVICE=imap TCPREMOTEIP=127.0.0.1 /usr/sbin/saslkey-checkpassword \
    --config "$T/conf" /bin/true 3<"$T/req"
rc=$?
check "...and refuses a wrong one (exit 1)" [ $rc -eq 1 ]

# --- purge
dpkg -L $PKGS 2>/dev/null | sort -u >"$T/files"
dpkg --purge $PKGS >"$T/purge.log" 2>&1
rc=$?
OURS=
check "dpkg --purge of both packages succeeds" [ $rc -eq 0 ]
check "after the purge neither package is installed" \
    sh -c '! dpkg-query -W -f="\${Status}\n" $1 2>/dev/null | grep -q "install ok"' - "$PKGS"
left=
while read -r f; do
	# directories the packages share with the system stay, of course
	[ -e "$f" ] && ! [ -d "$f" ] && left="$left $f"
done <"$T/files"
check "no file of the packages is left ($(wc -l <"$T/files") paths checked)" \
    [ -z "$left" ]
[ -z "$left" ] || echo "     left:$left"
check "the plugin directory and the docs are gone" \
    eval '[ ! -e /usr/lib/$TRIPLET/saslkey ] && [ ! -e /usr/share/doc/saslkey ]'
if [ -z "$VARLIB_BEFORE" ]; then
	check "/var/lib/saslkey (empty) is gone" [ ! -e /var/lib/saslkey ]
else
	echo "   (/var/lib/saslkey existed before: a store there is kept on purge)"
fi

# --- RPM (Debian's rpm provides rpmbuild; --nodeps: no Fedora -devel here)
check "rpmspec -P parses packaging/rpm/saslkey.spec" \
    sh -c 'rpmspec -P "$1/packaging/rpm/saslkey.spec" >/dev/null 2>&1' - "$SRC"
t0=$(date +%s)
submake BUILD="$SK_BUILD" RPMBUILD_OPTS=--nocheck rpm >"$T/rpm.log" 2>&1
rc=$?
check "make rpm (rpmbuild --nodeps -bb) succeeds ($(( $(date +%s) - t0 )) s)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || tail -30 "$T/rpm.log"
RPM_LIB=$(ls "$OUT"/cyrus-sasl-saslkey-"$VERSION"-*.rpm 2>/dev/null | head -1)
RPM_CLI=$(ls "$OUT"/saslkey-"$VERSION"-*.rpm 2>/dev/null | head -1)
rpm -qlvp "$RPM_LIB" >"$T/rpm-lib.list" 2>/dev/null
rpm -qlp "$RPM_CLI" >"$T/rpm-cli.list" 2>/dev/null
echo "   rpm contents:"
sed 's/^/     /' "$T/rpm-lib.list" "$T/rpm-cli.list" | grep -v build-id
LIB64=$(rpm --eval '%{_libdir}')
check "cyrus-sasl-saslkey: the plugin at $LIB64/saslkey/sasl2, mode 0755" \
    grep -Eq "^-rwxr-xr-x .* $LIB64/saslkey/sasl2/libsaslkey\\.so\$" "$T/rpm-lib.list"
check "cyrus-sasl-saslkey requires cyrus-sasl-lib" \
    sh -c 'rpm -qpR "$1" 2>/dev/null | grep -q "^cyrus-sasl-lib"' - "$RPM_LIB"
check "saslkey rpm: both tools, three man pages, the examples" \
    eval 'grep -qx /usr/sbin/saslkey "$T/rpm-cli.list" &&
          grep -qx /usr/sbin/saslkey-checkpassword "$T/rpm-cli.list" &&
          [ "$(grep -c "/man[58]/saslkey" "$T/rpm-cli.list")" -eq 3 ] &&
          grep -q "/examples/postfix/main.cf$" "$T/rpm-cli.list"'

summary packages

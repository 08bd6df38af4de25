#!/bin/sh
# What `make bench` needs beyond `make check`'s packages (packaging/deps.sh):
# valgrind (callgrind and its header).  Installs only what is missing.
set -eu
s=$(dpkg-query -W -f='${Status}' valgrind 2>/dev/null || true)
[ "$s" = "install ok installed" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "bench/deps.sh: valgrind is missing (run as root to install)" >&2
	exit 1
fi
echo "bench/deps.sh: installing valgrind" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends valgrind >/dev/null

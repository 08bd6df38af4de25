#!/bin/sh
# The plugin must export exactly the libsasl2 entry points: anything else
# could collide with symbols of the host process or of other plugins.
set -eu
plugin=$1
want=${SK_EXPORTS:-"sasl_auxprop_plug_init sasl_server_plug_init"}
got=$(nm -D --defined-only "$plugin" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sort | tr '\n' ' ')
exp=$(printf '%s\n' $want | sort | tr '\n' ' ')
if [ "$got" != "$exp" ]; then
	echo "FAIL exports: expected [$exp] got [$got]"
	exit 1
fi
# and no libsasl2 dependency: the soname differs between distributions
if readelf -d "$plugin" | grep -q 'NEEDED.*libsasl2'; then
	echo "FAIL plugin links libsasl2"
	exit 1
fi
echo "ok   exports: $got(no libsasl2 link)"

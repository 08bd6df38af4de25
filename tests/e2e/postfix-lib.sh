# saslkey end-to-end - a throwaway Postfix on 127.0.0.1 (sourced)
#
# pf_start DIR PORT "MECH ..."   configure and start an instance in DIR
# pf_stop DIR                    stop it by its master PID
#
# The instance: own config and queue directories, no chroot, the build's
# plugin directory first in SASL_PATH (through import_environment, as an
# administrator would), accepted mail relayed to the discard transport,
# Postfix's log in DIR/maillog, our syslog audit lines in DIR/syslog.log
# (a datagram listener stands in for /dev/log).  Verified recipe:
# /work/shared/reference/recipes/postfix-sasl-test.sh.

: "${PY:=/usr/bin/python3}"

pf_syslog_listener() {
	dir=$1
	$PY - "$dir/log.sock" "$dir/syslog.log" <<'PYEOF' &
import os, socket, sys
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)          # smtpd writes to it as user postfix
with open(out, "a", buffering=1) as f:
    while True:
        f.write(s.recv(65536).decode("utf-8", "replace").rstrip("\n") + "\n")
PYEOF
	echo $! >"$dir/syslog.pid"
	for _ in $(seq 1 100); do [ -S "$dir/log.sock" ] && return 0; sleep 0.05; done
	return 1
}

# pf_start DIR PORT MECHS [EXTRA-SMTPD-CONF-LINES]
pf_start() {
	dir=$1 port=$2 mechs=$3 extra=${4:-}
	mkdir -p "$dir/etc/sasl" "$dir/spool" "$dir/data" "$dir/store"
	chmod 755 "$dir"
	chown postfix "$dir/data"
	touch "$dir/syslog.log" "$dir/audit.json"
	chown postfix "$dir/audit.json"
	pf_syslog_listener "$dir" || return 1
	import="MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG=C POSTLOG_SERVICE"
	import="$import POSTLOG_HOSTNAME SASL_PATH=$SK_PLUGIN_DIR:$SK_STOCK_PLUGIN_DIR"
	cat >"$dir/etc/main.cf" <<MAIN
compatibility_level = 3.6
queue_directory = $dir/spool
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.example.test
mydomain = example.test
myorigin = example.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
maillog_file = $dir/maillog
maillog_file_prefixes = /var, /dev/stdout, $dir
smtpd_banner = \$myhostname ESMTP
import_environment = $import
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
cyrus_sasl_config_path = $dir/etc/sasl
smtpd_sasl_security_options = noanonymous
smtpd_sasl_local_domain =
smtpd_tls_security_level = none
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
# accepted mail goes nowhere: the sink is the discard transport
default_transport = discard:saslkey test sink
relay_transport = discard:saslkey test sink
MAIN
	cat >"$dir/etc/master.cf" <<MASTER
127.0.0.1:$port inet n - n - - smtpd
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
smtp      unix  - - n - - smtp
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
showq     unix  n - n - - showq
proxymap  unix  - - n - - proxymap
proxywrite unix - - n - 1 proxymap
postlog   unix-dgram n - n - 1 postlogd
MASTER
	cat >"$dir/etc/sasl/smtpd.conf" <<SASL
mech_list: $mechs
saslkey_db: $dir/store/keys.db
saslkey_audit_file: $dir/audit.json
saslkey_audit_syslog: yes
saslkey_audit_syslog_socket: $dir/log.sock
$extra
SASL
	# the store as deployed: 0750 directory, 0640 file, group postfix
	chgrp postfix "$dir/store"
	chmod 0750 "$dir/store"
	postfix -c "$dir/etc" check || return 1
	postfix -c "$dir/etc" start >/dev/null 2>&1 || {
		cat "$dir/maillog"; return 1; }
	# ready = a 220 banner (the master listens at once, smtpd on demand)
	for _ in $(seq 1 200); do
		if $PY - "$port" <<'PYEOF' 2>/dev/null
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
ok = s.recv(512).startswith(b"220")
s.sendall(b"QUIT\r\n")
sys.exit(0 if ok else 1)
PYEOF
		then return 0; fi
		sleep 0.05
	done
	echo "postfix did not come up"; cat "$dir/maillog"
	return 1
}

pf_store_perms() {
	dir=$1
	chgrp postfix "$dir/store/keys.db" && chmod 0640 "$dir/store/keys.db"
}

pf_stop() {
	dir=$1
	if [ -f "$dir/spool/pid/master.pid" ]; then
		pid=$(tr -d ' ' <"$dir/spool/pid/master.pid")
		postfix -c "$dir/etc" stop >/dev/null 2>&1 || true
		for _ in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			postfix -c "$dir/etc" abort >/dev/null 2>&1 || true
			kill -9 "$pid" 2>/dev/null || true
		fi
	fi
	if [ -f "$dir/syslog.pid" ]; then
		kill "$(cat "$dir/syslog.pid")" 2>/dev/null || true
		rm -f "$dir/syslog.pid"
	fi
}

# free TCP port on 127.0.0.1
pf_free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

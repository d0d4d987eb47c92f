#!/usr/bin/env bash
# Configure and (re)start a real Postfix as smtptui's SMTP test peer on loopback.
#
# Run as root on a Debian 12 machine (or container) with the packages
#   postfix sasl2-bin libsasl2-modules ssl-cert
# installed. Idempotent: every run rebuilds the same configuration from the
# Debian templates and restarts Postfix. It TAKES OVER the machine's Postfix:
# use it on CI machines, containers and throw-away VMs, not on a real mail server.
# (The first run keeps the original files as *.smtptui-orig.)
#
# What you get (defaults; override with the environment variables shown):
#   SMTP (no implicit TLS)  127.0.0.1:${POSTFIX_TEST_PORT:-2526}  (and [::1] too when IPv6 works)
#   STARTTLS               offered (smtpd_tls_security_level=may), certificate =
#                          Debian's ssl-cert "snakeoil" self-signed certificate,
#                          whose only name is this machine's `hostname -f`
#   AUTH                   PLAIN LOGIN CRAM-MD5 (Cyrus SASL, sasldb), only after STARTTLS
#   user / password        testuser@postfix.test / testpass  (sasldb realm postfix.test;
#                          the bare name "testuser" works too)
#   relaying               only for authenticated clients; others get
#                          554 5.7.1 <rcpt>: Relay access denied
#   delivery               every accepted message is discarded (discard(8)); nothing
#                          is delivered locally and nothing ever leaves the machine
#   log                    /var/log/postfix.log (maillog_file; no syslog needed)
#
# Exit status 0 when the peer answers 220 on its port; non-zero with a message on
# stderr otherwise.
set -euo pipefail

PORT="${POSTFIX_TEST_PORT:-2526}"
DOMAIN="${POSTFIX_TEST_DOMAIN:-postfix.test}"
SASL_USER="${POSTFIX_TEST_USER:-testuser}"
SASL_PASS="${POSTFIX_TEST_PASSWORD:-testpass}"
LOG_FILE="${POSTFIX_TEST_LOG:-/var/log/postfix.log}"
CERT=/etc/ssl/certs/ssl-cert-snakeoil.pem
KEY=/etc/ssl/private/ssl-cert-snakeoil.key
SASLDB=/etc/sasldb2
DISCARD_REASON="smtptui test peer discards everything"
# The greeting says this, so the tests can tell this peer from another SMTP
# server on the port (tests/peers/postfix.py PEER_MARKER).
PEER_MARKER="smtptui-test-peer"

say() { printf '[postfix-peer] %s\n' "$*"; }
die() {
    printf '[postfix-peer] ERROR: %s\n' "$*" >&2
    if [[ -r "$LOG_FILE" ]]; then
        printf '[postfix-peer] last lines of %s:\n' "$LOG_FILE" >&2
        tail -n 25 "$LOG_FILE" >&2 || true
    fi
    exit 1
}
trap 'die "command failed (line $LINENO): $BASH_COMMAND"' ERR

[[ "$(id -u)" == 0 ]] || die "must run as root (try: sudo $0)"
[[ "$PORT" =~ ^[0-9]+$ ]] || die "POSTFIX_TEST_PORT must be a number, got '$PORT'"

for tool in postconf postfix saslpasswd2 make-ssl-cert; do
    command -v "$tool" >/dev/null 2>&1 \
        || die "'$tool' not found; install: apt-get install postfix sasl2-bin libsasl2-modules ssl-cert"
done
for f in /usr/share/postfix/main.cf.debian /usr/share/postfix/master.cf.dist; do
    [[ -r "$f" ]] || die "$f missing; is Debian's postfix package installed?"
done
ls /usr/lib/*/sasl2/libsasldb.so* >/dev/null 2>&1 \
    || die "Cyrus SASL sasldb plugin missing; install libsasl2-modules"
ls /usr/lib/*/sasl2/libcrammd5.so* >/dev/null 2>&1 \
    || die "Cyrus SASL CRAM-MD5 plugin missing; install libsasl2-modules"

# Benchmarks use these two; they ship with Debian's postfix package.
SMTP_SINK="$(command -v smtp-sink || true)"
SMTP_SOURCE="$(command -v smtp-source || true)"
[[ -x "$SMTP_SINK" ]] || SMTP_SINK=/usr/sbin/smtp-sink
[[ -x "$SMTP_SOURCE" ]] || SMTP_SOURCE=/usr/sbin/smtp-source
[[ -x "$SMTP_SINK" && -x "$SMTP_SOURCE" ]] || die "smtp-sink / smtp-source not found (expected in /usr/sbin)"

# --- TLS certificate: Debian's snakeoil (generated only when missing) ---------
if [[ ! -s "$CERT" || ! -s "$KEY" ]]; then
    say "generating the ssl-cert snakeoil certificate"
    make-ssl-cert generate-default-snakeoil --force-overwrite
fi
openssl x509 -in "$CERT" -noout >/dev/null 2>&1 || die "$CERT is not a readable certificate"
CERT_NAME="$(openssl x509 -in "$CERT" -noout -subject -nameopt multiline \
    | sed -n 's/^ *commonName *= *//p')"

# --- main.cf -------------------------------------------------------------------
for f in main.cf master.cf; do
    if [[ -e /etc/postfix/$f && ! -e /etc/postfix/$f.smtptui-orig ]]; then
        cp -p "/etc/postfix/$f" "/etc/postfix/$f.smtptui-orig"
    fi
done
cp /usr/share/postfix/main.cf.debian /etc/postfix/main.cf
cp /usr/share/postfix/master.cf.dist /etc/postfix/master.cf

# IPv6 on loopback is optional (containers and some CI machines lack it).
IPV6=no
if [[ -r /proc/net/if_inet6 ]] && grep -qE '^0{31}1 ' /proc/net/if_inet6; then
    IPV6=yes
fi

postconf -e \
    "compatibility_level = 3.6" \
    "myhostname = $DOMAIN" \
    "smtpd_banner = \$myhostname ESMTP \$mail_name (Debian/GNU) $PEER_MARKER" \
    "mydomain = $DOMAIN" \
    "myorigin = \$myhostname" \
    "mydestination =" \
    "relay_domains =" \
    "virtual_alias_domains =" \
    "virtual_mailbox_domains =" \
    "alias_maps =" \
    "alias_database =" \
    "relayhost =" \
    "inet_interfaces = loopback-only" \
    "inet_protocols = $([[ $IPV6 == yes ]] && echo all || echo ipv4)" \
    "default_transport = discard:$DISCARD_REASON" \
    "relay_transport = discard:$DISCARD_REASON" \
    "local_transport = discard:$DISCARD_REASON" \
    "virtual_transport = discard:$DISCARD_REASON" \
    "smtpd_tls_security_level = may" \
    "smtpd_tls_cert_file = $CERT" \
    "smtpd_tls_key_file = $KEY" \
    "smtpd_tls_auth_only = yes" \
    "smtpd_tls_loglevel = 1" \
    "smtp_tls_security_level = none" \
    "smtpd_sasl_auth_enable = yes" \
    "smtpd_sasl_type = cyrus" \
    "smtpd_sasl_path = smtpd" \
    "smtpd_sasl_local_domain = $DOMAIN" \
    "smtpd_sasl_security_options = noanonymous" \
    "smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination, reject" \
    "smtpd_recipient_restrictions =" \
    "maillog_file = $LOG_FILE"

# --- master.cf: no port 25, nothing chrooted, the test listener ------------------
postconf -M# smtp/inet
postconf -F '*/*/chroot = n'
postconf -M "127.0.0.1:$PORT/inet = 127.0.0.1:$PORT inet n - n - - smtpd"
if [[ $IPV6 == yes ]]; then
    postconf -M "[::1]:$PORT/inet = [::1]:$PORT inet n - n - - smtpd"
fi

# --- Cyrus SASL: sasldb with one user --------------------------------------------
install -d -m 755 /etc/postfix/sasl
cat >/etc/postfix/sasl/smtpd.conf <<EOF
# Written by smtptui tests/peers/postfix.sh
pwcheck_method: auxprop
auxprop_plugin: sasldb
mech_list: PLAIN LOGIN CRAM-MD5
sasldb_path: $SASLDB
EOF
# Recreate the user each run (the password may have changed).
saslpasswd2 -f "$SASLDB" -d -u "$DOMAIN" "$SASL_USER" >/dev/null 2>&1 || true
printf '%s' "$SASL_PASS" | saslpasswd2 -f "$SASLDB" -p -c -u "$DOMAIN" "$SASL_USER"
chown root:postfix "$SASLDB"
chmod 640 "$SASLDB"

# --- (re)start ----------------------------------------------------------------------
install -d -m 755 "$(dirname "$LOG_FILE")"
touch "$LOG_FILE"
postfix check || die "'postfix check' failed"
if postfix status >/dev/null 2>&1; then
    say "stopping the running Postfix"
    postfix stop >/dev/null 2>&1 || true
    for _ in $(seq 50); do postfix status >/dev/null 2>&1 || break; sleep 0.1; done
fi
postfix start || die "'postfix start' failed"

# --- wait for the 220 greeting --------------------------------------------------
greeting() {
    # Prints the first line the server sends, or nothing.
    timeout 3 bash -c '
        exec 3<>"/dev/tcp/$1/$2" || exit 1
        IFS= read -r -t 2 line <&3 || exit 1
        printf "%s\n" "${line%$'"'"'\r'"'"'}"
        printf "QUIT\r\n" >&3
    ' _ "$1" "$2" 2>/dev/null || true
}
line=""
for _ in $(seq 100); do
    line="$(greeting 127.0.0.1 "$PORT")"
    [[ "$line" == 220* ]] && break
    sleep 0.1
done
[[ "$line" == 220* ]] || die "no 220 greeting on 127.0.0.1:$PORT within 10 s (got: '${line}')"
[[ "$line" == *"$PEER_MARKER"* ]] \
    || die "127.0.0.1:$PORT greets without '$PEER_MARKER' (another server on the port?): '${line}'"
say "127.0.0.1:$PORT says: $line"
if [[ $IPV6 == yes ]]; then
    line6="$(greeting ::1 "$PORT")"
    [[ "$line6" == 220*"$PEER_MARKER"* ]] || die "no 220 $PEER_MARKER greeting on [::1]:$PORT (got: '${line6}')"
fi

cat <<EOF
[postfix-peer] ready
  SMTPTUI_POSTFIX_HOST=127.0.0.1
  SMTPTUI_POSTFIX_HOST6=$([[ $IPV6 == yes ]] && echo ::1)
  SMTPTUI_POSTFIX_PORT=$PORT
  SMTPTUI_POSTFIX_USER=$SASL_USER@$DOMAIN
  SMTPTUI_POSTFIX_PASSWORD=$SASL_PASS
  SMTPTUI_POSTFIX_DOMAIN=$DOMAIN   (sasldb realm; also myhostname, the greeting's name)
  SMTPTUI_POSTFIX_CA_FILE=$CERT
  TLS server name to verify: $CERT_NAME   (the snakeoil certificate's CN/SAN = hostname -f)
  SMTPTUI_POSTFIX_LOG=$LOG_FILE
  smtp-sink:   $SMTP_SINK
  smtp-source: $SMTP_SOURCE
EOF

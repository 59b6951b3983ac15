# TLS through stunnel on the host (the kernel has no TLS): a mount through an stunnel that
# presents no client certificate, or one from another CA, fails before any 9P; then the seed
# session runs over the stunnel that presents a certificate from the client CA.
. /files/guest/lib.sh
set -u
mkdir -p /n/refused
refused() { # refused PORT: the mount through that stunnel fails
	if mount -t 9p -o port=$1,sync,cache=none "$P9_HOST" /n/refused 2>/tmp/refused.err; then
		umount /n/refused
		return 1
	fi
	cat /tmp/refused.err
}
check "tls: a client without a certificate is refused, the mount fails" refused "$NOCERT_PORT"
check "tls: a client with another CA's certificate is refused" refused "$STRANGER_PORT"
. /files/guest/seed.sh

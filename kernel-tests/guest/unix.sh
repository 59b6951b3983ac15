# A 9P2000.L mount over a Unix socket (trans=unix): the guest's unix-relay carries it to the
# host, where relay.py connects it to dchan's --unix listener. Two mounts, a blocking cat on one,
# echo on the other, ctl, stats, rm.
. /files/guest/lib.sh
set -u
/files/unix-relay /tmp/dchan.sock 10.0.2.2 "$P9_PORT" &
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -S /tmp/dchan.sock ] && break; sleep 0.2; done
mkdir -p /n/u1 /n/u2
mount -t 9p -o trans=unix,uname=root,sync,cache=none /tmp/dchan.sock /n/u1
check "mount -t 9p -o trans=unix" test $? = 0
mount -t 9p -o trans=unix,uname=root,sync,cache=none /tmp/dchan.sock /n/u2 || exit 100
touch /n/u1/pipe
check "unix: touch creates a channel" test -f /n/u2/pipe
cat /n/u2/pipe >/tmp/u.out &
reader=$!
sleep 1
echo "over unix 1" >>/n/u1/pipe
check "unix: cat prints the echo promptly" wait_for /tmp/u.out "^over unix 1\$" 5
echo "over unix 2" >>/n/u1/pipe
check "unix: and the next" wait_for /tmp/u.out "^over unix 2\$" 5
kill $reader; wait $reader 2>/dev/null
echo "/pipe 4" >>/n/u1/ctl
check "unix: ctl" grep -qx "/pipe 4" /n/u2/ctl
check "unix: stats" grep -q "^/pipe	4	0	0	0	2	2	" /n/u2/stats
rm /n/u1/pipe
check "unix: rm" test ! -e /n/u2/pipe
umount /n/u2
umount /n/u1
finish

# ls, touch, echo and cat on a 9p2000.u or 9p2000 mount (linux9p --version ...). On plain 9P2000
# the end-of-message mark is off by default, so the reading mount asks for it: aname=?eom=on.
. /files/guest/lib.sh
set -u
extra=""
[ "$P9_VERSION" = 9p2000 ] && extra="aname=?eom=on"
p9mount /n/dchan || exit 100
if [ -n "$extra" ]; then p9mount /n/dchan2 "$extra" || exit 100; else p9mount /n/dchan2 || exit 100; fi
v=$P9_VERSION
ls -1 /n/dchan >/tmp/ls.out
check "$v: ls lists ctl and stats" sh -c 'grep -qx ctl /tmp/ls.out && grep -qx stats /tmp/ls.out'
touch /n/dchan/chan
check "$v: touch creates a channel" sh -c 'ls -1 /n/dchan | grep -qx chan'
cat /n/dchan2/chan >/tmp/got &
reader=$!
sleep 1
echo "one" >>/n/dchan/chan
check "$v: cat prints the first echo promptly" wait_for /tmp/got "^one\$" 5
echo "two" >>/n/dchan/chan
check "$v: cat prints the second echo promptly" wait_for /tmp/got "^two\$" 5
kill $reader; wait $reader 2>/dev/null
echo "/chan 4" >>/n/dchan/ctl
echo "three" >/n/dchan/chan
check "$v: echo > (truncate) on a buffered channel" test $? = 0
check "$v: cat of the buffered message" sh -c '[ "$(head -n 1 /n/dchan2/chan)" = three ]'
grep "^/chan	" /n/dchan/stats
check "$v: stats readable" grep -q "^/chan	4	" /n/dchan/stats
rm /n/dchan/chan
check "$v: rm" test ! -e /n/dchan/chan
umount /n/dchan2
umount /n/dchan
finish

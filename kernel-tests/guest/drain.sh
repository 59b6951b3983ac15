# The drain on SIGTERM (docs/semantics.md section 12) as a mount sees it: the host sends SIGTERM
# once this script creates /term-now; then new channels fail (EROFS), new writes fail (EPIPE), a
# reader waiting on an empty channel gets end-of-file, and cat takes what was buffered, then ends.
. /files/guest/lib.sh
set -u
p9mount /n/dchan || exit 100
p9mount /n/dchan2 || exit 100

touch /n/dchan/work /n/dchan/idle
echo "/work 16" >>/n/dchan/ctl
for m in m1 m2 m3; do echo $m >>/n/dchan/work; done
cat /n/dchan2/idle >/tmp/idle.out &
idle=$!
sleep 1
touch /n/dchan/term-now # the host's signal
i=0
while [ $i -lt 100 ] && touch /n/dchan/probe$i 2>/dev/null; do i=$((i + 1)); sleep 0.2; done
touch /n/dchan/probe-x 2>/tmp/probe.err
check "while draining, new channels fail: read-only file system" grep -qi "read-only" /tmp/probe.err
check "a reader waiting on an empty channel gets end-of-file" gone $idle 10
( echo late >>/n/dchan/work ) 2>/tmp/late.err
# The server answers EPIPE; Linux 6.1 reports it as such, 6.12's netfs write path as EIO.
check "a new write fails (EPIPE)" grep -qiE "broken pipe|input/output error" /tmp/late.err
timeout 20 cat /n/dchan2/work >/tmp/work.out
check "cat ends at end-of-file" test $? = 0
check "cat took the buffered messages" sh -c '[ "$(cat /tmp/work.out)" = "$(printf "m1\nm2\nm3")" ]'
finish

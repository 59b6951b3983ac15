# Line channels (docs/semantics.md section 4a) on a 9P2000.L mount: seq into a line channel on
# one mount, cat on the other; many lines per read(2); rendezvous line channels; a SIGINT that
# interrupts a partly accepted write keeps exactly the accepted lines.
. /files/guest/lib.sh
set -u
p9mount /n/dchan || exit 100
p9mount /n/dchan2 || exit 100

touch /n/dchan/lines
echo "/lines 4096 lines" >>/n/dchan/ctl
check "ctl reads a line channel back the same way" grep -qx "/lines 4096 lines" /n/dchan/ctl
cat /n/dchan2/lines >/tmp/lines.out &
reader=$!
seq 1 200000 >/n/dchan/lines
check "seq 1 200000 > a line channel completes" test $? = 0
echo "close /lines" >>/n/dchan/ctl
check "the reader on the other mount ends at close" gone $reader 60
seq 1 200000 >/tmp/lines.want
check "the reader got every line once, in order" sh -c '[ "$(md5sum </tmp/lines.out)" = "$(md5sum </tmp/lines.want)" ]'
wc -l </tmp/lines.out
grep "^/lines	" /n/dchan/stats

# One read(2) takes every buffered line that fits: 1000 lines of 64 bytes in one 64 KiB read.
touch /n/dchan/burst
echo "/burst 2000 lines" >>/n/dchan/ctl
i=0
while [ $i -lt 1000 ]; do printf '%063d\n' $i; i=$((i + 1)); done >/tmp/burst.in
cat /tmp/burst.in >/n/dchan/burst
dd if=/n/dchan2/burst bs=65536 count=1 2>/dev/null >/tmp/burst.out
check "one 64 KiB read(2) returns all 1000 buffered 64-byte lines" sh -c '[ "$(wc -l </tmp/burst.out)" = 1000 ] && cmp -s /tmp/burst.in /tmp/burst.out'
check "stats shows the mode" grep -q "^/burst	2000	0	.*	lines	" /n/dchan/stats

# A rendezvous line channel: the write completes once readers took every line, one per read.
touch /n/dchan/rv
echo "/rv 0 lines" >>/n/dchan/ctl
printf 'a\nb\nc\n' >/n/dchan/rv &
writer=$!
sleep 1
check "a write to a rendezvous line channel waits for readers" kill -0 $writer
timeout 10 head -n 3 /n/dchan2/rv >/tmp/rv.out
check "its lines arrive in order" sh -c '[ "$(cat /tmp/rv.out)" = "$(printf "a\nb\nc")" ]'
check "then the write completes" gone $writer 10

# SIGINT on a writer whose write is partly accepted: the accepted lines stay. Linux's client
# then sends the rest again as a new 9P write within the same write(2) (p9_client_write loops),
# and that one waits like any write, so nothing is lost or doubled either way: a reader gets 1 2,
# or 1 2 3 4 once the retried rest is let in.
touch /n/dchan/part
echo "/part 2 lines" >>/n/dchan/ctl
printf '1\n2\n3\n4\n' >/tmp/part.in
# cat, not the shell's printf: the kernel's 9P wait is killable only, so the signal must be fatal.
timeout -s INT 2 cat /tmp/part.in >>/n/dchan/part &
writer=$!
sleep 3
grep "^/part	" /n/dchan/stats
check "two lines were accepted before the SIGINT" grep -q "^/part	2	2	0	.	2	" /n/dchan/stats
timeout 5 cat /n/dchan2/part >/tmp/part.out
check "a reader gets the accepted lines once, in order, and the rest at most once" \
	sh -c '[ "$(cat /tmp/part.out)" = "$(printf "1\n2")" ] || [ "$(cat /tmp/part.out)" = "$(printf "1\n2\n3\n4")" ]'
check "the writer ends" gone $writer 10

finish

# The README's session on a default (9P2000.L) mount, plus the Linux-facing contract:
# two mounts ("machines"), a blocking cat, echo >>, ctl resize, stats, rm, SIGINT, big messages.
. /files/guest/lib.sh
set -u
p9mount /n/dchan || exit 100
p9mount /n/dchan2 || exit 100

# --- the seed session, verbatim ---
touch /n/dchan/pipeline
check "touch creates a channel" test -f /n/dchan/pipeline
cat /n/dchan2/pipeline >/tmp/pipe.out &
reader=$!
sleep 1
check "cat on one mount prints each echo >> from the other promptly" hellos /n/dchan/pipeline 5
check "each message printed once, in order" sh -c '[ "$(cat /tmp/pipe.out)" = "$(printf "hello %s\n" 1 2 3 4 5)" ]'
echo "/pipeline 256" >>/n/dchan/ctl
check "ctl reads back the capacity" grep -qx "/pipeline 256" /n/dchan/ctl
kill $reader; wait $reader 2>/dev/null
timeout 10 sh -c 'for i in 1 2 3; do echo "buffered $i" >>/n/dchan/pipeline; done'
check "after ctl resize, writes no longer block" test $? = 0
cat /n/dchan/stats >/tmp/stats.out
check "stats has the header" grep -q "^path	capacity	buffered	readers	writers	sent	received" /tmp/stats.out
check "stats shows 3 buffered messages" grep -q "^/pipeline	256	3	" /tmp/stats.out
cat /tmp/stats.out
( echo x >/n/dchan/stats ) 2>/dev/null
check "stats is not writable" test $? != 0
( echo "/nope 5" >>/n/dchan/ctl ) 2>/dev/null
check "ctl rejects a missing channel" test $? != 0
head -n 3 /n/dchan2/pipeline >/tmp/head.out
check "buffered messages read back in order" sh -c '[ "$(cat /tmp/head.out)" = "$(printf "buffered %s\n" 1 2 3)" ]'

# --- rm wakes a blocked cat with end-of-file ---
touch /n/dchan/gone
cat /n/dchan2/gone >/tmp/gone.out &
reader=$!
sleep 1
rm /n/dchan/gone
check "rm of a channel wakes a blocked cat (end-of-file)" gone $reader 10
check "the removed name is gone" test ! -e /n/dchan/gone
touch /n/dchan/gone
check "the name can be created again" test -f /n/dchan/gone

# --- SIGINT on a blocked cat, then more traffic: nothing lost, nothing doubled ---
touch /n/dchan/sig
timeout -s INT 2 cat /n/dchan2/sig >/tmp/sig0.out
check "SIGINT ends a blocked cat" test $? != 0
cat /n/dchan2/sig >/tmp/sig.out &
reader=$!
sleep 1
for i in 1 2 3 4 5 6; do echo "s$i" >>/n/dchan/sig; done
wait_for /tmp/sig.out "^s6\$" 10
kill $reader; wait $reader 2>/dev/null
check "after SIGINT: every message arrives exactly once, in order" sh -c '[ "$(cat /tmp/sig.out)" = "$(printf "s%s\n" 1 2 3 4 5 6)" ]'
check "the interrupted cat received nothing" test ! -s /tmp/sig0.out
grep "^/sig	" /n/dchan/stats
check "no reader left waiting on /sig" grep -q "^/sig	0	0	0	0	6	6	" /n/dchan/stats

# --- an interrupted writer: its message is withdrawn, never delivered ---
touch /n/dchan/w
timeout -s KILL 2 sh -c 'echo lost >>/n/dchan/w'
check "SIGKILL ends a blocked writer" test $? != 0
cat /n/dchan2/w >/tmp/w.out &
reader=$!
sleep 1
echo kept >>/n/dchan/w
wait_for /tmp/w.out "^kept\$" 10
kill $reader; wait $reader 2>/dev/null
check "the interrupted write's message is never delivered" sh -c '[ "$(cat /tmp/w.out)" = kept ]'

# --- a message larger than a read's buffer arrives whole over several reads ---
touch /n/dchan/big
echo "/big 1" >>/n/dchan/ctl
dd if=/dev/urandom of=/tmp/big.in bs=100000 count=1 2>/dev/null
dd if=/tmp/big.in of=/n/dchan/big bs=100000 count=1 2>/dev/null
check "one 100000-byte write is accepted" test $? = 0
dd if=/n/dchan2/big of=/tmp/big.out bs=4096 count=25 2>/dev/null
check "it arrives whole through 4096-byte reads" sh -c '[ "$(md5sum </tmp/big.in)" = "$(md5sum </tmp/big.out)" ]'

# --- directories, mv, ls ---
mkdir /n/dchan/jobs && touch /n/dchan/jobs/resize
check "mkdir and channels inside" test -f /n/dchan2/jobs/resize
mv /n/dchan/jobs/resize /n/dchan/jobs/scale
check "mv renames a channel" sh -c 'test -f /n/dchan/jobs/scale && ! test -e /n/dchan/jobs/resize'
check "ctl uses the new name" grep -qx "/jobs/scale 0" /n/dchan/ctl
( rmdir /n/dchan/jobs ) 2>/dev/null
check "a non-empty directory cannot be removed" test -d /n/dchan/jobs
ls -l /n/dchan /n/dchan/jobs
umount /n/dchan2
umount /n/dchan
finish

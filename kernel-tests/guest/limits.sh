# Limits as a user meets them on a real mount (server started with --max-memory 2m
# --max-files 20): clear errors, nothing lost, the limits file counts each refusal.
. /files/guest/lib.sh
set -u
p9mount /n/dchan || exit 100
touch /n/dchan/big
echo "/big 100" >>/n/dchan/ctl
dd if=/dev/zero of=/tmp/m bs=65536 count=1 2>/dev/null
n=0
while [ $n -lt 100 ]; do
	dd if=/tmp/m of=/n/dchan/big bs=65536 count=1 conv=notrunc 2>/tmp/err || break
	n=$((n + 1))
done
cat /tmp/err
check "a write beyond the memory budget fails: No space left on device" grep -q "No space left on device" /tmp/err
check "the writes before it were all accepted ($n)" sh -c "[ $n -ge 20 ] && [ $n -lt 40 ]"
check "every accepted message is still buffered" grep -q "^/big	100	$n	" /n/dchan/stats
grep "^memory" /n/dchan/limits
check "limits counts the refusal" sh -c 'grep "^memory	" /n/dchan/limits | awk -F"\t" "{exit !(\$4 >= 1)}"'
head -c 65536 /n/dchan/big >/dev/null
check "once a message is read, a write fits again" dd if=/tmp/m of=/n/dchan/big bs=65536 count=1 conv=notrunc 2>/dev/null
i=0
while [ $i -lt 30 ]; do mkdir /n/dchan/d$i 2>/tmp/mkerr || break; i=$((i + 1)); done
cat /tmp/mkerr
check "the 21st file fails: No space left on device" sh -c "[ $i = 19 ] && grep -q 'No space left on device' /tmp/mkerr"
rmdir /n/dchan/d0 /n/dchan/d1
( mkdir "/n/dchan/$(printf 'a\nb')" ) 2>/tmp/nlerr
check "a name with a newline is refused: Invalid argument" grep -q "Invalid argument" /tmp/nlerr
touch "/n/dchan/with space"
echo "'/with space' 3" >>/n/dchan/ctl
check "a name with a space is quoted in ctl, and can be configured" grep -qx "'/with space' 3" /n/dchan/ctl
cat /n/dchan/ctl >/tmp/ctl.txt
cat /tmp/ctl.txt >>/n/dchan/ctl
check "ctl written back is accepted" test $? = 0
umount /n/dchan
finish

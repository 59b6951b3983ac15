-------------------------------- MODULE Lines --------------------------------
(***************************************************************************)
(* A line channel (docs/semantics.md section 4a): a write is a batch of     *)
(* lines, accepted one by one, in order, into the buffer or straight to     *)
(* waiting readers; a read takes as many whole lines as are available at    *)
(* once and fit its budget (at least one; one at a time on a rendezvous     *)
(* channel), and never waits for more once it has one.  A Tflush of a      *)
(* write that has a part accepted keeps that part: the write is answered    *)
(* with the accepted count (before the Rflush), the rest has no effect.     *)
(*                                                                         *)
(* Code: dchan.core.Channel.startSendBatch / startReceiveBatch, Op.accepted, *)
(* and the cancel that keeps an accepted part (Channel.withdraw).  The      *)
(* code accepts a write's first lines atomically when it starts; here that *)
(* is StartWrite followed by Accept steps, a superset of the code's         *)
(* behaviours, so the invariants below hold for the code's too.  A read    *)
(* (Take) is one step, as in the code: it takes from the buffer and, as     *)
(* each freed slot admits the next waiting line, from the waiting writers.  *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets

CONSTANTS
    Writers,      \* write requests
    LinesOf,      \* [Writers -> Seq(line)]: the lines of each write; all lines distinct
    Readers,      \* read requests
    Budget,       \* [Readers -> Nat]: how many lines beyond the first a read may take
    MaxCap,
    MaxFlush,
    CancelDropsPartial  \* seeded bug: a flush withdraws a write whose part was accepted

Requests == Writers \cup Readers
Max(a, b) == IF a > b THEN a ELSE b
Min(a, b) == IF a < b THEN a ELSE b
Range(s) == {s[i] : i \in DOMAIN s}
Without(s, x) == SelectSeq(s, LAMBDA y : y # x)
Count(s, e) == Len(SelectSeq(s, LAMBDA y : y = e))

VARIABLES
    buf,        \* Seq(line)
    sendq,      \* Seq(Writers): waiting writes, oldest first
    recvq,      \* Seq(Readers): waiting reads, oldest first
    cap, closed,
    st,         \* [Requests -> "idle" | "pending" | "committed" | "replied" | "cancelled"]
    acc,        \* [Writers -> Nat]: lines accepted so far (a prefix of LinesOf[w])
    got,        \* [Readers -> Seq(line)]: what a read took
    eof,        \* [Readers -> BOOLEAN]: a read ended with end-of-file
    flushes, deferred, wire,
    accepted,   \* ghost: lines in the order the channel accepted them
    delivered,  \* ghost: lines in the order readers took them
    dropped     \* ghost: lines dropped by Remove

vars == <<buf, sendq, recvq, cap, closed, st, acc, got, eof, flushes, deferred, wire,
          accepted, delivered, dropped>>

Left(w) == SubSeq(LinesOf[w], acc[w] + 1, Len(LinesOf[w]))
\* The lines waiting writers still have, in the order they will be accepted.
RECURSIVE Waiting(_)
Waiting(q) == IF q = <<>> THEN <<>> ELSE Left(Head(q)) \o Waiting(Tail(q))

Init ==
    /\ buf = <<>> /\ sendq = <<>> /\ recvq = <<>>
    /\ cap \in 0..MaxCap /\ closed = FALSE
    /\ st = [x \in Requests |-> "idle"]
    /\ acc = [w \in Writers |-> 0]
    /\ got = [r \in Readers |-> <<>>]
    /\ eof = [r \in Readers |-> FALSE]
    /\ flushes = [x \in Requests |-> 0]
    /\ deferred = [x \in Requests |-> 0]
    /\ wire = [x \in Requests |-> <<>>]
    /\ accepted = <<>> /\ delivered = <<>> /\ dropped = <<>>

Untouched == <<flushes, deferred, wire>>

(* A write starts: on a closed channel it fails; otherwise it waits at the *)
(* end of sendq, and Accept moves its lines in.                             *)
StartWrite(w) ==
    /\ st[w] = "idle"
    /\ IF closed
         THEN st' = [st EXCEPT ![w] = "committed"] /\ UNCHANGED sendq
         ELSE st' = [st EXCEPT ![w] = "pending"] /\ sendq' = Append(sendq, w)
    /\ UNCHANGED <<buf, recvq, cap, closed, acc, got, eof, accepted, delivered, dropped>>
    /\ UNCHANGED Untouched

(* The oldest waiting write's next lines are accepted: to the oldest       *)
(* waiting read (one line on a rendezvous channel; up to its budget         *)
(* otherwise), or into free buffer room.                                    *)
Accept ==
    /\ sendq # <<>>
    /\ LET w == Head(sendq) IN
       \/ /\ recvq # <<>>
          /\ \E k \in 1..Min(Len(Left(w)), IF cap = 0 THEN 1 ELSE 1 + Budget[Head(recvq)]) :
             LET r == Head(recvq)
                 lines == SubSeq(Left(w), 1, k) IN
             /\ got' = [got EXCEPT ![r] = lines]
             /\ acc' = [acc EXCEPT ![w] = @ + k]
             /\ accepted' = accepted \o lines
             /\ delivered' = delivered \o lines
             /\ recvq' = Tail(recvq)
             /\ LET done == acc[w] + k = Len(LinesOf[w]) IN
                /\ st' = [st EXCEPT ![r] = "committed",
                                    ![w] = IF done THEN "committed" ELSE "pending"]
                /\ sendq' = IF done THEN Tail(sendq) ELSE sendq
          /\ UNCHANGED buf
       \/ /\ recvq = <<>> /\ Len(buf) < cap
          /\ LET line == Left(w)[1]
                 done == acc[w] + 1 = Len(LinesOf[w]) IN
             /\ buf' = Append(buf, line)
             /\ acc' = [acc EXCEPT ![w] = @ + 1]
             /\ accepted' = Append(accepted, line)
             /\ st' = [st EXCEPT ![w] = IF done THEN "committed" ELSE "pending"]
             /\ sendq' = IF done THEN Tail(sendq) ELSE sendq
          /\ UNCHANGED <<recvq, got, delivered>>
    /\ UNCHANGED <<cap, closed, eof, dropped>> /\ UNCHANGED Untouched

(* Accepted lines of waiting writers: after a Take consumed n lines of     *)
(* Waiting(sendq), the writers advance in order; those done leave sendq.   *)
RECURSIVE Advance(_, _, _)
Advance(q, n, a) ==  \* [acc |-> new acc, q |-> new sendq, done |-> writers done]
    IF q = <<>> \/ n = 0 THEN [acc |-> a, q |-> q, done |-> {}]
    ELSE LET w == Head(q)
             m == Min(n, Len(LinesOf[w]) - a[w])
             a2 == [a EXCEPT ![w] = @ + m] IN
         IF a2[w] = Len(LinesOf[w])
           THEN LET rest == Advance(Tail(q), n - m, a2) IN
                [acc |-> rest.acc, q |-> rest.q, done |-> rest.done \cup {w}]
           ELSE [acc |-> a2, q |-> q, done |-> {}]

(* A read (Channel.take): from the buffer, each freed slot admitting the   *)
(* next waiting line, as many as are there and fit (at least one; one on a  *)
(* rendezvous channel); else end-of-file on a closed channel; else it waits.*)
(* While Accept still owes lines to a waiting read (the code does that     *)
(* inside the write's start), no read begins: reads never overtake.        *)
Take(r) ==
    /\ st[r] = "idle"
    /\ recvq = <<>> \/ sendq = <<>>
    /\ LET avail == buf \o Waiting(sendq) IN
       \/ /\ avail # <<>>
          /\ \E k \in 1..Min(Len(avail), IF cap = 0 THEN 1 ELSE 1 + Budget[r]) :
             LET taken == SubSeq(avail, 1, k)
                 rest == SubSeq(avail, k + 1, Len(avail))
                 keep == Min(Len(rest), Max(Len(buf) - k, cap))
                 moved == Max(0, k + keep - Len(buf))   \* waiting lines taken or admitted
                 adv == Advance(sendq, moved, acc) IN
             /\ got' = [got EXCEPT ![r] = taken]
             /\ buf' = SubSeq(rest, 1, keep)
             /\ acc' = adv.acc
             /\ sendq' = adv.q
             /\ accepted' = accepted \o SubSeq(Waiting(sendq), 1, moved)
             /\ delivered' = delivered \o taken
             /\ st' = [x \in Requests |-> IF x = r \/ x \in adv.done THEN "committed" ELSE st[x]]
          /\ UNCHANGED <<recvq, eof>>
       \/ /\ avail = <<>> /\ closed
          /\ st' = [st EXCEPT ![r] = "committed"] /\ eof' = [eof EXCEPT ![r] = TRUE]
          /\ UNCHANGED <<buf, sendq, recvq, acc, got, accepted, delivered>>
       \/ /\ avail = <<>> /\ ~closed
          /\ st' = [st EXCEPT ![r] = "pending"] /\ recvq' = Append(recvq, r)
          /\ UNCHANGED <<buf, sendq, acc, got, eof, accepted, delivered>>
    /\ UNCHANGED <<cap, closed, dropped>> /\ UNCHANGED Untouched

(* Tflush: a waiting request with nothing accepted is withdrawn (Rflush    *)
(* now, no reply); a write with a part accepted keeps it and completes      *)
(* (its reply, with the accepted count, then the Rflush); a committed one   *)
(* keeps its outcome.  The seeded bug withdraws a write with a part.       *)
Flush(x) ==
    /\ st[x] # "idle" /\ flushes[x] < MaxFlush
    /\ flushes' = [flushes EXCEPT ![x] = @ + 1]
    /\ \/ /\ st[x] = "pending"
          /\ IF x \in Writers THEN acc[x] = 0 \/ CancelDropsPartial ELSE TRUE
          /\ st' = [st EXCEPT ![x] = "cancelled"]
          /\ sendq' = Without(sendq, x) /\ recvq' = Without(recvq, x)
          /\ wire' = [wire EXCEPT ![x] = Append(@, "rflush")]
          /\ UNCHANGED deferred
       \/ /\ st[x] = "pending" /\ x \in Writers
          /\ IF x \in Writers THEN acc[x] > 0 /\ ~CancelDropsPartial ELSE FALSE
          /\ st' = [st EXCEPT ![x] = "committed"]
          /\ sendq' = Without(sendq, x) /\ UNCHANGED recvq
          /\ deferred' = [deferred EXCEPT ![x] = @ + 1]
          /\ UNCHANGED wire
       \/ /\ st[x] = "committed"
          /\ deferred' = [deferred EXCEPT ![x] = @ + 1]
          /\ UNCHANGED <<st, sendq, recvq, wire>>
       \/ /\ st[x] \in {"replied", "cancelled"}
          /\ wire' = [wire EXCEPT ![x] = Append(@, "rflush")]
          /\ UNCHANGED <<st, sendq, recvq, deferred>>
    /\ UNCHANGED <<buf, cap, closed, acc, got, eof, accepted, delivered, dropped>>

Reply(x) ==
    /\ st[x] = "committed"
    /\ st' = [st EXCEPT ![x] = "replied"]
    /\ wire' = [wire EXCEPT ![x] = (@ \o <<"reply">>) \o [i \in 1..deferred[x] |-> "rflush"]]
    /\ deferred' = [deferred EXCEPT ![x] = 0]
    /\ UNCHANGED <<buf, sendq, recvq, cap, closed, acc, got, eof, flushes, accepted, delivered, dropped>>

(* Close: waiting writes end (their accepted parts stand), waiting reads   *)
(* get end-of-file.  Remove also drops the buffer.                          *)
CloseQueues ==
    /\ closed' = TRUE
    /\ st' = [x \in Requests |-> IF x \in Range(sendq) \cup Range(recvq) THEN "committed" ELSE st[x]]
    /\ eof' = [r \in Readers |-> eof[r] \/ r \in Range(recvq)]
    /\ sendq' = <<>> /\ recvq' = <<>>

Close ==
    /\ ~closed /\ CloseQueues
    /\ UNCHANGED <<buf, cap, acc, got, accepted, delivered, dropped>> /\ UNCHANGED Untouched

Remove ==
    /\ ~closed \/ buf # <<>>
    /\ CloseQueues
    /\ dropped' = dropped \o buf /\ buf' = <<>>
    /\ UNCHANGED <<cap, acc, got, accepted, delivered>> /\ UNCHANGED Untouched

(* Raising capacity lets Accept admit waiting lines; lowering keeps every   *)
(* buffered line.                                                           *)
SetCapacity(n) ==
    /\ n # cap /\ cap' = n
    /\ UNCHANGED <<buf, sendq, recvq, closed, st, acc, got, eof, accepted, delivered, dropped>>
    /\ UNCHANGED Untouched

Next ==
    \/ \E w \in Writers : StartWrite(w)
    \/ Accept
    \/ \E r \in Readers : Take(r)
    \/ \E x \in Requests : Flush(x) \/ Reply(x)
    \/ Close \/ Remove
    \/ \E n \in 0..MaxCap : SetCapacity(n)

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* Every line leaves the channel once, in acceptance order (delivered, then *)
(* dropped by Remove), and what is buffered is the rest of that order.     *)
Order == delivered \o dropped \o buf = accepted

(* A write's accepted lines are a prefix of it, accepted in its order and   *)
(* with no other write's line among them.                                   *)
WriteAtomicity ==
    \A w \in Writers :
        LET pos(l) == CHOOSE i \in DOMAIN accepted : accepted[i] = l
            mine == SubSeq(LinesOf[w], 1, acc[w]) IN
        /\ \A i \in DOMAIN mine : mine[i] \in Range(accepted)
        /\ \A l \in Range(LinesOf[w]) : l \in Range(accepted) => l \in Range(mine)
        /\ \A i \in 1..(Len(mine) - 1) : pos(mine[i + 1]) = pos(mine[i]) + 1

(* A withdrawn request had no effect: a write accepted nothing, a read took *)
(* nothing.                                                                 *)
WithdrawnNeverTakesEffect ==
    /\ \A w \in Writers : st[w] = "cancelled" => acc[w] = 0
    /\ \A r \in Readers : st[r] = "cancelled" => got[r] = <<>>

(* A read takes at least one line (or ends with end-of-file), at most its  *)
(* budget; a waiting read has taken nothing: it never waits once it has one.*)
ReadTakesWhatFits ==
    \A r \in Readers :
        /\ st[r] \in {"committed", "replied"} => (Len(got[r]) >= 1 \/ eof[r])
        /\ Len(got[r]) <= 1 + Budget[r]
        /\ st[r] = "pending" => got[r] = <<>>

NoReplyAfterRflush ==
    \A x \in Requests : \A i, j \in DOMAIN wire[x] :
        (i < j /\ wire[x][i] = "rflush") => wire[x][j] # "reply"
NoReplyForWithdrawn == \A x \in Requests : st[x] = "cancelled" => Count(wire[x], "reply") = 0

(* Go's queue invariant, as far as it holds between a write's start and    *)
(* its Accept steps: a waiting read means an empty buffer; nothing waits on *)
(* a closed channel.                                                        *)
QueueInvariant ==
    /\ recvq # <<>> => buf = <<>>
    /\ closed => (sendq = <<>> /\ recvq = <<>>)
=============================================================================

------------------------------- MODULE Session -------------------------------
(***************************************************************************)
(* One 9P connection to dchan (docs/semantics.md sections 4 and 5): its    *)
(* requests by tag, their fids, and the order of their replies on the wire. *)
(* The code is dchan.server.session.Session; names below are its names.    *)
(*                                                                         *)
(* A request is a tag; each is used once (tag reuse after a reply adds      *)
(* nothing to the ordering rules).  Its state is Request.State:             *)
(*                                                                         *)
(*   idle -> queued -> pending -> matched -> replied                       *)
(*             |          |          |                                     *)
(*             |          |          +-> (after a disconnect) abandoned     *)
(*             +----------+-> withdrawn   (or replied EINTR, by a clunk)    *)
(*   idle -> deferred -> replied          (Tflush, Tclunk, Tversion)        *)
(*                                                                         *)
(* The channel is the environment.  Channel.tla proves that a request's    *)
(* cancel and its match are atomic with respect to each other (Withdrawn-  *)
(* NeverTakesEffect); this module relies on exactly that: Match moves a    *)
(* pending request to matched in one step, a withdrawal moves it out of    *)
(* pending in one step, and nothing else touches the channel.  Messages    *)
(* other connections send arrive in the channel in order (Produce); reads  *)
(* of this connection take them (Serve, Match).                            *)
(*                                                                         *)
(* Vocabulary: waits[x] is the set of requests whose reply (or withdrawal)  *)
(* must precede x's reply -- the code's Request.waitingFor counts it, and  *)
(* the requests x waits for list x in their dependents.  (Channel.tla      *)
(* counts the other way round: its deferred[x] counts the Rflushes waiting *)
(* for x.)  Withdraw is Session.withdraw: the one policy of Tflush, Tclunk, *)
(* Tversion and disconnect.                                                 *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets

CONSTANTS
    Reads,        \* Tread requests, each on FidOf[r] with count CountOf[r]
    Writes,       \* Twrite requests, each on FidOf[w]
    Flushes,      \* Tflush requests; each names one other request (or none)
    Clunks,       \* Tclunk requests, each of FidOf[c]
    Versions,     \* Tversion requests
    Fids,
    FidOf,        \* [Reads \cup Writes \cup Clunks -> Fids]
    CountOf,      \* [Reads -> Nat \ {0}]
    Sent,         \* Seq of messages other connections send, in order; a message is a Seq of units
    Eom,          \* the end-of-message mark is on for this session
    MayDisconnect,    \* the connection may close
    EarlyRclunk,      \* seeded bug: Rclunk does not wait for a matched read on its fid
    WithdrawMatched,  \* seeded bug: a withdrawal also takes back a matched read
    ServeAnyRead      \* seeded bug: reads on one fid are not served one at a time

Requests == Reads \cup Writes \cup Flushes \cup Clunks \cup Versions
None == "none"

ASSUME EarlyRclunk \in BOOLEAN /\ WithdrawMatched \in BOOLEAN /\ ServeAnyRead \in BOOLEAN
ASSUME Eom \in BOOLEAN /\ MayDisconnect \in BOOLEAN

VARIABLES
    st,        \* [Requests -> state], see above
    waits,     \* [Requests -> SUBSET Requests]
    target,    \* [Flushes -> Requests \cup {None}]: the oldtag of a Tflush
    fidq,      \* [Fids -> Seq(Reads)]: Fid.reads, in arrival order
    open,      \* [Fids -> BOOLEAN]: the fid exists (not clunked, not reset)
    rem,       \* [Fids -> Seq(units)]: Fid.remainder
    mark,      \* [Fids -> BOOLEAN]: Fid.eomArmed
    chan,      \* Seq(message): what the channel holds for this connection's reads
    unsent,    \* Seq(message): what other connections have yet to send
    closed,    \* the connection is gone (disconnect)
    wire,      \* Seq([req, what]): the replies sent, in order
    took,      \* [Reads -> message or None]: what a read took from the channel
    accepted,  \* SUBSET Writes: writes whose message the channel accepted
    out,       \* [Fids -> Seq([u, how])]: units that left a fid, "delivered" or "dropped"
    takenOn,   \* [Fids -> Seq(message)]: messages taken by reads on the fid, in order
    hist,      \* [Fids -> Seq({"short","full","mark"})]: data replies on the fid
    clunkMust  \* [Clunks -> SUBSET Requests]: what had taken effect on its fid when it came

vars == <<st, waits, target, fidq, open, rem, mark, chan, unsent, closed, wire, took,
          accepted, out, takenOn, hist, clunkMust>>

Min(a, b) == IF a < b THEN a ELSE b
Range(s) == {s[i] : i \in DOMAIN s}
Without(s, x) == SelectSeq(s, LAMBDA y : y # x)
Flatten(ms) == LET F[i \in 0..Len(ms)] == IF i = 0 THEN <<>> ELSE F[i-1] \o ms[i] IN F[Len(ms)]
Units(o) == [i \in DOMAIN o |-> o[i].u]
AsOut(us, how) == [i \in DOMAIN us |-> [u |-> us[i], how |-> how]]
SetToSeq(S) == CHOOSE s \in [1..Cardinality(S) -> S] : \A i, j \in DOMAIN s : i # j => s[i] # s[j]
Reply(r, what) == [req |-> r, what |-> what]

Outstanding == {r \in Requests : st[r] \in {"queued", "pending", "matched", "deferred"}}
Done(r) == st[r] \in {"replied", "withdrawn", "abandoned"}
\* What a withdrawal can take back: not yet matched (the seeded bug takes matched reads too).
Withdrawable(r) == st[r] \in {"queued", "pending"}
                   \/ (WithdrawMatched /\ r \in Reads /\ st[r] = "matched")
\* The requests working on fid f: its reads, and its parked writes.
OnFid(f) == {r \in Reads : st[r] \in {"queued", "pending", "matched"} /\ FidOf[r] = f}
            \cup {w \in Writes : st[w] \in {"pending", "matched"} /\ FidOf[w] = f}

-----------------------------------------------------------------------------
Init ==
    /\ st = [r \in Requests |-> "idle"]
    /\ waits = [r \in Requests |-> {}]
    /\ target = [x \in Flushes |-> None]
    /\ fidq = [f \in Fids |-> <<>>]
    /\ open = [f \in Fids |-> TRUE]
    /\ rem = [f \in Fids |-> <<>>]
    /\ mark = [f \in Fids |-> FALSE]
    /\ chan = <<>> /\ unsent = Sent /\ closed = FALSE /\ wire = <<>>
    /\ took = [r \in Reads |-> None]
    /\ accepted = {}
    /\ out = [f \in Fids |-> <<>>]
    /\ takenOn = [f \in Fids |-> <<>>]
    /\ hist = [f \in Fids |-> <<>>]
    /\ clunkMust = [c \in Clunks |-> {}]

\* Another connection sends the next message; it waits in the channel.
Produce ==
    /\ unsent # <<>>
    /\ chan' = Append(chan, Head(unsent)) /\ unsent' = Tail(unsent)
    /\ UNCHANGED <<st, waits, target, fidq, open, rem, mark, closed, wire, took, accepted, out,
                   takenOn, hist, clunkMust>>

\* The data reply of read r on fid f: units us of a message, then units gone (dropped) are
\* recorded as having left the fid. Arms the mark after a short read.
DataReplyThenDrop(r, f, us, gone) ==
    /\ wire' = Append(wire, Reply(r, "data"))
    /\ out' = [out EXCEPT ![f] = @ \o AsOut(us, "delivered") \o AsOut(gone, "dropped")]
    /\ hist' = [hist EXCEPT ![f] = Append(@, IF Len(us) < CountOf[r] THEN "short" ELSE "full")]
    /\ mark' = [mark EXCEPT ![f] = Eom /\ Len(us) < CountOf[r]]
DataReply(r, f, us) == DataReplyThenDrop(r, f, us, <<>>)

(* A Tread arrives: it joins its fid's reads (Session.queueRead); on a fid   *)
(* that no longer exists it fails at once.                                   *)
ArriveRead(r) ==
    LET f == FidOf[r] IN
    /\ st[r] = "idle" /\ ~closed
    /\ \/ /\ open[f]
          /\ st' = [st EXCEPT ![r] = "queued"]
          /\ fidq' = [fidq EXCEPT ![f] = Append(@, r)]
          /\ UNCHANGED wire
       \/ /\ ~open[f]
          /\ st' = [st EXCEPT ![r] = "replied"]
          /\ wire' = Append(wire, Reply(r, "error"))
          /\ UNCHANGED fidq
    /\ UNCHANGED <<waits, target, open, rem, mark, chan, unsent, closed, took, accepted, out,
                   takenOn, hist, clunkMust>>

(* The head read of fid f is served (Session.serveReads, ChannelIo.serve): *)
(* from the remainder, else the mark, else a message the channel holds,    *)
(* else it parks.  Only the head: reads on a fid are served one at a time. *)
Serve(f) ==
    \E r \in Range(fidq[f]) :
    /\ IF ServeAnyRead THEN TRUE ELSE r = Head(fidq[f])
    /\ st[r] = "queued" /\ open[f] /\ ~closed
    /\ LET n == Min(CountOf[r], Len(rem[f])) IN
       CASE rem[f] # <<>> ->
              /\ DataReply(r, f, SubSeq(rem[f], 1, n))
              /\ rem' = [rem EXCEPT ![f] = SubSeq(@, n + 1, Len(@))]
              /\ st' = [st EXCEPT ![r] = "replied"]
              /\ fidq' = [fidq EXCEPT ![f] = Without(@, r)]
              /\ UNCHANGED <<chan, took, takenOn>>
         [] mark[f] ->
              /\ wire' = Append(wire, Reply(r, "data"))
              /\ hist' = [hist EXCEPT ![f] = Append(@, "mark")]
              /\ mark' = [mark EXCEPT ![f] = FALSE]
              /\ st' = [st EXCEPT ![r] = "replied"]
              /\ fidq' = [fidq EXCEPT ![f] = Without(@, r)]
              /\ UNCHANGED <<rem, out, chan, took, takenOn>>
         [] chan # <<>> ->
              LET m == Head(chan) IN
              LET k == Min(CountOf[r], Len(m)) IN
              /\ DataReply(r, f, SubSeq(m, 1, k))
              /\ rem' = [rem EXCEPT ![f] = SubSeq(m, k + 1, Len(m))]
              /\ chan' = Tail(chan)
              /\ took' = [took EXCEPT ![r] = m]
              /\ takenOn' = [takenOn EXCEPT ![f] = Append(@, m)]
              /\ st' = [st EXCEPT ![r] = "replied"]
              /\ fidq' = [fidq EXCEPT ![f] = Without(@, r)]
         [] OTHER ->
              /\ st' = [st EXCEPT ![r] = "pending"]
              /\ UNCHANGED <<wire, out, hist, mark, rem, chan, took, takenOn, fidq>>
    /\ UNCHANGED <<waits, target, open, unsent, closed, accepted, clunkMust>>

(* The channel matches a pending read with the next message (a write of    *)
(* another connection, or the buffer): atomic with respect to withdrawal. *)
Match(r) ==
    /\ r \in Reads /\ st[r] = "pending" /\ chan # <<>>
    /\ st' = [st EXCEPT ![r] = "matched"]
    /\ took' = [took EXCEPT ![r] = Head(chan)]
    /\ takenOn' = [takenOn EXCEPT ![FidOf[r]] = Append(@, Head(chan))]
    /\ chan' = Tail(chan)
    /\ UNCHANGED <<waits, target, fidq, open, rem, mark, unsent, closed, wire, accepted, out,
                   hist, clunkMust>>

(* The completion of a matched read (ChannelIo.complete): its data, the   *)
(* rest kept as the fid's remainder -- or dropped if the fid is gone.  After *)
(* a disconnect the message is lost, and counted (abandoned).              *)
CompleteRead(r) ==
    LET f == FidOf[r]
        m == took[r]
        k == Min(CountOf[r], Len(m)) IN
    /\ r \in Reads /\ st[r] = "matched"
    /\ fidq' = [fidq EXCEPT ![f] = Without(@, r)]
    /\ IF closed
         THEN /\ st' = [st EXCEPT ![r] = "abandoned"]
              /\ out' = [out EXCEPT ![f] = @ \o AsOut(m, "dropped")]
              /\ UNCHANGED <<wire, hist, mark, rem>>
         ELSE /\ st' = [st EXCEPT ![r] = "replied"]
              /\ IF open[f]
                   THEN /\ DataReply(r, f, SubSeq(m, 1, k))
                        /\ rem' = [rem EXCEPT ![f] = SubSeq(m, k + 1, Len(m))]
                   ELSE /\ DataReplyThenDrop(r, f, SubSeq(m, 1, k), SubSeq(m, k + 1, Len(m)))
                        /\ UNCHANGED rem
    /\ UNCHANGED <<waits, target, open, chan, unsent, closed, took, accepted, takenOn, clunkMust>>

(* A Twrite: accepted at once (Rwrite), or parked until a reader or room   *)
(* comes; on a fid that is gone it fails.                                  *)
ArriveWrite(w) ==
    /\ st[w] = "idle" /\ ~closed
    /\ \/ /\ ~open[FidOf[w]]
          /\ st' = [st EXCEPT ![w] = "replied"]
          /\ wire' = Append(wire, Reply(w, "error"))
          /\ UNCHANGED accepted
       \/ /\ open[FidOf[w]]
          /\ st' = [st EXCEPT ![w] = "replied"]
          /\ accepted' = accepted \cup {w}
          /\ wire' = Append(wire, Reply(w, "rwrite"))
       \/ /\ open[FidOf[w]]
          /\ st' = [st EXCEPT ![w] = "pending"]
          /\ UNCHANGED <<wire, accepted>>
    /\ UNCHANGED <<waits, target, fidq, open, rem, mark, chan, unsent, closed, took, out,
                   takenOn, hist, clunkMust>>

AcceptWrite(w) ==
    /\ w \in Writes /\ st[w] = "pending"
    /\ st' = [st EXCEPT ![w] = "matched"]
    /\ accepted' = accepted \cup {w}
    /\ UNCHANGED <<waits, target, fidq, open, rem, mark, chan, unsent, closed, wire, took, out,
                   takenOn, hist, clunkMust>>

CompleteWrite(w) ==
    /\ w \in Writes /\ st[w] = "matched"
    /\ IF closed
         THEN /\ st' = [st EXCEPT ![w] = "abandoned"] /\ UNCHANGED wire
         ELSE /\ st' = [st EXCEPT ![w] = "replied"] /\ wire' = Append(wire, Reply(w, "rwrite"))
    /\ UNCHANGED <<waits, target, fidq, open, rem, mark, chan, unsent, closed, took, accepted,
                   out, takenOn, hist, clunkMust>>

(* Withdraw(S, what): the one withdraw policy, for a set of withdrawable    *)
(* requests: each leaves its fid's reads and is answered with `what`       *)
(* ("eintr", a clunk's) or with nothing (None: flush, Tversion, disconnect). *)
(* A withdrawn read took nothing, a withdrawn write's message was never    *)
(* accepted (the seeded WithdrawMatched bug breaks the first).             *)
WithdrawState(S, what) ==
    [r \in Requests |-> IF r \in S THEN (IF what = None THEN "withdrawn" ELSE "replied")
                        ELSE st[r]]
WithdrawQueues(S) == [f \in Fids |-> SelectSeq(fidq[f], LAMBDA r : r \notin S)]
WithdrawWire(S, what) ==
    IF what = None THEN wire ELSE wire \o [i \in 1..Cardinality(S) |-> Reply(SetToSeq(S)[i], what)]

(* Tflush(x) naming t (Session.flush): t withdrawn if it can be; otherwise *)
(* the Rflush waits for t's reply; an unknown or answered tag: Rflush now. *)
Flush(x) ==
    /\ st[x] = "idle" /\ ~closed
    /\ \E t \in ((Requests \ Versions) \ {x}) \cup {None} :  \* a Tversion has no tag to name
        /\ target' = [target EXCEPT ![x] = IF t \in Outstanding THEN t ELSE None]
        /\ IF t # None /\ t \in Outstanding
             THEN IF Withdrawable(t)
                    THEN /\ st' = [WithdrawState({t}, None) EXCEPT ![x] = "replied"]
                         /\ fidq' = WithdrawQueues({t})
                         /\ wire' = Append(wire, Reply(x, "rflush"))
                         /\ UNCHANGED waits
                    ELSE /\ st' = [st EXCEPT ![x] = "deferred"]
                         /\ waits' = [waits EXCEPT ![x] = {t}]
                         /\ UNCHANGED <<fidq, wire>>
             ELSE /\ st' = [st EXCEPT ![x] = "replied"]
                  /\ wire' = Append(wire, Reply(x, "rflush"))
                  /\ UNCHANGED <<waits, fidq>>
    /\ UNCHANGED <<open, rem, mark, chan, unsent, closed, took, accepted, out, takenOn, hist,
                   clunkMust>>

(* Tclunk(c) of fid f (Session.clunk): the fid is gone; every request      *)
(* working on it that can be withdrawn is answered EINTR now; the ones     *)
(* that took effect are answered first; the remainder is dropped; then the *)
(* Rclunk.  The seeded EarlyRclunk bug does not wait.                      *)
Clunk(c) ==
    LET f == FidOf[c]
        w == {r \in OnFid(f) : Withdrawable(r)}
        must == OnFid(f) \ w IN
    /\ st[c] = "idle" /\ ~closed
    /\ IF ~open[f]
         THEN /\ st' = [st EXCEPT ![c] = "replied"]
              /\ wire' = Append(wire, Reply(c, "error"))
              /\ UNCHANGED <<waits, fidq, open, rem, mark, out, clunkMust>>
         ELSE /\ open' = [open EXCEPT ![f] = FALSE]
              /\ fidq' = WithdrawQueues(w)
              /\ clunkMust' = [clunkMust EXCEPT ![c] = must]
              /\ out' = [out EXCEPT ![f] = @ \o AsOut(rem[f], "dropped")]
              /\ rem' = [rem EXCEPT ![f] = <<>>]
              /\ mark' = [mark EXCEPT ![f] = FALSE]
              /\ IF must = {} \/ EarlyRclunk
                   THEN /\ st' = [WithdrawState(w, "eintr") EXCEPT ![c] = "replied"]
                        /\ wire' = Append(WithdrawWire(w, "eintr"), Reply(c, "rclunk"))
                        /\ UNCHANGED waits
                   ELSE /\ st' = [WithdrawState(w, "eintr") EXCEPT ![c] = "deferred"]
                        /\ wire' = WithdrawWire(w, "eintr")
                        /\ waits' = [waits EXCEPT ![c] = must]
    /\ UNCHANGED <<target, chan, unsent, closed, took, accepted, takenOn, hist>>

(* Tversion(v) (Session.version): a new session.  Everything withdrawable *)
(* is withdrawn with no reply; what took effect (and every deferred reply) *)
(* is answered first; every fid ends, remainders dropped; then Rversion.   *)
Version(v) ==
    LET w == {r \in Outstanding : Withdrawable(r)}
        must == Outstanding \ w IN
    /\ st[v] = "idle" /\ ~closed
    /\ open' = [f \in Fids |-> FALSE]
    /\ fidq' = WithdrawQueues(w)
    /\ out' = [f \in Fids |-> out[f] \o AsOut(rem[f], "dropped")]
    /\ rem' = [f \in Fids |-> <<>>]
    /\ mark' = [f \in Fids |-> FALSE]
    /\ IF must = {}
         THEN /\ st' = [WithdrawState(w, None) EXCEPT ![v] = "replied"]
              /\ wire' = Append(wire, Reply(v, "rversion"))
              /\ UNCHANGED waits
         ELSE /\ st' = [WithdrawState(w, None) EXCEPT ![v] = "deferred"]
              /\ waits' = [waits EXCEPT ![v] = must]
              /\ UNCHANGED wire
    /\ UNCHANGED <<target, chan, unsent, closed, took, accepted, takenOn, hist, clunkMust>>

(* The connection closes (Session.close): everything withdrawable is       *)
(* withdrawn; deferred replies are never sent; matched requests complete   *)
(* later with no reply (abandoned, their messages counted as dropped).     *)
Disconnect ==
    LET w == {r \in Outstanding : Withdrawable(r)} IN
    /\ MayDisconnect /\ ~closed
    /\ closed' = TRUE
    /\ st' = [r \in Requests |-> IF r \in w THEN "withdrawn"
                                ELSE IF st[r] = "deferred" THEN "abandoned" ELSE st[r]]
    /\ fidq' = WithdrawQueues(w)
    /\ open' = [f \in Fids |-> FALSE]
    /\ out' = [f \in Fids |-> out[f] \o AsOut(rem[f], "dropped")]
    /\ rem' = [f \in Fids |-> <<>>]
    /\ mark' = [f \in Fids |-> FALSE]
    /\ UNCHANGED <<waits, target, chan, unsent, wire, took, accepted, takenOn, hist, clunkMust>>

(* A deferred reply goes out once every request it waits for is done      *)
(* (Session.drainReady / releaseDependents).                               *)
Release(d) ==
    /\ st[d] = "deferred" /\ ~closed
    /\ \A t \in waits[d] : Done(t)
    /\ st' = [st EXCEPT ![d] = "replied"]
    /\ wire' = Append(wire, Reply(d, IF d \in Flushes THEN "rflush"
                                   ELSE IF d \in Clunks THEN "rclunk" ELSE "rversion"))
    /\ UNCHANGED <<waits, target, fidq, open, rem, mark, chan, unsent, closed, took, accepted,
                   out, takenOn, hist, clunkMust>>

Internal ==
    \/ \E f \in Fids : Serve(f)
    \/ \E r \in Requests : CompleteRead(r) \/ CompleteWrite(r) \/ Release(r)

Next ==
    \/ Produce
    \/ \E r \in Reads : ArriveRead(r) \/ Match(r)
    \/ \E w \in Writes : ArriveWrite(w) \/ AcceptWrite(w)
    \/ \E x \in Flushes : Flush(x)
    \/ \E c \in Clunks : Clunk(c)
    \/ \E v \in Versions : Version(v)
    \/ Disconnect
    \/ Internal

Spec == Init /\ [][Next]_vars
        /\ \A f \in Fids : WF_vars(Serve(f))
        /\ \A r \in Requests : WF_vars(CompleteRead(r) \/ CompleteWrite(r) \/ Release(r))

-----------------------------------------------------------------------------
(* Safety.  Session.assertInvariants and the tests cite these names.       *)

TypeOK ==
    /\ st \in [Requests -> {"idle", "queued", "pending", "matched", "deferred", "replied",
                            "withdrawn", "abandoned"}]
    /\ \A f \in Fids : Range(fidq[f]) \subseteq Reads
    /\ accepted \subseteq Writes

RepliesOf(r) == {i \in DOMAIN wire : wire[i].req = r}

(* Each tag is answered at most once; a replied request has its one reply.  *)
AtMostOneReply == \A r \in Requests : Cardinality(RepliesOf(r)) <= 1
RepliedMeansAnswered == \A r \in Requests : st[r] = "replied" <=> RepliesOf(r) # {}

(* Withdrawn (by Tflush, Tversion, disconnect) means no reply ever.  A      *)
(* withdrawn read took nothing and a withdrawn write was never accepted,   *)
(* and so for one answered EINTR by a clunk.                               *)
WithdrawnSilent == \A r \in Requests : st[r] \in {"withdrawn", "abandoned"} => RepliesOf(r) = {}
Interrupted(r) == \E i \in DOMAIN wire : wire[i] = Reply(r, "eintr")
WithdrawnNeverTookEffect ==
    /\ \A r \in Reads : (st[r] = "withdrawn" \/ Interrupted(r)) => took[r] = None
    /\ \A w \in Writes : (st[w] = "withdrawn" \/ Interrupted(w)) => w \notin accepted

(* flush(5): no reply for the flushed tag after its Rflush.                *)
NoReplyAfterRflush ==
    \A x \in Flushes : \A i, j \in DOMAIN wire :
        (wire[i] = Reply(x, "rflush") /\ wire[j].req = target[x] /\ target[x] # None) => j < i

(* Rclunk after the reply of every request on its fid that took effect.     *)
RclunkAfterMatched ==
    \A c \in Clunks : \A i \in DOMAIN wire : wire[i] = Reply(c, "rclunk") =>
        \A p \in clunkMust[c] : \E j \in DOMAIN wire : j < i /\ wire[j].req = p

(* Rversion after every request that took effect before it.                *)
RversionLast ==
    \A v \in Versions : \A i \in DOMAIN wire : wire[i] = Reply(v, "rversion") =>
        \A t \in waits[v] : RepliesOf(t) = {} \/ \E j \in RepliesOf(t) : j < i

(* RemainderFirst: on each fid, the units that left it (delivered, or      *)
(* dropped and counted), then the remainder, then the message a matched    *)
(* read holds until it completes, are exactly the messages its reads took, *)
(* in order: a remainder is delivered before any later message, and is     *)
(* never lost except as a counted drop.                                     *)
MatchedOn(f) == {r \in Reads : FidOf[r] = f /\ st[r] = "matched"}
InFlight(f) == IF MatchedOn(f) = {} THEN <<>> ELSE took[CHOOSE r \in MatchedOn(f) : TRUE]
RemainderFirst ==
    \A f \in Fids : Units(out[f]) \o rem[f] \o InFlight(f) = Flatten(takenOn[f])

(* Messages leave the channel in the order sent, each taken at most once.  *)
Order == LET taken == {m \in Range(Sent) : \E f \in Fids : m \in Range(takenOn[f])} IN
         /\ \A f, g \in Fids : f # g => Range(takenOn[f]) \cap Range(takenOn[g]) = {}
         /\ \A f \in Fids : \A i, j \in DOMAIN takenOn[f] : i # j => takenOn[f][i] # takenOn[f][j]
         /\ Cardinality(taken) + Len(chan) + Len(unsent) = Len(Sent)

(* The mark: an empty reply follows only a short read, and (with Eom) the  *)
(* next reply on the fid after a short read is the mark.                   *)
MarkOnlyAfterShortRead ==
    \A f \in Fids : \A i \in DOMAIN hist[f] :
        hist[f][i] = "mark" => (Eom /\ i > 1 /\ hist[f][i - 1] = "short")
MarkFollowsShortRead ==
    Eom => \A f \in Fids : \A i \in DOMAIN hist[f] :
        (hist[f][i] = "short" /\ i < Len(hist[f])) => hist[f][i + 1] = "mark"

(* OneReadAtATime: only the head of a fid's reads is pending or matched.    *)
OneReadAtATime ==
    \A f \in Fids : \A i \in DOMAIN fidq[f] : i > 1 => st[fidq[f][i]] = "queued"

(* Liveness under weak fairness of the server's own steps: every request   *)
(* whose outcome is decided is answered (or abandoned after a disconnect), *)
(* and so is every Tflush, Tclunk and Tversion.                             *)
MatchedAnswered == \A r \in Requests : (st[r] = "matched") ~> Done(r)
DeferredAnswered == \A r \in Requests : (st[r] = "deferred") ~> Done(r)
=============================================================================

------------------------------- MODULE Channel -------------------------------
(***************************************************************************)
(* One dchan channel as seen by many concurrent 9P requests on one          *)
(* connection (docs/semantics.md sections 3-6).                           *)
(*                                                                         *)
(* A send request (Twrite) carries one message; sender s sends the message  *)
(* named s, so messages are distinct and duplication is observable.  A      *)
(* receive request (Tread) takes one message or end-of-file.  Every request *)
(* moves                                                                   *)
(*     idle -> pending -> committed -> replied      (or idle -> committed)  *)
(*                pending -> cancelled                                     *)
(* "committed" means the channel has decided the request's outcome (the     *)
(* match is made, the message is in the buffer, or it failed on close); the *)
(* server's Reply is then still to be sent.  A Tflush (Flush) withdraws a   *)
(* pending request atomically; a committed one keeps its outcome and its    *)
(* Rflush is deferred until after its reply.                                *)
(*                                                                         *)
(* Names are shared with the Java core (dchan.core.Channel): buf, sendq,   *)
(* recvq, cap, closed are its fields; StartSend, StartReceive, Close,      *)
(* Remove, SetCapacity are its methods; Flush of a pending request is its  *)
(* withdraw (Op.cancel returning true); see core package-info.  The reply  *)
(* path here is the session's, specified in full by Session.tla; note that *)
(* deferred[x] below counts the Rflushes waiting for x's reply, where the   *)
(* code (and Session.tla's waits) records, on each waiting reply, what it  *)
(* waits for.                                                               *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets

CONSTANTS
    Senders,      \* send requests; sender s carries message s
    Receivers,    \* receive requests
    MaxCap,       \* capacities range over 0..MaxCap
    MaxFlush,     \* how many Tflush a client may send for one request
    BrokenCancel, \* seeded bug: a flush withdraws even a committed request
    EarlyRflush   \* seeded bug: a committed request's Rflush precedes its reply

ASSUME MaxCap \in Nat /\ MaxFlush \in Nat /\ Senders \cap Receivers = {}
ASSUME BrokenCancel \in BOOLEAN /\ EarlyRflush \in BOOLEAN

Requests == Senders \cup Receivers
EOF      == "eof"    \* a receive's result on a closed, drained channel
NoResult == "none"

VARIABLES
    buf,       \* Seq(Senders): buffered messages, oldest first
    sendq,     \* Seq(Senders): pending sends, in arrival order
    recvq,     \* Seq(Receivers): pending receives, in arrival order
    cap,       \* capacity; 0 = rendezvous
    closed,    \* closed by ctl "close" or by Remove
    state,     \* [Requests -> request state, see above]
    result,    \* [Requests -> "ok" | "epipe" (send); a message | EOF (receive)]
    flushes,   \* [Requests -> number of Tflush received for it]
    deferred,  \* [Requests -> Rflush replies waiting for the request's reply]
    wire,      \* [Requests -> Seq({"reply","rflush"})]: what the connection sent for it
    accepted,  \* ghost: messages in the order the channel accepted them
    delivered, \* ghost: messages in the order receivers took them
    dropped    \* ghost: messages dropped by Remove

vars == <<buf, sendq, recvq, cap, closed, state, result, flushes, deferred, wire,
          accepted, delivered, dropped>>

Range(s)       == {s[i] : i \in DOMAIN s}
Without(s, x)  == SelectSeq(s, LAMBDA y : y # x)
Min(a, b)      == IF a < b THEN a ELSE b
Count(s, e)    == Len(SelectSeq(s, LAMBDA y : y = e))

-----------------------------------------------------------------------------
Init ==
    /\ buf = <<>> /\ sendq = <<>> /\ recvq = <<>>
    /\ cap \in 0..MaxCap
    /\ closed = FALSE
    /\ state = [x \in Requests |-> "idle"]
    /\ result = [x \in Requests |-> NoResult]
    /\ flushes = [x \in Requests |-> 0]
    /\ deferred = [x \in Requests |-> 0]
    /\ wire = [x \in Requests |-> <<>>]
    /\ accepted = <<>> /\ delivered = <<>> /\ dropped = <<>>

Server == <<flushes, deferred, wire>>

(* StartSend(s): a write of message s.  Fails on a closed channel; else hands  *)
(* the message to the longest-waiting receiver, else buffers it if there is  *)
(* room, else waits at the end of sendq.                                     *)
StartSend(s) ==
    /\ state[s] = "idle"
    /\ \/ /\ closed
          /\ state' = [state EXCEPT ![s] = "committed"]
          /\ result' = [result EXCEPT ![s] = "epipe"]
          /\ UNCHANGED <<buf, sendq, recvq, accepted, delivered>>
       \/ /\ ~closed /\ recvq # <<>>
          /\ LET r == Head(recvq) IN
             /\ recvq' = Tail(recvq)
             /\ state' = [state EXCEPT ![s] = "committed", ![r] = "committed"]
             /\ result' = [result EXCEPT ![s] = "ok", ![r] = s]
          /\ accepted' = Append(accepted, s)
          /\ delivered' = Append(delivered, s)
          /\ UNCHANGED <<buf, sendq>>
       \/ /\ ~closed /\ recvq = <<>> /\ Len(buf) < cap
          /\ buf' = Append(buf, s)
          /\ state' = [state EXCEPT ![s] = "committed"]
          /\ result' = [result EXCEPT ![s] = "ok"]
          /\ accepted' = Append(accepted, s)
          /\ UNCHANGED <<sendq, recvq, delivered>>
       \/ /\ ~closed /\ recvq = <<>> /\ Len(buf) >= cap
          /\ sendq' = Append(sendq, s)
          /\ state' = [state EXCEPT ![s] = "pending"]
          /\ UNCHANGED <<buf, recvq, result, accepted, delivered>>
    /\ UNCHANGED <<cap, closed, dropped>> /\ UNCHANGED Server

(* StartReceive(r): a read.  Takes the oldest buffered message (and admits   *)
(* the longest-waiting sender into the freed slot), else the message of the  *)
(* longest-waiting sender, else end-of-file if closed, else waits.           *)
StartReceive(r) ==
    /\ state[r] = "idle"
    /\ \/ /\ buf # <<>>
          /\ delivered' = Append(delivered, Head(buf))
          /\ IF sendq # <<>> /\ Len(buf) - 1 < cap
               THEN LET s == Head(sendq) IN    \* admit s into the freed slot
                    /\ buf' = Append(Tail(buf), s)
                    /\ sendq' = Tail(sendq)
                    /\ accepted' = Append(accepted, s)
                    /\ state' = [state EXCEPT ![r] = "committed", ![s] = "committed"]
                    /\ result' = [result EXCEPT ![r] = Head(buf), ![s] = "ok"]
               ELSE /\ buf' = Tail(buf)
                    /\ UNCHANGED <<sendq, accepted>>
                    /\ state' = [state EXCEPT ![r] = "committed"]
                    /\ result' = [result EXCEPT ![r] = Head(buf)]
          /\ UNCHANGED recvq
       \/ /\ buf = <<>> /\ sendq # <<>>
          /\ LET s == Head(sendq) IN
             /\ sendq' = Tail(sendq)
             /\ state' = [state EXCEPT ![r] = "committed", ![s] = "committed"]
             /\ result' = [result EXCEPT ![r] = s, ![s] = "ok"]
             /\ accepted' = Append(accepted, s)
             /\ delivered' = Append(delivered, s)
          /\ UNCHANGED <<buf, recvq>>
       \/ /\ buf = <<>> /\ sendq = <<>> /\ closed
          /\ state' = [state EXCEPT ![r] = "committed"]
          /\ result' = [result EXCEPT ![r] = EOF]
          /\ UNCHANGED <<buf, sendq, recvq, accepted, delivered>>
       \/ /\ buf = <<>> /\ sendq = <<>> /\ ~closed
          /\ recvq' = Append(recvq, r)
          /\ state' = [state EXCEPT ![r] = "pending"]
          /\ UNCHANGED <<buf, sendq, result, accepted, delivered>>
    /\ UNCHANGED <<cap, closed, dropped>> /\ UNCHANGED Server

(* Flush(x): a Tflush naming x.  Pending: Withdraw it (unlink; it never takes *)
(* effect) and answer Rflush now, with no reply for x ever.  Committed: its    *)
(* outcome stands; the Rflush waits until after x's reply.  Already replied or *)
(* withdrawn: Rflush now.                                                      *)
Flush(x) ==
    /\ state[x] # "idle"
    /\ flushes[x] < MaxFlush
    /\ flushes' = [flushes EXCEPT ![x] = @ + 1]
    /\ \/ /\ state[x] = "pending"
          /\ sendq' = Without(sendq, x) /\ recvq' = Without(recvq, x)
          /\ state' = [state EXCEPT ![x] = "cancelled"]
          /\ wire' = [wire EXCEPT ![x] = Append(@, "rflush")]
          /\ UNCHANGED deferred
       \/ /\ state[x] = "committed" /\ BrokenCancel
          /\ state' = [state EXCEPT ![x] = "cancelled"]
          /\ wire' = [wire EXCEPT ![x] = Append(@, "rflush")]
          /\ UNCHANGED <<deferred, sendq, recvq>>
       \/ /\ state[x] = "committed" /\ ~BrokenCancel /\ EarlyRflush
          /\ wire' = [wire EXCEPT ![x] = Append(@, "rflush")]
          /\ UNCHANGED <<state, deferred, sendq, recvq>>
       \/ /\ state[x] = "committed" /\ ~BrokenCancel /\ ~EarlyRflush
          /\ deferred' = [deferred EXCEPT ![x] = @ + 1]
          /\ UNCHANGED <<state, wire, sendq, recvq>>
       \/ /\ state[x] \in {"replied", "cancelled"}
          /\ wire' = [wire EXCEPT ![x] = Append(@, "rflush")]
          /\ UNCHANGED <<state, deferred, sendq, recvq>>
    /\ UNCHANGED <<buf, cap, closed, result, accepted, delivered, dropped>>

(* Reply(x): the server's one reply path sends x's reply, then every Rflush  *)
(* that was waiting for it.                                                  *)
Reply(x) ==
    /\ state[x] = "committed"
    /\ state' = [state EXCEPT ![x] = "replied"]
    /\ wire' = [wire EXCEPT ![x] = (@ \o <<"reply">>) \o [i \in 1..deferred[x] |-> "rflush"]]
    /\ deferred' = [deferred EXCEPT ![x] = 0]
    /\ UNCHANGED <<buf, sendq, recvq, cap, closed, result, flushes, accepted, delivered, dropped>>

(* Close: pending sends fail (their messages are never delivered); pending   *)
(* receives get end-of-file (the buffer is empty whenever receivers wait).   *)
CloseQueues ==
    /\ closed' = TRUE
    /\ state' = [x \in Requests |-> IF x \in Range(sendq) \cup Range(recvq)
                                     THEN "committed" ELSE state[x]]
    /\ result' = [x \in Requests |-> IF x \in Range(sendq) THEN "epipe"
                                     ELSE IF x \in Range(recvq) THEN EOF ELSE result[x]]
    /\ sendq' = <<>> /\ recvq' = <<>>

Close ==
    /\ ~closed
    /\ CloseQueues
    /\ UNCHANGED <<buf, cap, accepted, delivered, dropped>> /\ UNCHANGED Server

(* Remove: the name goes away; the channel is closed and its buffer dropped. *)
Remove ==
    /\ ~closed \/ buf # <<>>
    /\ CloseQueues
    /\ dropped' = dropped \o buf
    /\ buf' = <<>>
    /\ UNCHANGED <<cap, accepted, delivered>> /\ UNCHANGED Server

(* SetCapacity(n): raising admits waiting senders in order; lowering keeps    *)
(* every buffered message.                                                    *)
SetCapacity(n) ==
    /\ n # cap
    /\ LET k        == Min(Len(sendq), IF n > Len(buf) THEN n - Len(buf) ELSE 0)
           admitted == SubSeq(sendq, 1, k)
       IN /\ cap' = n
          /\ buf' = buf \o admitted
          /\ sendq' = SubSeq(sendq, k + 1, Len(sendq))
          /\ accepted' = accepted \o admitted
          /\ state' = [x \in Requests |-> IF x \in Range(admitted) THEN "committed" ELSE state[x]]
          /\ result' = [x \in Requests |-> IF x \in Range(admitted) THEN "ok" ELSE result[x]]
    /\ UNCHANGED <<recvq, closed, delivered, dropped>> /\ UNCHANGED Server

Next ==
    \/ \E s \in Senders : StartSend(s)
    \/ \E r \in Receivers : StartReceive(r)
    \/ \E x \in Requests : Flush(x) \/ Reply(x)
    \/ Close \/ Remove
    \/ \E n \in 0..MaxCap : SetCapacity(n)

Spec == Init /\ [][Next]_vars /\ \A x \in Requests : WF_vars(Reply(x))

-----------------------------------------------------------------------------
(* Safety invariants.  Comments in the Java core cite these names.          *)

TypeOK ==
    /\ cap \in 0..MaxCap /\ closed \in BOOLEAN
    /\ state \in [Requests -> {"idle", "pending", "committed", "replied", "cancelled"}]
    /\ Range(buf) \subseteq Senders /\ Range(sendq) \subseteq Senders
    /\ Range(recvq) \subseteq Receivers

(* No message lost: every send that succeeded was accepted, and every accepted *)
(* message is delivered, still buffered, or dropped by Remove (Order).        *)
NoLoss == \A s \in Senders : result[s] = "ok" => s \in Range(accepted)

(* No duplication: a message is accepted once and taken by at most one reader. *)
NoDuplication ==
    /\ \A i, j \in DOMAIN accepted : i # j => accepted[i] # accepted[j]
    /\ \A r1, r2 \in Receivers :
         (r1 # r2 /\ result[r1] \in Senders) => result[r1] # result[r2]
    /\ Range(delivered) = {result[r] : r \in {q \in Receivers : result[q] \in Senders}}

(* FIFO: messages leave (delivered, then dropped) in the order accepted, and *)
(* what is still buffered is the rest of that order.                         *)
Order == delivered \o dropped \o buf = accepted

(* A withdrawn request never takes effect. *)
WithdrawnNeverTakesEffect ==
    /\ \A s \in Senders : state[s] = "cancelled" => s \notin Range(accepted)
    /\ \A r \in Receivers : state[r] = "cancelled" => result[r] = NoResult

(* No reply after its Rflush; a withdrawn request gets no reply at all; at  *)
(* most one reply per request.                                              *)
NoReplyAfterRflush ==
    \A x \in Requests : \A i, j \in DOMAIN wire[x] :
        (i < j /\ wire[x][i] = "rflush") => wire[x][j] # "reply"
NoReplyForWithdrawn == \A x \in Requests : state[x] = "cancelled" => Count(wire[x], "reply") = 0
AtMostOneReply == \A x \in Requests : Count(wire[x], "reply") <= 1

(* Go's queue invariant (runtime/chan.go): never a waiting sender and a      *)
(* waiting receiver that could be matched.                                   *)
QueueInvariant ==
    /\ ~(sendq # <<>> /\ recvq # <<>>)
    /\ recvq # <<>> => buf = <<>>
    /\ sendq # <<>> => Len(buf) >= cap
    /\ closed => (sendq = <<>> /\ recvq = <<>>)

(* A committed or replied request has its outcome; others have none. *)
OutcomeDecided ==
    \A x \in Requests : (state[x] \in {"committed", "replied"}) <=> (result[x] # NoResult)

(* Pending means queued, exactly. *)
PendingMeansQueued ==
    \A x \in Requests : (state[x] = "pending") <=> (x \in Range(sendq) \cup Range(recvq))

(* Capacity respected: the buffer grows only into free room.  Messages       *)
(* already buffered before a shrink stay (so Len(buf) > cap is possible).   *)
CapacityRespected == [][Len(buf') > Len(buf) => Len(buf') <= cap']_vars

-----------------------------------------------------------------------------
(* Liveness under weak fairness of Reply. *)
FlushAnswered ==
    \A x \in Requests : \A n \in 1..MaxFlush :
        (flushes[x] >= n) ~> (Count(wire[x], "rflush") >= n)
CommittedReplied == \A x \in Requests : (state[x] = "committed") ~> (state[x] = "replied")
ReceiveMeetsMessage ==
    \A r \in Receivers : (state[r] = "pending" /\ (buf # <<>> \/ sendq # <<>>))
                            ~> (state[r] # "pending")
=============================================================================

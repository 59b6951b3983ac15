------------------------------ MODULE Cluster ------------------------------
(***************************************************************************)
(* A channel replicated over a Raft log (docs/cluster.md).  Nodes submit   *)
(* their clients' requests as log entries; every replica applies the log in *)
(* order to the same channel (Channel.tla's rules, kept small here: one    *)
(* message per send, capacity Cap); a request's node answers its client    *)
(* when the decision applies.  Raft itself is abstracted to an append-only *)
(* totally ordered log that a majority applies (Apply); what is modelled is *)
(* what the state machine and the nodes do with it:                         *)
(*                                                                         *)
(*   - a Tflush is a CANCEL entry: whichever of the request's match and    *)
(*     its CANCEL comes first in the log wins;                             *)
(*   - a node can crash: its clients and the replies on their way to them  *)
(*     are gone; a leader then appends NODE_DOWN for its epoch, which      *)
(*     withdraws the node's waiting requests and refuses its later         *)
(*     entries; a node that restarts appends NODE_UP for a new epoch,      *)
(*     which withdraws what its earlier epochs left waiting.               *)
(*                                                                         *)
(* The one loss (at most once): a receive of a crashed node that was       *)
(* matched before its NODE_DOWN applied — its reply was, or would have     *)
(* been, in flight on the dead node.                                       *)
(*                                                                         *)
(* Code: dchan.server.cluster (GroupMachine applies entries to core         *)
(* Channels; NodeSessions submits and completes; Failures submits           *)
(* NODE_DOWN and NODE_UP).                                                  *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets

CONSTANTS
    Nodes,
    Sends,          \* send requests; each carries its own message (the request's name)
    Recvs,          \* receive requests
    NodeOf,         \* [Sends \cup Recvs -> Nodes]: where the request's client is
    Cap,            \* channel capacity
    MaxEpoch,       \* restarts per node (epochs 1..MaxEpoch)
    MaxFlush,       \* Tflush per request
    MaxCrashes,     \* crashes in all
    WithdrawOnDown  \* FALSE: seeded bug, NODE_DOWN does not withdraw the node's requests

Requests == Sends \cup Recvs
Range(s) == {s[i] : i \in DOMAIN s}
Without(s, x) == SelectSeq(s, LAMBDA y : y # x)

VARIABLES
    log,        \* Seq of entries appended and not yet applied (the applied prefix is forgotten)
    crashes,    \* crashes so far (bounded by MaxCrashes)
    buf, sendq, recvq,
    st,         \* [Requests -> "idle" | "submitted" | "queued" | "done" | "withdrawn" | "refused"]
    ep,         \* [Requests -> epoch the request was submitted in (0: not yet)]
    got,        \* [Recvs -> message or "none"]
    inflight,   \* replies decided and on their way to clients: a set of requests
    received,   \* [Sends -> Nat]: how many times clients received each message
    lost,       \* messages lost with a crashed node
    lateLoss,   \* a message matched to a receive of an epoch already declared down
    alive,      \* [Nodes -> BOOLEAN]
    epoch,      \* [Nodes -> 1..MaxEpoch]: the node's current (or last) epoch
    down,       \* set of <<node, epoch>> whose NODE_DOWN (or a later NODE_UP) applied
    declared,   \* set of <<node, epoch>> for which NODE_DOWN was appended
    flushes,
    accepted    \* messages the channel accepted

vars == <<log, crashes, buf, sendq, recvq, st, ep, got, inflight, received, lost, lateLoss,
          alive, epoch, down, declared, flushes, accepted>>

Init ==
    /\ log = <<>> /\ crashes = 0
    /\ buf = <<>> /\ sendq = <<>> /\ recvq = <<>>
    /\ st = [r \in Requests |-> "idle"]
    /\ ep = [r \in Requests |-> 0]
    /\ got = [r \in Recvs |-> "none"]
    /\ inflight = {} /\ received = [m \in Sends |-> 0] /\ lost = {} /\ lateLoss = FALSE
    /\ alive = [n \in Nodes |-> TRUE]
    /\ epoch = [n \in Nodes |-> 1]
    /\ down = {} /\ declared = {}
    /\ flushes = [r \in Requests |-> 0]
    /\ accepted = {}

Channel == <<buf, sendq, recvq, accepted>>

(* A client on a live node sends a request: its entry is appended. *)
Submit(r) ==
    /\ st[r] = "idle" /\ alive[NodeOf[r]]
    /\ st' = [st EXCEPT ![r] = "submitted"]
    /\ ep' = [ep EXCEPT ![r] = epoch[NodeOf[r]]]
    /\ log' = Append(log, [type |-> IF r \in Sends THEN "SEND" ELSE "RECV", req |-> r])
    /\ UNCHANGED <<crashes, buf, sendq, recvq, got, inflight, received, lost, lateLoss, alive,
                   epoch, down, declared, flushes, accepted>>

(* Tflush of a request whose client is still there: a CANCEL entry. *)
Flush(r) ==
    /\ st[r] \in {"submitted", "queued"} /\ alive[NodeOf[r]] /\ epoch[NodeOf[r]] = ep[r]
    /\ flushes[r] < MaxFlush
    /\ flushes' = [flushes EXCEPT ![r] = @ + 1]
    /\ log' = Append(log, [type |-> "CANCEL", req |-> r])
    /\ UNCHANGED <<crashes, buf, sendq, recvq, st, ep, got, inflight, received, lost, lateLoss,
                   alive, epoch, down, declared, accepted>>

(* Receive q gets message m: its reply goes out from q's node if that incarnation is alive; *)
(* else the message is lost with the node (and it is a bug if the node was declared down). *)
Match(q, m) ==
    /\ got' = [got EXCEPT ![q] = m]
    /\ IF alive[NodeOf[q]] /\ epoch[NodeOf[q]] = ep[q]
         THEN inflight' = inflight \cup {q} /\ UNCHANGED <<lost, lateLoss>>
         ELSE /\ lost' = lost \cup {m}
              /\ lateLoss' = (lateLoss \/ <<NodeOf[q], ep[q]>> \in down)
              /\ UNCHANGED inflight

(* Withdraw every waiting request of the epochs in E (a set of <<node, epoch>>). *)
Of(r, E) == <<NodeOf[r], ep[r]>> \in E
WithdrawAll(E) ==
    /\ sendq' = SelectSeq(sendq, LAMBDA r : ~Of(r, E))
    /\ recvq' = SelectSeq(recvq, LAMBDA r : ~Of(r, E))
    /\ st' = [r \in Requests |-> IF st[r] = "queued" /\ Of(r, E) THEN "withdrawn" ELSE st[r]]

ApplySend(r) ==
    IF <<NodeOf[r], ep[r]>> \in down
      THEN /\ st' = [st EXCEPT ![r] = "refused"]
           /\ UNCHANGED <<buf, sendq, recvq, got, inflight, lost, lateLoss, accepted>>
    ELSE IF recvq # <<>>
      THEN /\ Match(Head(recvq), r)
           /\ recvq' = Tail(recvq) /\ accepted' = accepted \cup {r}
           /\ st' = [st EXCEPT ![r] = "done", ![Head(recvq)] = "done"]
           /\ UNCHANGED <<buf, sendq>>
    ELSE IF Len(buf) < Cap
      THEN /\ buf' = Append(buf, r) /\ accepted' = accepted \cup {r}
           /\ st' = [st EXCEPT ![r] = "done"]
           /\ UNCHANGED <<sendq, recvq, got, inflight, lost, lateLoss>>
    ELSE /\ sendq' = Append(sendq, r) /\ st' = [st EXCEPT ![r] = "queued"]
         /\ UNCHANGED <<buf, recvq, got, inflight, lost, lateLoss, accepted>>

ApplyRecv(q) ==
    IF <<NodeOf[q], ep[q]>> \in down
      THEN /\ st' = [st EXCEPT ![q] = "refused"]
           /\ UNCHANGED <<buf, sendq, recvq, got, inflight, lost, lateLoss, accepted>>
    ELSE IF buf # <<>>
      THEN /\ Match(q, Head(buf))
           /\ IF sendq # <<>>   \* the freed slot admits the oldest waiting send
                THEN /\ buf' = Append(Tail(buf), Head(sendq)) /\ sendq' = Tail(sendq)
                     /\ accepted' = accepted \cup {Head(sendq)}
                     /\ st' = [st EXCEPT ![q] = "done", ![Head(sendq)] = "done"]
                ELSE /\ buf' = Tail(buf) /\ UNCHANGED <<sendq, accepted>>
                     /\ st' = [st EXCEPT ![q] = "done"]
           /\ UNCHANGED recvq
    ELSE IF sendq # <<>>
      THEN /\ Match(q, Head(sendq))
           /\ accepted' = accepted \cup {Head(sendq)}
           /\ sendq' = Tail(sendq)
           /\ st' = [st EXCEPT ![q] = "done", ![Head(sendq)] = "done"]
           /\ UNCHANGED <<buf, recvq>>
    ELSE /\ recvq' = Append(recvq, q) /\ st' = [st EXCEPT ![q] = "queued"]
         /\ UNCHANGED <<buf, sendq, got, inflight, lost, lateLoss, accepted>>

ApplyCancel(r) ==
    IF st[r] = "queued"
      THEN /\ st' = [st EXCEPT ![r] = "withdrawn"]
           /\ sendq' = Without(sendq, r) /\ recvq' = Without(recvq, r)
           /\ UNCHANGED <<buf, got, inflight, lost, lateLoss, accepted>>
      ELSE UNCHANGED <<buf, sendq, recvq, st, got, inflight, lost, lateLoss, accepted>>

(* NODE_DOWN(n, e) and NODE_UP(n, e): the epochs they end. *)
Ended(e) == IF e.type = "DOWN" THEN {<<e.node, e.epoch>>}
            ELSE {<<e.node, k>> : k \in 1..(e.epoch - 1)}

ApplyNode(e) ==
    /\ down' = down \cup Ended(e)
    /\ IF WithdrawOnDown \/ e.type = "UP"
         THEN WithdrawAll(Ended(e))
         ELSE UNCHANGED <<sendq, recvq, st>>
    /\ UNCHANGED <<buf, got, inflight, lost, lateLoss, accepted>>

(* The next entry applies (Raft: it is committed; every replica applies it in this order). *)
Apply ==
    /\ log # <<>>
    /\ log' = Tail(log)
    /\ LET e == Head(log) IN
       CASE e.type = "SEND" -> ApplySend(e.req) /\ UNCHANGED down
         [] e.type = "RECV" -> ApplyRecv(e.req) /\ UNCHANGED down
         [] e.type = "CANCEL" -> ApplyCancel(e.req) /\ UNCHANGED down
         [] OTHER -> ApplyNode(e)
    /\ UNCHANGED <<crashes, ep, received, alive, epoch, declared, flushes>>

(* A reply reaches its client (only from a live node's current incarnation). *)
Deliver(q) ==
    /\ q \in inflight /\ alive[NodeOf[q]] /\ epoch[NodeOf[q]] = ep[q]
    /\ inflight' = inflight \ {q}
    /\ received' = IF q \in Recvs THEN [received EXCEPT ![got[q]] = @ + 1] ELSE received
    /\ UNCHANGED <<log, crashes, buf, sendq, recvq, st, ep, got, lost, lateLoss, alive, epoch,
                   down, declared, flushes, accepted>>

(* A node crashes: its clients are gone, and with them the replies on their way to them. *)
Crash(n) ==
    /\ alive[n] /\ crashes < MaxCrashes
    /\ crashes' = crashes + 1
    /\ alive' = [alive EXCEPT ![n] = FALSE]
    /\ LET mine == {q \in inflight : NodeOf[q] = n} IN
       /\ inflight' = inflight \ mine
       /\ lost' = lost \cup {got[q] : q \in mine \cap Recvs}
    /\ UNCHANGED <<log, buf, sendq, recvq, st, ep, got, received, lateLoss, epoch, down,
                   declared, flushes, accepted>>

(* A group leader notices the silent node and appends NODE_DOWN for its epoch. *)
DeclareDown(n) ==
    /\ ~alive[n] /\ <<n, epoch[n]>> \notin declared
    /\ declared' = declared \cup {<<n, epoch[n]>>}
    /\ log' = Append(log, [type |-> "DOWN", node |-> n, epoch |-> epoch[n]])
    /\ UNCHANGED <<crashes, buf, sendq, recvq, st, ep, got, inflight, received, lost, lateLoss,
                   alive, epoch, down, flushes, accepted>>

(* The node starts again with a new epoch and announces it. *)
Restart(n) ==
    /\ ~alive[n] /\ epoch[n] < MaxEpoch
    /\ alive' = [alive EXCEPT ![n] = TRUE]
    /\ epoch' = [epoch EXCEPT ![n] = @ + 1]
    /\ log' = Append(log, [type |-> "UP", node |-> n, epoch |-> epoch[n] + 1])
    /\ UNCHANGED <<crashes, buf, sendq, recvq, st, ep, got, inflight, received, lost, lateLoss,
                   down, declared, flushes, accepted>>

Next ==
    \/ \E r \in Requests : Submit(r) \/ Flush(r) \/ Deliver(r)
    \/ Apply
    \/ \E n \in Nodes : Crash(n) \/ DeclareDown(n) \/ Restart(n)

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
InFlightMessages == {got[q] : q \in inflight \cap Recvs}
Received == {m \in Sends : received[m] > 0}

(* No client receives a message twice. *)
NoDuplication == \A m \in Sends : received[m] <= 1

(* Every accepted message is in exactly one place: buffered, on its way to a reader, received, *)
(* or lost with a crashed node.                                                               *)
Conservation ==
    /\ accepted = Range(buf) \cup InFlightMessages \cup Received \cup lost
    /\ Range(buf) \cap (InFlightMessages \cup Received \cup lost) = {}
    /\ InFlightMessages \cap (Received \cup lost) = {}
    /\ Received \cap lost = {}

(* The one loss: receives matched before their node's NODE_DOWN applied. *)
AtMostOnceLoss == ~lateLoss

(* A withdrawn or refused request had no effect. *)
WithdrawnNeverTakesEffect ==
    /\ \A r \in Sends : st[r] \in {"withdrawn", "refused"} => r \notin accepted
    /\ \A q \in Recvs : st[q] \in {"withdrawn", "refused"} => got[q] = "none"

(* Nothing of a down epoch waits in the channel (once its NODE_DOWN or NODE_UP applied). *)
NothingWaitsForTheDead ==
    \A r \in Range(sendq) \cup Range(recvq) : <<NodeOf[r], ep[r]>> \notin down

Buffer == Len(buf) <= Cap
=============================================================================

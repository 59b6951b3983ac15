---------------------------- MODULE ChannelTrace ----------------------------
(***************************************************************************)
(* Trace validation of the core (dchan.core.Channel) against Channel.tla, *)
(* as lemmy/BlockingQueue does for its Java code: a concurrent stress run  *)
(* records every action in the order it took effect (Channel.Tracer, under *)
(* the channel's lock); TLC checks that the recorded sequence is a         *)
(* behaviour of Channel's Spec: each event must be one of Channel's        *)
(* actions, with the outcome the code reported.  An event no action can    *)
(* take is a deadlock, which TLC reports: the code did something the spec  *)
(* does not allow.  Along the way every invariant of Channel is checked.   *)
(*                                                                         *)
(* TraceLog is a sequence of [action, req, outcome, value] records written *)
(* by the stress test (dchan.stress.ChannelTraceTest) into TraceData.tla;  *)
(* its first record is [action |-> "Init", value |-> the capacity].  Send  *)
(* requests carry their own name as message, as in Channel.tla.           *)
(***************************************************************************)
EXTENDS Channel

CONSTANT TraceLog

VARIABLE i  \* the next event to explain

Ev == TraceLog[i]

TraceInit == Init /\ cap = TraceLog[1].value /\ i = 2

Outcome(x) ==
    CASE Ev.outcome = "committed" -> /\ state'[x] = "committed"
                                     /\ result'[x] = IF Ev.action = "StartSend" THEN "ok" ELSE Ev.value
      [] Ev.outcome = "pending"   -> state'[x] = "pending"
      [] Ev.outcome = "closed"    -> result'[x] = "epipe"
      [] Ev.outcome = "eof"       -> result'[x] = EOF
      [] Ev.outcome = "withdrawn" -> state'[x] = "cancelled"
      [] Ev.outcome = "kept"      -> state'[x] # "cancelled"

Step ==
    CASE Ev.action = "StartSend"    -> StartSend(Ev.req) /\ Outcome(Ev.req)
      [] Ev.action = "StartReceive" -> StartReceive(Ev.req) /\ Outcome(Ev.req)
      [] Ev.action = "Flush"        -> Flush(Ev.req) /\ Outcome(Ev.req)
      [] Ev.action = "Close"        -> Close
      [] Ev.action = "Remove"       -> Remove
      [] Ev.action = "SetCapacity"  -> SetCapacity(Ev.value)

TraceNext ==
    \/ i <= Len(TraceLog) /\ Step /\ i' = i + 1
    \/ i > Len(TraceLog) /\ UNCHANGED <<vars, i>>  \* the whole trace explained

TraceSpec == TraceInit /\ [][TraceNext]_<<vars, i>>

(* Reached: the whole trace was explained (checked as an invariant of the final states). *)
TraceExplained == i > Len(TraceLog) \/ ENABLED TraceNext
=============================================================================

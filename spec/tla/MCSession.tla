----------------------------- MODULE MCSession -----------------------------
(* Model-checking wrapper for Session: the MCSession*.cfg files pick sizes and seeded bugs. *)
EXTENDS Session
CONSTANTS r1, r2, w1, x1, x2, c1, v1, f1
MCFidOf == [r \in {r1, r2, w1, c1} |-> f1]
MCCountOf == [r \in {r1, r2} |-> IF r = r1 THEN 1 ELSE 2]
MCSent == << <<"a1", "a2">>, <<"b1">> >>
=============================================================================

------------------------------ MODULE MCLines ------------------------------
(* Model-checking wrapper for Lines: two writes of two lines, two reads (taking at most 1 and 2 lines). *)
EXTENDS Lines
CONSTANTS w1, w2, r1, r2
MCLinesOf == [w \in {w1, w2} |-> IF w = w1 THEN <<"a1", "a2">> ELSE <<"b1", "b2">>]
MCBudget == [r \in {r1, r2} |-> IF r = r1 THEN 0 ELSE 1]
=============================================================================

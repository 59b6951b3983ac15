----------------------------- MODULE MCChannel -----------------------------
(* Model-checking wrapper: the .cfg files pick sizes and seeded bugs. *)
EXTENDS Channel
=============================================================================

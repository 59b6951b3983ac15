------------------------------ MODULE MCCluster ------------------------------
(* Model-checking wrapper for Cluster: two nodes, two sends and two receives, one of each *)
(* per node, so that every match can cross nodes.                                       *)
EXTENDS Cluster, TLC
CONSTANTS n1, n2, s1, s2, q1, q2
MCNodeOf == (s1 :> n1) @@ (s2 :> n2) @@ (q1 :> n2) @@ (q2 :> n1)
=============================================================================

package dchan.server.cluster;

/**
 * A request as the log names it: the node that submitted it, that node's epoch (drawn at each
 * start), and the request's id within the epoch. Only that node's replica answers it.
 */
record Ref(String node, long epoch, long id) {}

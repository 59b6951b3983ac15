package dchan.server.limits;

/**
 * The limits that protect the server, each with the label under which its refusals are counted
 * (the {@code limits} file, the logs). A refusal always reaches the client as an errno it can read
 * or, for limits on the connection itself, as the connection being closed.
 */
public enum Limit {
  /** A TCP client whose address is outside --allow: closed at accept. */
  ALLOWLIST("allowlist"),
  /** A Unix-socket client whose uid and gid are outside --allow-uid/--allow-gid: closed at accept. */
  PEER_CREDENTIALS("peer-credentials"),
  /** A TLS handshake that failed (no client certificate, another CA, not TLS): closed. */
  TLS_HANDSHAKE("tls-handshake"),
  /** Connections at once (--max-connections): further ones are closed at accept. */
  CONNECTIONS("connections"),
  /** File descriptors ran out at accept: accepting backs off. */
  DESCRIPTORS("descriptors"),
  /** The global memory budget (--max-memory): ENOSPC. */
  MEMORY("memory"),
  /** One connection's share of the budget: EAGAIN. */
  CONNECTION_MEMORY("connection-memory"),
  /** Channels and directories in the tree (--max-files): ENOSPC. */
  FILES("files"),
  /** Directory depth (--max-depth) and path length: ENAMETOOLONG. */
  DEPTH("depth"),
  /** Fids per connection (--max-fids): EMFILE. */
  FIDS("fids"),
  /** Outstanding requests per connection (--max-outstanding): EAGAIN. */
  OUTSTANDING("outstanding"),
  /** A frame larger than msize (or than 8 KiB before Tversion): EMSGSIZE, or a close. */
  FRAME_SIZE("frame-size"),
  /** No successful Tversion within --handshake-timeout: closed. */
  HANDSHAKE_TIMEOUT("handshake-timeout"),
  /** A frame begun but not finished within --frame-timeout: closed. */
  FRAME_TIMEOUT("frame-timeout"),
  /** Replies not taken for --stall-timeout while reading was paused: closed. */
  STALL_TIMEOUT("stall-timeout");

  public final String label;

  Limit(String label) {
    this.label = label;
  }
}

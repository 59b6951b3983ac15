/**
 * The dchan channel: a compact lock-based channel whose pending operations can be cancelled
 * atomically.
 *
 * <p>Vocabulary shared with {@code spec/tla/Channel.tla}:
 *
 * <table>
 *   <caption>spec name → code name</caption>
 *   <tr><td>buf, sendq, recvq, cap, closed</td><td>fields of {@link dchan.core.Channel}</td></tr>
 *   <tr><td>StartSend / StartReceive</td><td>{@link dchan.core.Channel#startSend},
 *       {@link dchan.core.Channel#startReceive}; {@link dchan.core.Channel#trySend} and
 *       {@link dchan.core.Channel#tryReceive} are the same actions restricted to their
 *       completing cases (they change nothing otherwise)</td></tr>
 *   <tr><td>Flush of a pending request (withdraw)</td><td>{@link dchan.core.Op#cancel()}
 *       returning true</td></tr>
 *   <tr><td>Flush of a committed request</td><td>{@link dchan.core.Op#cancel()} returning
 *       false; the server defers the Rflush</td></tr>
 *   <tr><td>Close, Remove, SetCapacity</td><td>{@link dchan.core.Channel#close()},
 *       {@link dchan.core.Channel#remove()}, {@link dchan.core.Channel#setCapacity(int)}</td></tr>
 *   <tr><td>request state pending / committed / cancelled</td><td>{@link dchan.core.Op.Status}
 *       PENDING / SENT, RECEIVED, CLOSED / CANCELLED</td></tr>
 *   <tr><td>Reply</td><td>the server's respond path (dchan.server), outside this package</td></tr>
 *   <tr><td>an action in a trace (ChannelTrace.tla)</td><td>{@link dchan.core.Channel.Tracer}
 *       reports each action, spelled as in the spec, under the channel's lock</td></tr>
 * </table>
 */
package dchan.core;

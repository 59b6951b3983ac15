package dchan.server.session;

import dchan.server.fs.Ctl;
import dchan.server.fs.Snapshots;
import dchan.server.fs.Tree;
import dchan.server.limits.Budget;
import dchan.server.limits.Refusals;

/**
 * What every session of one server shares; {@code mutations} and {@code channelOps} say whether
 * the tree and the channels change at once (one server) or through a cluster's log.
 */
public record Services(Config config, Tree tree, Ctl ctl, Snapshots snapshots, Budget budget,
    Refusals refusals, Counters counters, Mutations mutations, ChannelOps channelOps) {
  /** A single server's services: changes applied at once. */
  public static Services local(Config config, Tree tree, Ctl ctl, Snapshots snapshots, Budget budget,
      Refusals refusals, Counters counters) {
    return new Services(config, tree, ctl, snapshots, budget, refusals, counters,
        Mutations.local(tree, ctl), ChannelOps.LOCAL);
  }
}

package dchan.server.session;

import dchan.server.fs.Ctl;
import dchan.server.fs.Snapshots;
import dchan.server.fs.Tree;
import dchan.server.limits.Budget;
import dchan.server.limits.Refusals;

/** What every session of one server shares. */
public record Services(Config config, Tree tree, Ctl ctl, Snapshots snapshots, Budget budget,
    Refusals refusals, Counters counters) {}

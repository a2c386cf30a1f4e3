package com.outageimpact.generate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How the failure of one root component spreads through the template graph, on the driver and
 * independent of the product's cascade code (so the truth is not the product checking itself).
 *
 * <p>Components are visited in topological order. A component is down while a hard parent is
 * down or a hard redundancy group has fewer than min_up members not down; it is degraded while,
 * not being down, any parent is impaired (a soft one down or degraded, a hard one degraded) or
 * a redundancy group has fewer than min_up members fully up. Onset follows the condition by a seeded lag of
 * 1-4 minutes, recovery by a seeded restore lag of 5-30 minutes (caches drain, services restart).
 */
final class OutageSimulation {

  enum State {
    UP("up"), DEGRADED("degraded"), DOWN("down");

    final String code;

    State(String code) {
      this.code = code;
    }
  }

  /** One stretch of a component's state. */
  record Window(State state, long start, long end) {}

  /** What happened to one component. */
  record Outcome(String id, String kind, Intervals down, Intervals impaired, List<String> path,
      long onsetLagSeconds, long restoreLagSeconds) {

    State state() {
      return !down.isEmpty() ? State.DOWN : !impaired.isEmpty() ? State.DEGRADED : State.UP;
    }

    Intervals degraded() {
      return impaired.minus(down);
    }

    Long impactStart() {
      return impaired.isEmpty() ? null : impaired.first();
    }

    Long impactEnd() {
      return impaired.isEmpty() ? null : impaired.last();
    }

    /** Down and degraded stretches in time order. */
    List<Window> windows() {
      List<Window> out = new ArrayList<>();
      for (long[] p : down.pairs()) {
        out.add(new Window(State.DOWN, p[0], p[1]));
      }
      for (long[] p : degraded().pairs()) {
        out.add(new Window(State.DEGRADED, p[0], p[1]));
      }
      out.sort((a, b) -> Long.compare(a.start(), b.start()));
      return out;
    }
  }

  static final long MIN_ONSET_LAG = 60;
  static final long MAX_ONSET_LAG = 240;
  static final long MIN_RESTORE_LAG = 300;
  static final long MAX_RESTORE_LAG = 1800;

  private final String root;
  private final long start;
  private final Map<String, Outcome> outcomes;
  private final List<String> graphOrder;

  private OutageSimulation(String root, long start, Map<String, Outcome> outcomes, List<String> graphOrder) {
    this.root = root;
    this.start = start;
    this.outcomes = outcomes;
    this.graphOrder = graphOrder;
  }

  static OutageSimulation run(PenLightGraph graph, String root, long t0, long durationSeconds, long seed) {
    graph.component(root); // names the valid ids when unknown
    if (durationSeconds <= 0) {
      throw new IllegalArgumentException("the outage needs a positive duration");
    }
    Map<String, Outcome> done = new LinkedHashMap<>();
    for (String id : graph.topologicalOrder()) {
      String kind = graph.component(id).kind();
      SplittableRandom lagRng = Rng.rng(seed, Rng.tag("component-lag"), Rng.tag(id));
      long onsetLag = MIN_ONSET_LAG + lagRng.nextLong(MAX_ONSET_LAG - MIN_ONSET_LAG + 1);
      long restoreLag = MIN_RESTORE_LAG + lagRng.nextLong(MAX_RESTORE_LAG - MIN_RESTORE_LAG + 1);
      if (id.equals(root)) {
        // The initiating failure: exact, and whatever the root itself depends on stays up.
        Intervals w = Intervals.of(t0, t0 + durationSeconds);
        done.put(id, new Outcome(id, kind, w, w, List.of(id), 0, 0));
        continue;
      }
      Intervals hardCondition = Intervals.EMPTY;
      Intervals degradeCondition = Intervals.EMPTY;
      Map<String, List<PenLightGraph.Dependency>> groups = new LinkedHashMap<>();
      for (PenLightGraph.Dependency d : graph.dependenciesOf(id)) {
        if (d.group() != null) {
          groups.computeIfAbsent(d.group(), g -> new ArrayList<>()).add(d);
          continue;
        }
        Outcome parent = done.get(d.to());
        if (d.hard()) {
          hardCondition = hardCondition.union(parent.down());
        }
        // A soft parent down or degraded, or a hard parent degraded, degrades.
        degradeCondition = degradeCondition.union(parent.impaired());
      }
      for (List<PenLightGraph.Dependency> members : groups.values()) {
        if (members.get(0).hard()) {
          hardCondition = hardCondition.union(groupHit(members, done, true));
        }
        degradeCondition = degradeCondition.union(groupHit(members, done, false));
      }
      Intervals down = hardCondition.lagged(onsetLag, restoreLag);
      Intervals impaired = down.union(degradeCondition.lagged(onsetLag, restoreLag));
      List<String> path = impaired.isEmpty() ? null : path(graph, id, !down.isEmpty(), done);
      done.put(id, new Outcome(id, kind, down, impaired, path, onsetLag, restoreLag));
    }
    Map<String, Outcome> inGraphOrder = new LinkedHashMap<>();
    List<String> order = new ArrayList<>();
    for (PenLightGraph.Component c : graph.components()) {
      inGraphOrder.put(c.id(), done.get(c.id()));
      order.add(c.id());
    }
    return new OutageSimulation(root, t0, inGraphOrder, order);
  }

  /**
   * When a redundancy group, acting as one dependency, is down ({@code down}: fewer than min_up
   * members not down) or impaired (fewer than min_up members fully up).
   */
  private static Intervals groupHit(List<PenLightGraph.Dependency> members, Map<String, Outcome> done, boolean down) {
    int minUp = members.get(0).minUp() == null ? 1 : members.get(0).minUp();
    List<Intervals> sets = new ArrayList<>();
    for (PenLightGraph.Dependency m : members) {
      Outcome o = done.get(m.to());
      sets.add(down ? o.down() : o.impaired());
    }
    return Intervals.moreThan(sets, members.size() - minUp);
  }

  /** A shortest chain of impacting edges from the root; ties go to the earlier-declared edge. */
  private static List<String> path(PenLightGraph graph, String id, boolean down, Map<String, Outcome> done) {
    List<String> best = null;
    Map<String, List<PenLightGraph.Dependency>> groups = new LinkedHashMap<>();
    for (PenLightGraph.Dependency d : graph.dependenciesOf(id)) {
      if (d.group() != null) {
        groups.computeIfAbsent(d.group(), g -> new ArrayList<>()).add(d);
      }
    }
    for (PenLightGraph.Dependency d : graph.dependenciesOf(id)) {
      if (down && !d.hard()) {
        continue; // a down component is explained by hard edges; a degraded one by any edge
      }
      Outcome parent = done.get(d.to());
      boolean impacting = !(down ? parent.down() : parent.impaired()).isEmpty();
      if (d.group() != null) {
        impacting &= !groupHit(groups.get(d.group()), done, down).isEmpty();
      }
      if (impacting && parent.path() != null && (best == null || parent.path().size() < best.size())) {
        best = parent.path();
      }
    }
    if (best == null) {
      return List.of(id);
    }
    List<String> path = new ArrayList<>(best);
    path.add(id);
    return List.copyOf(path);
  }

  String root() {
    return root;
  }

  /** Root onset: the incident start. */
  long start() {
    return start;
  }

  /** Root recovery. */
  long rootRecovery() {
    return outcomes.get(root).impaired().last();
  }

  /** Last recovery of any component: the incident end. */
  long end() {
    long end = start;
    for (Outcome o : outcomes.values()) {
      if (!o.impaired().isEmpty()) {
        end = Math.max(end, o.impaired().last());
      }
    }
    return end;
  }

  Outcome outcome(String id) {
    Outcome o = outcomes.get(id);
    if (o == null) {
      throw new IllegalArgumentException("unknown component " + id);
    }
    return o;
  }

  /** Every component, in graph declaration order. */
  List<Outcome> outcomes() {
    List<Outcome> out = new ArrayList<>();
    for (String id : graphOrder) {
      out.add(outcomes.get(id));
    }
    return out;
  }
}

package com.outageimpact.cascade;

import com.outageimpact.graph.ServiceGraph;
import com.outageimpact.graph.ServiceGraph.Dependency;
import com.outageimpact.graph.ServiceGraph.DependencyType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What the failure of some components does to all the others, by the contract's graph semantics:
 * a {@code hard} dependency that is down takes its dependent down; a {@code soft} one that is down
 * or degraded leaves its dependent degraded. Where the contract is silent: a {@code hard}
 * dependency that is degraded leaves its dependent degraded (it works with loss, and passes the
 * loss on). A redundancy group acts as one dependency of its edges' type: down when fewer than
 * {@code min_up} members are not down, degraded when fewer than {@code min_up} are fully up.
 * Members behind one failed upstream are down together (common cause). Down outranks degraded.
 *
 * <p>Resolved on the driver: the graph is small and acyclic (validated on load). An instance
 * indexes the graph once; each resolution then visits only what lies downstream of the roots,
 * in dependency order, so resolving from every component in turn (ranking, exposure) is cheap.
 */
public final class Cascade {

  public enum State { UP, DEGRADED, DOWN }

  /** A component's predicted state and the chain of components from a failed root to it. */
  public record Outcome(String component, State state, List<String> path) {}

  private static final State[] STATES = State.values();

  /** Components with everything they need before them; a component's index is its place here. */
  private final String[] order;
  private final Map<String, Integer> index = new HashMap<>();
  /** Per component: its plain needs (target index, and whether hard). */
  private final int[][] plainTargets;
  private final boolean[][] plainHard;
  /** Per component: its redundancy groups (member target indices, whether hard, min_up). */
  private final int[][][] groupMembers;
  private final boolean[][] groupHard;
  private final int[][] groupMinUp;
  private final int[][] dependents;

  /** Indexes the graph once, so that resolving any root costs only what lies downstream of it. */
  public Cascade(ServiceGraph graph) {
    Map<String, List<Dependency>> needs = new HashMap<>();
    Map<String, List<String>> dependentIds = new HashMap<>();
    for (String id : graph.componentIds()) {
      needs.put(id, new ArrayList<>());
      dependentIds.put(id, new ArrayList<>());
    }
    for (Dependency d : graph.dependencies()) {
      needs.get(d.from()).add(d);
      dependentIds.get(d.to()).add(d.from());
    }
    this.order = dependencyOrder(graph, needs, dependentIds).toArray(String[]::new);
    int n = order.length;
    for (int i = 0; i < n; i++) {
      index.put(order[i], i);
    }
    plainTargets = new int[n][];
    plainHard = new boolean[n][];
    groupMembers = new int[n][][];
    groupHard = new boolean[n][];
    groupMinUp = new int[n][];
    dependents = new int[n][];
    for (int i = 0; i < n; i++) {
      List<Dependency> plain = new ArrayList<>();
      Map<String, List<Dependency>> groups = new LinkedHashMap<>();
      for (Dependency d : needs.get(order[i])) {
        if (d.group() == null) {
          plain.add(d);
        } else {
          groups.computeIfAbsent(d.group(), g -> new ArrayList<>()).add(d);
        }
      }
      plainTargets[i] = plain.stream().mapToInt(d -> index.get(d.to())).toArray();
      plainHard[i] = new boolean[plain.size()];
      for (int k = 0; k < plain.size(); k++) {
        plainHard[i][k] = plain.get(k).type() == DependencyType.HARD;
      }
      List<List<Dependency>> sets = new ArrayList<>(groups.values());
      groupMembers[i] = new int[sets.size()][];
      groupHard[i] = new boolean[sets.size()];
      groupMinUp[i] = new int[sets.size()];
      for (int g = 0; g < sets.size(); g++) {
        groupMembers[i][g] = sets.get(g).stream().mapToInt(d -> index.get(d.to())).toArray();
        groupHard[i][g] = sets.get(g).get(0).type() == DependencyType.HARD;
        Integer minUp = sets.get(g).get(0).minUp();
        groupMinUp[i][g] = minUp == null ? 1 : minUp;
      }
      dependents[i] = dependentIds.get(order[i]).stream().mapToInt(index::get).toArray();
    }
  }

  /** Every component, each after everything it needs (upstream first). */
  public List<String> order() {
    return List.of(order);
  }

  /** The predicted state of every component when {@code roots} fail (are down). */
  public static Map<String, Outcome> resolve(ServiceGraph graph, Collection<String> roots) {
    return new Cascade(graph).resolve(roots);
  }

  /** The predicted state of every component (in dependency order) when {@code roots} fail, with paths. */
  public Map<String, Outcome> resolve(Collection<String> roots) {
    return resolve(roots, State.DOWN);
  }

  /**
   * The predicted state of every component (in dependency order) when {@code roots} are in
   * {@code rootState} (down, or degraded: working with loss, which every dependent then feels as
   * degraded), with paths.
   */
  public Map<String, Outcome> resolve(Collection<String> roots, State rootState) {
    if (rootState == State.UP) {
      throw new IllegalArgumentException("a root is down or degraded, not up");
    }
    Settlement settled = settle(roots, rootState);
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    for (int i = 0; i < order.length; i++) {
      State state = STATES[settled.state[i]];
      outcomes.put(order[i], new Outcome(order[i], state, state == State.UP ? List.of() : settled.path(i)));
    }
    return outcomes;
  }

  /**
   * Hands each component that the failure of {@code roots} impairs, with its state, to
   * {@code visitor}, in dependency order; allocates nothing per component, so it is cheap
   * enough to run from every component in turn (exposure, root-cause ranking).
   */
  public void visitImpaired(Collection<String> roots, BiConsumer<String, State> visitor) {
    Settlement settled = settle(roots, State.DOWN);
    for (int i : settled.visited) {
      if (settled.state[i] != 0) {
        visitor.accept(order[i], STATES[settled.state[i]]);
      }
    }
  }

  /** One resolution: per component its state (ordinal), cause (index, -1 for none) and depth. */
  private final class Settlement {
    final byte[] state = new byte[order.length];
    final int[] cause = new int[order.length];
    final int[] depth = new int[order.length];
    int[] visited;

    List<String> path(int i) {
      List<String> path = new ArrayList<>();
      for (int at = i; at >= 0; at = cause[at]) {
        path.add(0, order[at]);
      }
      return List.copyOf(path);
    }
  }

  /** Settles what lies downstream of the roots (nothing else can change), in dependency order. */
  private Settlement settle(Collection<String> roots, State rootState) {
    Settlement s = new Settlement();
    boolean[] seen = new boolean[order.length];
    boolean[] isRoot = new boolean[order.length];
    int[] queue = new int[order.length];
    int size = 0;
    for (String root : roots) {
      Integer i = index.get(root);
      if (i == null) {
        throw new IllegalArgumentException("root component '" + root + "' is not in the graph");
      }
      if (!seen[i]) {
        seen[i] = true;
        isRoot[i] = true;
        queue[size++] = i;
        s.state[i] = (byte) rootState.ordinal();
        s.cause[i] = -1;
      }
    }
    for (int head = 0; head < size; head++) {
      for (int dependent : dependents[queue[head]]) {
        if (!seen[dependent]) {
          seen[dependent] = true;
          queue[size++] = dependent;
        }
      }
    }
    int[] visited = Arrays.copyOf(queue, size);
    Arrays.sort(visited);
    s.visited = visited;
    for (int i : visited) {
      if (!isRoot[i]) {
        settleOne(i, s);
      }
    }
    return s;
  }

  /** A component's state from its dependencies' settled states; the worst wins, then the shortest path. */
  private void settleOne(int i, Settlement s) {
    int state = 0;
    int cause = -1;
    int depth = 0;
    int[] targets = plainTargets[i];
    for (int k = 0; k < targets.length; k++) {
      int target = targets[k];
      int targetState = s.state[target];
      if (targetState == 0) {
        continue;
      }
      int hit = plainHard[i][k] ? targetState : State.DEGRADED.ordinal();
      if (hit > state || (hit == state && s.depth[target] + 1 < depth)) {
        state = hit;
        cause = target;
        depth = s.depth[target] + 1;
      }
    }
    for (int g = 0; g < groupMembers[i].length; g++) {
      // The group acts as one dependency: down when fewer than min_up members are not down,
      // degraded when fewer than min_up are fully up.
      int notDown = 0;
      int fullyUp = 0;
      int nearestDown = -1;
      int nearestImpaired = -1;
      for (int member : groupMembers[i][g]) {
        int memberState = s.state[member];
        // The path goes through the failed member nearest the root.
        if (memberState != State.DOWN.ordinal()) {
          notDown++;
        } else if (nearestDown < 0 || s.depth[member] < s.depth[nearestDown]) {
          nearestDown = member;
        }
        if (memberState == State.UP.ordinal()) {
          fullyUp++;
        } else if (nearestImpaired < 0 || s.depth[member] < s.depth[nearestImpaired]) {
          nearestImpaired = member;
        }
      }
      int groupState = notDown < groupMinUp[i][g] ? State.DOWN.ordinal()
          : fullyUp < groupMinUp[i][g] ? State.DEGRADED.ordinal() : State.UP.ordinal();
      if (groupState == State.UP.ordinal()) {
        continue;
      }
      int through = groupState == State.DOWN.ordinal() ? nearestDown : nearestImpaired;
      int hit = groupHard[i][g] ? groupState : State.DEGRADED.ordinal();
      if (hit > state || (hit == state && s.depth[through] + 1 < depth)) {
        state = hit;
        cause = through;
        depth = s.depth[through] + 1;
      }
    }
    s.state[i] = (byte) state;
    s.cause[i] = cause;
    s.depth[i] = depth;
  }

  /** Components with everything they need before them (the graph is acyclic, validated on load). */
  private static List<String> dependencyOrder(ServiceGraph graph, Map<String, List<Dependency>> needs,
      Map<String, List<String>> dependents) {
    Map<String, Integer> pending = new LinkedHashMap<>();
    for (String id : graph.componentIds()) {
      pending.put(id, needs.get(id).size());
    }
    List<String> sorted = new ArrayList<>();
    pending.forEach((id, n) -> {
      if (n == 0) {
        sorted.add(id);
      }
    });
    for (int i = 0; i < sorted.size(); i++) {
      for (String dependent : dependents.get(sorted.get(i))) {
        if (pending.merge(dependent, -1, Integer::sum) == 0) {
          sorted.add(dependent);
        }
      }
    }
    if (sorted.size() != pending.size()) {
      throw new IllegalStateException("the graph has a cycle; it should have been rejected on load");
    }
    return sorted;
  }
}

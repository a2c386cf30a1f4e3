package com.outageimpact.cascade;

import com.outageimpact.graph.ServiceGraph;
import com.outageimpact.graph.ServiceGraph.Dependency;
import com.outageimpact.graph.ServiceGraph.DependencyType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the failure of some components does to all the others, by the contract's graph semantics:
 * a {@code hard} dependency that is down takes its dependent down; a {@code soft} one that is down
 * or degraded leaves its dependent degraded; a redundancy group hits its dependent (as its edges'
 * type says) only when fewer than {@code min_up} of its members are up, and a member counts as
 * up unless it is down itself, so members behind one failed upstream fail together (common
 * cause). A member that is merely degraded still serves. Down outranks degraded.
 *
 * <p>Resolved on the driver: the graph is small and acyclic (validated on load). An instance
 * indexes the graph once; each resolution then visits only what lies downstream of the roots,
 * in dependency order, so resolving from every component in turn (ranking, exposure) is cheap.
 */
public final class Cascade {

  public enum State {
    UP, DEGRADED, DOWN;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A component's predicted state and the chain of components from a failed root to it. */
  public record Outcome(String component, State state, List<String> path) {}

  /** A component's settled state, the component that caused it, and how far it is from a root. */
  private record Settled(State state, String cause, int depth) {}

  private final ServiceGraph graph;
  /** Components with everything they need before them. */
  private final List<String> order;
  private final Map<String, Integer> position = new HashMap<>();
  private final Map<String, List<Dependency>> needs = new HashMap<>();
  private final Map<String, List<String>> dependents = new HashMap<>();

  /** Indexes the graph once, so that resolving any root costs only what lies downstream of it. */
  public Cascade(ServiceGraph graph) {
    this.graph = graph;
    for (String id : graph.componentIds()) {
      needs.put(id, new ArrayList<>());
      dependents.put(id, new ArrayList<>());
    }
    for (Dependency d : graph.dependencies()) {
      needs.get(d.from()).add(d);
      dependents.get(d.to()).add(d.from());
    }
    this.order = dependencyOrder();
    for (int i = 0; i < order.size(); i++) {
      position.put(order.get(i), i);
    }
  }

  public ServiceGraph graph() {
    return graph;
  }

  /** The predicted state of every component when {@code roots} fail (are down). */
  public static Map<String, Outcome> resolve(ServiceGraph graph, Collection<String> roots) {
    return new Cascade(graph).resolve(roots);
  }

  /** The predicted state of every component (in dependency order) when {@code roots} fail, with paths. */
  public Map<String, Outcome> resolve(Collection<String> roots) {
    Map<String, Settled> impaired = settle(roots);
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    for (String id : order) {
      Settled s = impaired.get(id);
      outcomes.put(id, s == null ? new Outcome(id, State.UP, List.of()) : new Outcome(id, s.state(), path(id, impaired)));
    }
    return outcomes;
  }

  /**
   * Only the components that the failure of {@code roots} impairs, with their states, in
   * dependency order; no paths (cheap enough to run from every component in turn).
   */
  public Map<String, State> impaired(Collection<String> roots) {
    Map<String, State> states = new LinkedHashMap<>();
    settle(roots).forEach((id, s) -> states.put(id, s.state()));
    return states;
  }

  /** Settles what lies downstream of the roots (nothing else can change); returns the impaired only. */
  private Map<String, Settled> settle(Collection<String> roots) {
    for (String root : roots) {
      if (!graph.has(root)) {
        throw new IllegalArgumentException("root component '" + root + "' is not in the graph");
      }
    }
    TreeSet<Integer> downstream = new TreeSet<>();
    ArrayDeque<String> queue = new ArrayDeque<>(roots);
    while (!queue.isEmpty()) {
      String id = queue.poll();
      if (downstream.add(position.get(id))) {
        queue.addAll(dependents.get(id));
      }
    }
    Map<String, Settled> impaired = new LinkedHashMap<>();
    for (int i : downstream) {
      String id = order.get(i);
      Settled s = roots.contains(id) ? new Settled(State.DOWN, null, 0) : settleOne(id, impaired);
      if (s != null) {
        impaired.put(id, s);
      }
    }
    return impaired;
  }

  /** A component's state from its dependencies' (those not impaired are up); null when up. */
  private Settled settleOne(String id, Map<String, Settled> impaired) {
    Settled best = null;
    Map<String, List<Dependency>> groups = null;
    for (Dependency d : needs.get(id)) {
      if (d.group() != null) {
        if (groups == null) {
          groups = new LinkedHashMap<>();
        }
        groups.computeIfAbsent(d.group(), g -> new ArrayList<>()).add(d);
        continue;
      }
      Settled target = impaired.get(d.to());
      if (target != null) {
        best = better(best, impact(d.type(), target.state()), d.to(), target);
      }
    }
    if (groups != null) {
      for (List<Dependency> members : groups.values()) {
        long up = members.stream().filter(d -> stateOf(impaired, d.to()) != State.DOWN).count();
        Integer minUp = members.get(0).minUp();
        if (up >= (minUp == null ? 1 : minUp)) {
          continue;
        }
        State hit = members.get(0).type() == DependencyType.HARD ? State.DOWN : State.DEGRADED;
        // The path goes through the first member that failed.
        Dependency first = members.stream().filter(d -> stateOf(impaired, d.to()) == State.DOWN).findFirst()
            .orElseThrow();
        best = better(best, hit, first.to(), impaired.get(first.to()));
      }
    }
    return best;
  }

  /** The worse of the current state and a new hit; between equal states, the shorter path. */
  private static Settled better(Settled current, State hit, String cause, Settled target) {
    if (hit == State.UP) {
      return current;
    }
    if (current == null || hit.compareTo(current.state()) > 0
        || (hit == current.state() && target.depth() + 1 < current.depth())) {
      return new Settled(hit, cause, target.depth() + 1);
    }
    return current;
  }

  private static State stateOf(Map<String, Settled> impaired, String id) {
    Settled s = impaired.get(id);
    return s == null ? State.UP : s.state();
  }

  /** The chain from a root to {@code id}, by following causes. */
  private static List<String> path(String id, Map<String, Settled> impaired) {
    List<String> path = new ArrayList<>();
    for (String at = id; at != null; at = impaired.get(at).cause()) {
      path.add(0, at);
    }
    return List.copyOf(path);
  }

  /** What a dependency in {@code targetState} does to its dependent. */
  private static State impact(DependencyType type, State targetState) {
    if (targetState == State.UP) {
      return State.UP;
    }
    return type == DependencyType.HARD ? targetState : State.DEGRADED;
  }

  /** Components with everything they need before them (the graph is acyclic, validated on load). */
  private List<String> dependencyOrder() {
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

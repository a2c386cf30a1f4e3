package com.outageimpact.cascade;

import com.outageimpact.cascade.Cascade.Outcome;
import com.outageimpact.cascade.Cascade.State;
import com.outageimpact.graph.ServiceGraph;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per component, what the incident did to it: the state the cascade from the root predicts, and
 * when. A user-facing service the reports show impaired takes its times from its reports. An
 * internal component (or a service without a window of its own) cannot be seen; its impact is
 * bounded by what lies downstream of it: it failed no later than the first observed service
 * that it impairs, and stayed impaired no longer than the last one came back. Where nothing
 * observed lies downstream, the incident's own start and end stand in.
 *
 * <p>A service the reports show impaired but the cascade does not explain keeps the state its
 * reports point to, with no path: the analyst sees it as observed and unexplained rather than
 * having it silently dropped or forced into the root's story.
 */
public final class ServiceImpacts {

  /**
   * One component's impact; times are null for a component that stayed up. {@code downEnd}: for a
   * down component, the end of its down state (a degraded tail may follow until {@code impactEnd});
   * null otherwise.
   */
  public record ComponentImpact(String component, String kind, State state, Instant impactStart, Instant impactEnd,
      Instant downEnd, double downtimeMinutes, List<String> path, boolean observed, boolean explained) {
    public boolean userFacing() {
      return ServiceGraph.KIND_SERVICE.equals(kind);
    }
  }

  private ServiceImpacts() {}

  /**
   * Every component of the graph (dependency order), given the root the incident is explained by
   * (null when there is none to go by), what the reports observed, and the incident's span.
   */
  public static List<ComponentImpact> of(ServiceGraph graph, Cascade cascade, String root,
      Map<String, ObservedService> observed, Instant incidentStart, Instant incidentEnd) {
    Map<String, Outcome> outcomes =
        root == null ? null : cascade.resolve(List.of(root), rootState(cascade, root, observed));
    List<String> order = cascade.order();
    Map<String, List<String>> dependents = new HashMap<>();
    for (ServiceGraph.Dependency d : graph.dependencies()) {
      dependents.computeIfAbsent(d.to(), k -> new ArrayList<>()).add(d.from());
    }
    // Bounds from what lies downstream, dependents first (reverse dependency order).
    Map<String, Instant> earliest = new HashMap<>();
    Map<String, Instant> latest = new HashMap<>();
    Map<String, Instant> latestReported = new HashMap<>();
    for (int i = order.size() - 1; i >= 0; i--) {
      String id = order.get(i);
      if (!impaired(id, outcomes, observed)) {
        continue;
      }
      ObservedService seen = observed.get(id);
      Instant from = seen == null ? null : seen.start();
      Instant to = seen == null ? null : seen.end();
      Instant reported = seen == null ? null : seen.reportEnd();
      if (seen == null) {
        for (String dependent : dependents.getOrDefault(id, List.of())) {
          from = min(from, earliest.get(dependent));
          to = max(to, latest.get(dependent));
          reported = max(reported, latestReported.get(dependent));
        }
      }
      if (from != null) {
        earliest.put(id, from);
        latest.put(id, to);
        latestReported.put(id, reported);
      }
    }
    List<ComponentImpact> impacts = new ArrayList<>();
    for (String id : order) {
      ServiceGraph.Component component = graph.components().get(id);
      ObservedService seen = observed.get(id);
      Outcome outcome = outcomes == null ? null : outcomes.get(id);
      boolean predicted = outcome != null && outcome.state() != State.UP;
      State state = predicted ? outcome.state() : seen != null ? seen.observedState() : State.UP;
      if (state == State.UP) {
        impacts.add(new ComponentImpact(id, component.kind(), state, null, null, null, 0, List.of(), false, true));
        continue;
      }
      Instant start = earliest.getOrDefault(id, incidentStart);
      Instant end = latest.getOrDefault(id, incidentEnd);
      // Down until the reports fall away: a degraded tail the transactions show is not downtime.
      Instant downEnd = null;
      if (state == State.DOWN) {
        Instant reported = latestReported.get(id);
        downEnd = reported == null || reported.isAfter(end) ? end : reported.isBefore(start) ? start : reported;
      }
      double downtime = downEnd == null ? 0 : (downEnd.getEpochSecond() - start.getEpochSecond()) / 60.0;
      impacts.add(new ComponentImpact(id, component.kind(), state, start, end, downEnd, downtime,
          predicted ? outcome.path() : List.of(), seen != null, predicted));
    }
    return impacts;
  }

  /**
   * The root's state that the services' own transactions agree with best. Each observed service
   * whose transactions show a state ({@link ObservedService#transactionState()}) counts for the
   * root state under which the cascade predicts that state for it; the root counts too when it is
   * itself an observed service. Degraded only when it agrees with strictly more of them: without
   * transaction evidence the root is down, a failure as the graph's semantics read one. A root
   * that only degraded (say a messaging service that slowed while its transactions kept
   * completing) would otherwise be given downtime and SLA credits that it never caused.
   */
  static State rootState(Cascade cascade, String root, Map<String, ObservedService> observed) {
    int agreeDown = agreement(cascade.resolve(List.of(root), State.DOWN), observed);
    int agreeDegraded = agreement(cascade.resolve(List.of(root), State.DEGRADED), observed);
    return agreeDegraded > agreeDown ? State.DEGRADED : State.DOWN;
  }

  private static int agreement(Map<String, Outcome> predicted, Map<String, ObservedService> observed) {
    int agree = 0;
    for (ObservedService seen : observed.values()) {
      Outcome outcome = predicted.get(seen.service());
      if (outcome != null && outcome.state() == seen.transactionState()) {
        agree++;
      }
    }
    return agree;
  }

  private static boolean impaired(String id, Map<String, Outcome> outcomes, Map<String, ObservedService> observed) {
    return observed.containsKey(id) || (outcomes != null && outcomes.get(id).state() != State.UP);
  }

  private static Instant min(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
  }
}

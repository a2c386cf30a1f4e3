package com.outageimpact.cascade;

import com.outageimpact.cascade.Cascade.State;
import com.outageimpact.graph.ServiceGraph;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which component's failure best explains what users reported. Every component is tried as the
 * root; its predicted impaired user-facing services are compared with the observed ones:
 *
 * <ul>
 *   <li>Set agreement, Jaccard-style: explained services over all services either predicted or
 *       observed, so both predicted-but-not-seen and seen-but-not-predicted cost. An explained
 *       service counts 1 when the predicted state (down or degraded) agrees with how hard its
 *       reports rose, down to 0.75 when it disagrees: a state is weaker evidence than a set.
 *   <li>Order of onsets: where one explained service's failure would itself impair another
 *       (gaming needs messaging), the dependent cannot have been hit well before it; each such
 *       pair out of order by more than {@link #ONSET_TOLERANCE} takes a share of up to half the
 *       score away.
 * </ul>
 *
 * Ties (common: a chain of internal components with one dependent each predicts the same) go to
 * the most upstream candidate, the one whose failure impairs the most components, because the
 * first link of a chain is where the failure must have entered it. Candidates that the reports
 * cannot tell from the top one are marked as such.
 */
public final class RootCauseRanking {

  /** How far a dependent's onset may precede its dependency's before the order counts against a root. */
  static final Duration ONSET_TOLERANCE = Duration.ofMinutes(15);
  /** Weight of a state disagreement on an explained service. */
  static final double STATE_MISMATCH_CREDIT = 0.75;
  /**
   * A declared root scoring this much below the best candidate is contradicted by the reports:
   * about one service in seven explained differently, more than a borderline state or one
   * sparse service the reports missed.
   */
  public static final double CONTRADICTION_MARGIN = 0.15;

  /** One component tried as the root. */
  public record Candidate(String component, int rank, double score, List<String> explained,
      List<String> unexplained, List<String> predictedNotSeen, int componentsImpaired,
      boolean indistinguishableFromTop) {}

  private final ServiceGraph graph;
  private final Cascade cascade;
  /** Per user-facing service, the user-facing services its own failure impairs. */
  private final Map<String, Set<String>> servicesImpairedBy = new HashMap<>();
  private final Map<String, Integer> position = new HashMap<>();

  public RootCauseRanking(ServiceGraph graph, Cascade cascade) {
    this.graph = graph;
    this.cascade = cascade;
    List<String> order = cascade.order();
    for (int i = 0; i < order.size(); i++) {
      position.put(order.get(i), i);
    }
    for (String service : graph.serviceIds()) {
      Set<String> impaired = new HashSet<>();
      cascade.visitImpaired(List.of(service), (id, state) -> {
        if (!id.equals(service) && graph.components().get(id).userFacing()) {
          impaired.add(id);
        }
      });
      servicesImpairedBy.put(service, impaired);
    }
  }

  /**
   * Every component whose failure explains at least one observed service, best first; plus
   * {@code alwaysInclude} (a declared root) whatever its score. Empty when nothing was observed.
   */
  public List<Candidate> rank(Map<String, ObservedService> observed, String alwaysInclude) {
    List<Candidate> scored = new ArrayList<>();
    if (observed.isEmpty()) {
      return scored;
    }
    for (String component : cascade.order()) {
      Candidate c = score(component, observed);
      if (!c.explained().isEmpty() || component.equals(alwaysInclude)) {
        scored.add(c);
      }
    }
    scored.sort(Comparator.comparingDouble(Candidate::score).reversed()
        .thenComparing(Comparator.comparingInt(Candidate::componentsImpaired).reversed())
        .thenComparingInt(c -> position.get(c.component()))
        .thenComparing(Candidate::component));
    List<Candidate> ranked = new ArrayList<>();
    Candidate top = scored.isEmpty() ? null : scored.get(0);
    for (int i = 0; i < scored.size(); i++) {
      Candidate c = scored.get(i);
      boolean tied = top != null && c.score() == top.score() && c.explained().equals(top.explained())
          && c.unexplained().equals(top.unexplained()) && c.predictedNotSeen().equals(top.predictedNotSeen());
      ranked.add(new Candidate(c.component(), i + 1, c.score(), c.explained(), c.unexplained(), c.predictedNotSeen(),
          c.componentsImpaired(), tied));
    }
    return ranked;
  }

  /** How well "{@code root} failed" explains the observed services (unranked). */
  Candidate score(String root, Map<String, ObservedService> observed) {
    Map<String, State> predicted = new HashMap<>();
    int[] impairedCount = {0};
    cascade.visitImpaired(List.of(root), (id, state) -> {
      impairedCount[0]++;
      if (graph.components().get(id).userFacing()) {
        predicted.put(id, state);
      }
    });
    TreeSet<String> explained = new TreeSet<>();
    TreeSet<String> unexplained = new TreeSet<>();
    TreeSet<String> notSeen = new TreeSet<>();
    double agreement = 0;
    for (ObservedService o : observed.values()) {
      State state = predicted.get(o.service());
      if (state == null) {
        unexplained.add(o.service());
        continue;
      }
      explained.add(o.service());
      double match = state == State.DOWN ? o.downness() : 1 - o.downness();
      agreement += STATE_MISMATCH_CREDIT + (1 - STATE_MISMATCH_CREDIT) * match;
    }
    for (String service : predicted.keySet()) {
      if (!observed.containsKey(service)) {
        notSeen.add(service);
      }
    }
    int union = explained.size() + unexplained.size() + notSeen.size();
    double score = union == 0 ? 0 : agreement / union * orderFactor(explained, observed);
    return new Candidate(root, 0, score, List.copyOf(explained), List.copyOf(unexplained), List.copyOf(notSeen),
        impairedCount[0], false);
  }

  /** 1 when no explained service was hit well before one whose failure would have impaired it. */
  private double orderFactor(Set<String> explained, Map<String, ObservedService> observed) {
    int pairs = 0;
    int outOfOrder = 0;
    for (String upstream : explained) {
      for (String dependent : servicesImpairedBy.get(upstream)) {
        if (!explained.contains(dependent)) {
          continue;
        }
        pairs++;
        if (observed.get(dependent).start().plus(ONSET_TOLERANCE).isBefore(observed.get(upstream).start())) {
          outOfOrder++;
        }
      }
    }
    return pairs == 0 ? 1 : 1 - 0.5 * outOfOrder / pairs;
  }

  /** Whether a declared root's score is far enough below the best to say the reports contradict it. */
  public static boolean contradicts(List<Candidate> ranked, String declaredRoot) {
    if (declaredRoot == null || ranked.isEmpty()) {
      return false;
    }
    double best = ranked.get(0).score();
    return ranked.stream().filter(c -> c.component().equals(declaredRoot)).findFirst()
        .map(c -> c.score() < best - CONTRADICTION_MARGIN).orElse(true);
  }
}

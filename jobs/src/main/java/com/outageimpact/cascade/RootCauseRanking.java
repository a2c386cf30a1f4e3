package com.outageimpact.cascade;

import com.outageimpact.graph.ServiceGraph;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which component's failure best explains what users reported. Every component is tried as the
 * root; its predicted impaired user-facing services are compared with the observed ones:
 *
 * <ul>
 *   <li>Set agreement, Jaccard-style: explained services over all services either predicted or
 *       observed, so both predicted-but-not-seen and seen-but-not-predicted cost. An explained
 *       service counts 1 when the predicted state (down or degraded) agrees with how hard its
 *       reports rose, down to 0.75 when it disagrees: a state is weaker evidence than a set.
 *   <li>Order of onsets: where one explained service directly needs another (gaming needs
 *       messaging), the dependent cannot have been hit well before it; each such pair out of
 *       order by more than {@link #ONSET_TOLERANCE} takes a share of up to half the score away.
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

  private final Footprints footprints;
  /** Direct needs between user-facing services, as (dependency, dependent) service numbers. */
  private final int[][] servicePairs;
  /** Each component's place in dependency order (upstream first), for ties. */
  private final Map<String, Integer> position = new HashMap<>();

  public RootCauseRanking(ServiceGraph graph, Cascade cascade) {
    this(graph, new Footprints(graph, cascade));
  }

  public RootCauseRanking(ServiceGraph graph, Footprints footprints) {
    this.footprints = footprints;
    List<int[]> pairs = new ArrayList<>();
    for (ServiceGraph.Dependency d : graph.dependencies()) {
      Integer upstream = footprints.serviceIndex.get(d.to());
      Integer dependent = footprints.serviceIndex.get(d.from());
      if (upstream != null && dependent != null && d.group() == null) {
        pairs.add(new int[] {upstream, dependent});
      }
    }
    this.servicePairs = pairs.toArray(int[][]::new);
    for (int i = 0; i < footprints.components.size(); i++) {
      position.put(footprints.components.get(i), i);
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
    int n = footprints.services.size();
    double[] downness = new double[n];
    long[] onset = new long[n];
    boolean[] seen = new boolean[n];
    for (ObservedService o : observed.values()) {
      Integer s = footprints.serviceIndex.get(o.service());
      if (s == null) {
        throw new IllegalArgumentException("observed service '" + o.service() + "' is not user-facing in the graph");
      }
      seen[s] = true;
      downness[s] = o.downness();
      onset[s] = o.start().getEpochSecond();
    }
    int[] predictedBy = new int[n];
    java.util.Arrays.fill(predictedBy, -1);
    for (int c = 0; c < footprints.components.size(); c++) {
      String component = footprints.components.get(c);
      int explained = 0;
      int notSeen = 0;
      double agreement = 0;
      for (int pass = 0; pass < 2; pass++) {
        for (int s : pass == 0 ? footprints.down[c] : footprints.degraded[c]) {
          predictedBy[s] = c;
          if (!seen[s]) {
            notSeen++;
            continue;
          }
          explained++;
          double match = pass == 0 ? downness[s] : 1 - downness[s];
          agreement += STATE_MISMATCH_CREDIT + (1 - STATE_MISMATCH_CREDIT) * match;
        }
      }
      if (explained == 0 && !component.equals(alwaysInclude)) {
        continue;
      }
      int union = notSeen + observed.size();
      double score = agreement / union * orderFactor(c, predictedBy, seen, onset);
      scored.add(candidate(c, score, predictedBy, seen));
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

  /** The candidate's service lists, in name order. */
  private Candidate candidate(int c, double score, int[] predictedBy, boolean[] seen) {
    List<String> explained = new ArrayList<>();
    List<String> unexplained = new ArrayList<>();
    List<String> notSeen = new ArrayList<>();
    for (int s = 0; s < seen.length; s++) {
      boolean predicted = predictedBy[s] == c;
      if (predicted && seen[s]) {
        explained.add(footprints.services.get(s));
      } else if (predicted) {
        notSeen.add(footprints.services.get(s));
      } else if (seen[s]) {
        unexplained.add(footprints.services.get(s));
      }
    }
    return new Candidate(footprints.components.get(c), 0, score, List.copyOf(explained), List.copyOf(unexplained),
        List.copyOf(notSeen), footprints.impaired[c], false);
  }

  /** 1 when no explained service was hit well before a service it directly needs. */
  private double orderFactor(int c, int[] predictedBy, boolean[] seen, long[] onset) {
    int pairs = 0;
    int outOfOrder = 0;
    for (int[] pair : servicePairs) {
      int upstream = pair[0];
      int dependent = pair[1];
      if (predictedBy[upstream] != c || predictedBy[dependent] != c || !seen[upstream] || !seen[dependent]) {
        continue;
      }
      pairs++;
      if (onset[dependent] + ONSET_TOLERANCE.toSeconds() < onset[upstream]) {
        outOfOrder++;
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

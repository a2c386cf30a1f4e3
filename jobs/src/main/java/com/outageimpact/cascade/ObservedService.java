package com.outageimpact.cascade;

import com.outageimpact.detect.DetectedIncident;
import com.outageimpact.detect.OutageWindow;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the problem reports say about one user-facing service in an incident: when it was hit,
 * when it came back, and how hard. Reports cannot see internal components; they are what the
 * cascade is checked against. {@code end} is when it came back (in the full run, also by its
 * failed transactions); {@code reportEnd} where the reports fall away, which for a service down
 * and then degraded is the end of the down state.
 *
 * <p>{@code downness} grades the peak ratio between what a degraded service draws (a few times
 * normal) and what a down one draws (tens of times): 0 at {@link #DEGRADED_RATIO} or below, 1 at
 * {@link #DOWN_RATIO} or above, log-linear between. Ranking uses the grade, not a hard
 * threshold, so one borderline service cannot flip the answer on its own.
 */
public record ObservedService(String service, Instant start, Instant end, Instant reportEnd, double peakRatio,
    OutageWindow.Completion completion) {

  /**
   * Fewer attempts than this over a service's window say nothing of its state: with 10, a share
   * completed of a half is about two standard errors from both a down service's (near none) and a
   * fully working one's (all).
   */
  static final long MIN_ATTEMPTS = 10;

  /** A peak of this many times normal or less looks degraded (works, with loss). */
  public static final double DEGRADED_RATIO = 10;
  /**
   * A peak of this many times normal or more looks down. With {@link #DEGRADED_RATIO}, the
   * grade's midpoint is 20 times normal, where detection's severity turns {@code critical}.
   */
  public static final double DOWN_RATIO = 40;

  /** A service as the reports alone show it. */
  public ObservedService(String service, Instant start, Instant end, double peakRatio) {
    this(service, start, end, end, peakRatio, null);
  }

  /** A service as the reports show it, with where its down state ended. */
  public ObservedService(String service, Instant start, Instant end, Instant reportEnd, double peakRatio) {
    this(service, start, end, reportEnd, peakRatio, null);
  }

  /**
   * The state the service's own transactions show, or null when too few were attempted over its
   * window (or none were read): down when fewer than half of the attempts completed, degraded when
   * at least half did. A down service fails what users try; a degraded one works with loss (fewer
   * attempts, or some failing), so the share of attempts that completed splits the two where
   * report volumes cannot: a degraded service with a large user base can draw tens of times its
   * normal reports.
   */
  public Cascade.State transactionState() {
    if (completion == null || completion.attempts() < MIN_ATTEMPTS) {
      return null;
    }
    return 2 * completion.completed() < completion.attempts() ? Cascade.State.DOWN : Cascade.State.DEGRADED;
  }

  public double downness() {
    if (peakRatio <= DEGRADED_RATIO) {
      return 0;
    }
    if (peakRatio >= DOWN_RATIO) {
      return 1;
    }
    return Math.log(peakRatio / DEGRADED_RATIO) / Math.log(DOWN_RATIO / DEGRADED_RATIO);
  }

  /** The state the reports point to: down from half-way up the grade (20 times normal). */
  public Cascade.State state() {
    return downness() >= 0.5 ? Cascade.State.DOWN : Cascade.State.DEGRADED;
  }

  /** What is observed of the service's state: its transactions' where they tell, else its reports'. */
  public Cascade.State observedState() {
    Cascade.State fromTransactions = transactionState();
    return fromTransactions != null ? fromTransactions : state();
  }

  /**
   * The services an incident's headline windows (across regions, or per region for a regional
   * one) show impaired; a service with several windows spans them all at its highest peak.
   */
  public static Map<String, ObservedService> of(DetectedIncident incident) {
    Map<String, ObservedService> observed = new LinkedHashMap<>();
    for (OutageWindow w : incident.headlineWindows()) {
      observed.merge(w.service(),
          new ObservedService(w.service(), w.start(), w.end(), w.reportEnd(), w.peakRatio(), w.completion()),
          (a, b) -> new ObservedService(a.service(), a.start().isBefore(b.start()) ? a.start() : b.start(),
              a.end().isAfter(b.end()) ? a.end() : b.end(),
              a.reportEnd().isAfter(b.reportEnd()) ? a.reportEnd() : b.reportEnd(),
              Math.max(a.peakRatio(), b.peakRatio()),
              a.completion() == null ? b.completion() : a.completion().plus(b.completion())));
    }
    return observed;
  }
}

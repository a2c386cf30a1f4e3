package com.outageimpact.detect;

import java.time.Duration;
import java.time.Instant;

/**
 * The spans of time around one incident that the stages read, derived in this one place from the
 * incident's detected start and end and the run's settings:
 *
 * <pre>
 *   level window      analysis window (the money)                     recovery
 * |-- level --|-- pad --|== detected start ... detected end ==|------- recovery -------|
 *                 |-- timeline: an hour before the detected start to whichever ends later:
 *                     the analysis window or three hours after the detected end --|
 * </pre>
 *
 * The transactions read for it reach back the baseline weeks before the earliest of these.
 *
 * @param detectedStart the incident's detected start
 * @param detectedEnd the incident's detected end
 * @param recovery after the detected end, in which demand above expectation counts as recovered
 * @param level before the analysis window, the span that sets each business's level
 */
public record AnalysisWindow(Instant detectedStart, Instant detectedEnd, Duration recovery, Duration level) {

  /** Before the detected start: losses begin before the first reports do (users report a few minutes after they are hit). */
  public static final Duration PAD = Duration.ofMinutes(30);
  /** Context on the timeline before an incident. */
  public static final Duration TIMELINE_BEFORE = Duration.ofHours(1);
  /** The timeline after an incident's end: the reports' drain. */
  public static final Duration TIMELINE_AFTER = Duration.ofHours(3);

  /** The window of an incident found by detection alone (no money: recovery and level play no part). */
  public static AnalysisWindow reportsOnly(DetectedIncident incident) {
    return new AnalysisWindow(incident.start(), incident.end(), Duration.ZERO, Duration.ZERO);
  }

  public static AnalysisWindow of(DetectedIncident incident, Duration recovery, Duration level) {
    return new AnalysisWindow(incident.start(), incident.end(), recovery, level);
  }

  /** The analysis window's start: the pad before the detected start. */
  public Instant start() {
    return detectedStart.minus(PAD);
  }

  /** The analysis window's end: the recovery period after the detected end. */
  public Instant end() {
    return detectedEnd.plus(recovery);
  }

  public double hours() {
    return Duration.between(start(), end()).toSeconds() / 3600.0;
  }

  /** The level window is [levelStart, start). */
  public Instant levelStart() {
    return start().minus(level);
  }

  public Instant timelineStart() {
    return detectedStart.minus(TIMELINE_BEFORE);
  }

  /** The timeline covers the detection's span and the whole analysis window. */
  public Instant timelineEnd() {
    Instant detectionEnd = detectedEnd.plus(TIMELINE_AFTER);
    return detectionEnd.isAfter(end()) ? detectionEnd : end();
  }

  /**
   * The first instant of the transactions the incident's estimate reads: the baseline weeks before
   * its level window (or its timeline, if that starts earlier). It covers the cascade's normal
   * rates too (the baseline weeks before the start). They are read up to {@link #timelineEnd()}.
   */
  public Instant transactionsFrom(int baselineWeeks) {
    Instant first = levelStart().isBefore(timelineStart()) ? levelStart() : timelineStart();
    return first.minus(Duration.ofDays(7L * baselineWeeks));
  }
}

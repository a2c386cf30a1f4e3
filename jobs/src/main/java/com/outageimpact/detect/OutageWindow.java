package com.outageimpact.detect;

import java.time.Instant;

/**
 * A period where one series (a service in one region, or across regions) had anomalously many
 * problem reports. {@code end} is where the reports start to fall away (service back); the
 * report sums run until they are back near the baseline ({@code drainEnd}), because the drain is
 * part of what the outage caused.
 *
 * <p>In the full run, the transactions' failed attempts can move {@code start} earlier and
 * {@code end} later ({@link TransactionEvidence}); {@code reportStart} and {@code reportEnd} keep
 * where the reports alone put them. Where reports drain over a degraded tail, {@code reportEnd}
 * is the end of the down state before it. {@code completion} is what the service's transaction
 * attempts did during the window (null where transactions were not read).
 */
public record OutageWindow(
    String service,
    String region,
    Instant start,
    Instant peakAt,
    Instant end,
    Instant drainEnd,
    Instant firstAlarmAt,
    long reports,
    double expectedReports,
    double peakRatio,
    Instant reportStart,
    Instant reportEnd,
    String baselineKind,
    Completion completion) {

  /**
   * The service's transaction attempts over a window and how many of them completed (were not
   * {@code failed} or {@code timeout}): a down service completes (almost) none, a degraded one
   * works with loss and completes most of what is still attempted.
   */
  public record Completion(long attempts, long completed) {
    public Completion plus(Completion other) {
      return other == null ? this : new Completion(attempts + other.attempts, completed + other.completed);
    }
  }

  /** A window with every field but what its transactions did. */
  public OutageWindow(String service, String region, Instant start, Instant peakAt, Instant end, Instant drainEnd,
      Instant firstAlarmAt, long reports, double expectedReports, double peakRatio, Instant reportStart,
      Instant reportEnd, String baselineKind) {
    this(service, region, start, peakAt, end, drainEnd, firstAlarmAt, reports, expectedReports, peakRatio,
        reportStart, reportEnd, baselineKind, null);
  }

  /** A window as the reports alone show it. */
  public OutageWindow(String service, String region, Instant start, Instant peakAt, Instant end, Instant drainEnd,
      Instant firstAlarmAt, long reports, double expectedReports, double peakRatio, String baselineKind) {
    this(service, region, start, peakAt, end, drainEnd, firstAlarmAt, reports, expectedReports, peakRatio, start,
        end, baselineKind);
  }

  /** A window as the reports alone show it, its baseline's kind not known. */
  public OutageWindow(String service, String region, Instant start, Instant peakAt, Instant end, Instant drainEnd,
      Instant firstAlarmAt, long reports, double expectedReports, double peakRatio) {
    this(service, region, start, peakAt, end, drainEnd, firstAlarmAt, reports, expectedReports, peakRatio, null);
  }

  /** A window read back from its outputs, its baseline's kind not known. */
  public OutageWindow(String service, String region, Instant start, Instant peakAt, Instant end, Instant drainEnd,
      Instant firstAlarmAt, long reports, double expectedReports, double peakRatio, Instant reportStart,
      Instant reportEnd) {
    this(service, region, start, peakAt, end, drainEnd, firstAlarmAt, reports, expectedReports, peakRatio,
        reportStart, reportEnd, null);
  }

  /**
   * This window, starting no later than {@code failingFrom} and ending no earlier than
   * {@code failingTo}, where the transactions failed (its span, drain included, grows to hold the
   * new end).
   */
  public OutageWindow withTransactions(Instant failingFrom, Instant failingTo) {
    Instant newStart = failingFrom.isBefore(start) ? failingFrom : start;
    Instant newEnd = failingTo.isAfter(end) ? failingTo : end;
    Instant newDrainEnd = newEnd.isAfter(drainEnd) ? newEnd : drainEnd;
    return new OutageWindow(service, region, newStart, peakAt, newEnd, newDrainEnd, firstAlarmAt, reports,
        expectedReports, peakRatio, reportStart, reportEnd, baselineKind, completion);
  }

  /** This window with what its service's transaction attempts did over it. */
  public OutageWindow withCompletion(Completion measured) {
    return new OutageWindow(service, region, start, peakAt, end, drainEnd, firstAlarmAt, reports, expectedReports,
        peakRatio, reportStart, reportEnd, baselineKind, measured);
  }

  public double durationMinutes() {
    return (end.getEpochSecond() - start.getEpochSecond()) / 60.0;
  }

  public double excessReports() {
    return reports - expectedReports;
  }

  public boolean acrossRegions() {
    return ReportSeries.ALL_REGIONS.equals(region);
  }

  /**
   * The peak ratio from which a window is {@code major}: well beyond the few times normal of a
   * false-alarm blip, so a window this strong needs no minimum length ({@link SeriesScanner},
   * {@link DetectedIncident}).
   */
  public static final double MAJOR_RATIO = 8;

  /** critical: tens of times normal; major: several times; minor: barely over the entry ratio. */
  public String severity() {
    return peakRatio >= 20 ? "critical" : peakRatio >= MAJOR_RATIO ? "major" : "minor";
  }

  /** Whether the window's peak is too strong for a blip (at least {@link #MAJOR_RATIO}). */
  public boolean spike() {
    return peakRatio >= MAJOR_RATIO;
  }

  public boolean overlaps(Instant from, Instant to) {
    return start.isBefore(to) && from.isBefore(drainEnd);
  }
}

package com.outageimpact.detect;

import java.time.Instant;

/**
 * A period where one series (a service in one region, or across regions) had anomalously many
 * problem reports. {@code end} is where the reports start to fall away (service back); the
 * report sums run until they are back near the baseline ({@code drainEnd}), because the drain is
 * part of what the outage caused.
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
    double peakRatio) {

  public double durationMinutes() {
    return (end.getEpochSecond() - start.getEpochSecond()) / 60.0;
  }

  public double excessReports() {
    return reports - expectedReports;
  }

  public boolean acrossRegions() {
    return ReportSeries.ALL_REGIONS.equals(region);
  }

  /** critical: tens of times normal; major: several times; minor: barely over the entry ratio. */
  public String severity() {
    return peakRatio >= 20 ? "critical" : peakRatio >= 8 ? "major" : "minor";
  }

  public boolean overlaps(Instant from, Instant to) {
    return start.isBefore(to) && from.isBefore(drainEnd);
  }
}

package com.outageimpact.detect;

import com.outageimpact.common.JobOptions;
import java.io.Serializable;

/**
 * The knobs of outage detection from problem reports. The defaults were chosen on generated
 * scenarios and are explained in docs/detection.md: in short, an outage draws tens of
 * times the usual reports and a degraded service about five times, for at least half an hour,
 * while a false-alarm blip is a few times normal for ten to fifteen minutes.
 */
public record DetectionParams(
    int bucketMinutes,
    int baselineWeeks,
    double baselineFloor,
    double shiftRatio,
    double alarmThreshold,
    double confirmThreshold,
    double minExcessReports,
    int minDurationMinutes,
    int minIncidentMinutes,
    int mergeGapMinutes,
    double falseAlarmWeeks) implements Serializable {

  public static JobOptions declare(JobOptions options) {
    return options
        .option("bucket-minutes", "5", "size of the time buckets reports are counted in (must divide a week)")
        .option("baseline-weeks", "4", "weeks of history whose same slot of the week make the baseline (median)")
        .option("baseline-floor", "0.25", "lowest baseline, in reports per bucket, so that a few reports on a quiet series are no surge")
        .option("shift-ratio", "3", "the rise, as a multiple of the baseline, that the detector is tuned to find")
        .option("alarm-threshold", "15", "evidence (log-likelihood ratio) a window needs; higher means fewer, surer windows")
        .option("confirm-threshold", "8", "evidence a series needs while other series show an incident (was this service hit too?); in run, also failed transactions just beside a window's span (a degraded tail)")
        .option("min-excess-reports", "10", "a window needs at least this many reports above its baseline")
        .option("min-duration-minutes", "30", "windows whose reports are anomalous for less time, drain included, are dropped (a false-alarm blip lasts 10-15 minutes and has no drain)")
        .option("min-incident-minutes", "20", "an incident needs a window impaired this long, drain not included (a blip's reports can keep the evidence up for a while after it stops; an outage lasts 30 minutes or more)")
        .option("merge-gap-minutes", "30", "windows of one series closer than this are merged into one; in run, the longest quiet stretch a window's failed transactions are followed across")
        .option("false-alarm-weeks", "2", "a series' ordinary bursts may cross its alarm threshold about once per this many weeks: where a series' own history shows bursts that --alarm-threshold would take for outages more often, its threshold rises to that rate (0: never raised)");
  }

  public static DetectionParams from(JobOptions options) {
    DetectionParams params = new DetectionParams(options.getInt("bucket-minutes"), options.getInt("baseline-weeks"),
        options.getDouble("baseline-floor"), options.getDouble("shift-ratio"), options.getDouble("alarm-threshold"),
        options.getDouble("confirm-threshold"),
        options.getDouble("min-excess-reports"), options.getInt("min-duration-minutes"),
        options.getInt("min-incident-minutes"), options.getInt("merge-gap-minutes"),
        options.getDouble("false-alarm-weeks"));
    if (params.bucketMinutes < 1 || 10080 % params.bucketMinutes != 0) {
      throw new IllegalArgumentException("--bucket-minutes must divide a week (e.g. 1, 5, 10, 15, 30, 60)");
    }
    if (params.baselineWeeks < 1 || params.shiftRatio <= 1 || params.alarmThreshold <= 0
        || params.confirmThreshold <= 0 || params.confirmThreshold > params.alarmThreshold
        || params.baselineFloor <= 0 || params.falseAlarmWeeks < 0) {
      throw new IllegalArgumentException(
          "need --baseline-weeks >= 1, --shift-ratio > 1, 0 < --confirm-threshold <= --alarm-threshold"
              + ", --baseline-floor > 0 and --false-alarm-weeks >= 0");
    }
    return params;
  }

  public int bucketSeconds() {
    return bucketMinutes * 60;
  }

  /** The shortest window kept, in buckets. */
  public int minDurationBuckets() {
    return Math.max(1, (int) Math.ceil(minDurationMinutes / (double) bucketMinutes));
  }

  public int bucketsPerWeek() {
    return 10080 / bucketMinutes;
  }
}

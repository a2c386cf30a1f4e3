package com.outageimpact.detect;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.xxhash64;

import com.outageimpact.schema.Schemas;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Problem reports as time series: counts per service × region × bucket, and per service across
 * regions (region {@value #ALL_REGIONS}). Spark aggregates the reports (the large input) with
 * built-in functions; the resulting series are small (one row per bucket) and each is scanned in
 * order by {@link SeriesScanner}.
 */
public final class ReportSeries {

  public static final String ALL_REGIONS = "ALL";

  private ReportSeries() {}

  /**
   * Report counts per service, region and bucket index (bucket start = index x bucket seconds),
   * and per service across regions: both from one shuffle of the reports.
   */
  public static Dataset<Row> counts(Dataset<Row> reports, DetectionParams params) {
    // Reporters are told apart by the ingest's 64-bit hash of their SHA-256 hex (InputSchema):
    // 8 bytes a row to shuffle and compare instead of 64 characters.
    // The reports go once to the partition of their service and bucket, which holds every row
    // both levels group, so the aggregates run there without another shuffle. Each report is
    // counted twice, in its region's series and in the service's across regions (the region
    // codes are ISO 3166 alpha-2, never ALL_REGIONS): per series and reporter first, so a
    // series' reporters are then its rows with a reporter. Grouping sets with a distinct count
    // instead doubled the rows before the shuffle, and shuffled them twice. Four partitions per
    // core: waves of tasks that fill every core (the adaptive coalescing left 3 on 2 cores).
    int partitions = 4 * reports.sparkSession().sparkContext().defaultParallelism();
    return reports
        .select(col("service"), col("region"),
            col("reporter_hash").as("reporter_key"), // no reporter (null): none counted
            floor(unix_seconds(col("reported_at")).divide(params.bucketSeconds())).as("bucket_index"))
        .repartition(partitions, col("service"), col("bucket_index"))
        .withColumn("region", explode(array(col("region"), lit(ALL_REGIONS))))
        .groupBy("service", "region", "bucket_index", "reporter_key").agg(count(lit(1)).as("reports"))
        .groupBy("service", "region", "bucket_index")
        .agg(sum("reports").as("reports"), count(col("reporter_key")).as("reporters"));
  }

  /**
   * The bucket span of all series (first bucket, number of buckets), how many series there are,
   * and the regions the reports name (a handful: at most the ISO 3166 codes).
   */
  public record Extent(long first, int length, long series, List<String> regions) {}

  /** The counts' extent, or null when there are no reports. Read once; both scans share it. */
  public static Extent extent(Dataset<Row> counts) {
    Row range = counts.agg(expr("min(bucket_index)"), expr("max(bucket_index)"),
        expr("count(DISTINCT service, region)"), expr("collect_set(region)")).first();
    if (range.isNullAt(0)) {
      return null;
    }
    return new Extent(range.getLong(0), Math.toIntExact(range.getLong(1) - range.getLong(0) + 1), range.getLong(2),
        range.getList(3));
  }

  /**
   * Every series scanned by {@link SeriesScanner} over its own span, from its first report to its
   * last (a bucket without reports is a zero, not a gap): the buckets later steps read, one row
   * per series and bucket with its baseline ({@code expected_reports}, null without enough
   * history) and whether it lies in a window. The first bucket of each window always comes out,
   * carrying the window ({@code w_*} columns); the other buckets only across regions and inside
   * {@code keep} (bucket index ranges, [from, to)): the report timeline's spans. A year of
   * buckets for hundreds of series is never kept for the few hours the timelines show.
   * {@code focus}: periods (bucket index ranges) already known to hold an incident, where the
   * confirm threshold applies. Each series spans only its own buckets, not the whole data range:
   * memory grows with what each series covers (a service reported on one day of three years
   * costs a day), not with services times the range.
   */
  public static Dataset<Row> scan(Dataset<Row> grouped, DetectionParams params, List<long[]> focus,
      List<long[]> keep) {
    List<long[]> periods = List.copyOf(focus);
    List<long[]> kept = List.copyOf(keep);
    MapPartitionsFunction<Row, Row> scanSeries = rows -> scanPartition(rows, periods, kept, params);
    return grouped.mapPartitions(scanSeries, Encoders.row(Schemas.SCORED_REPORTS));
  }

  /**
   * The counts with each series' rows together in one partition (what {@link #scan} reads):
   * one shuffle and one sort, which both scans can share when this is cached. Sorted by a 64-bit
   * hash of the series first, so that the sort compares numbers, not strings that mostly share
   * their first bytes; the names break the (rare) ties between two series' hashes.
   */
  public static Dataset<Row> grouped(Dataset<Row> counts, Extent extent) {
    // One task per core at most: the series are few and small, and hundreds of near-empty
    // shuffle partitions would cost more than the scans themselves.
    int partitions = (int) Math.max(1, Math.min(extent.series(), counts.sparkSession().sparkContext().defaultParallelism()));
    return counts.repartition(partitions, col("service"), col("region"))
        .sortWithinPartitions(xxhash64(col("service"), col("region")), col("service"), col("region"))
        .select("service", "region", "bucket_index", "reports", "reporters");
  }

  /**
   * Scans each series of a partition whose rows arrive grouped by series, one series at a time:
   * only one series' counts are held (as numbers, not rows), in and out, not the partition's.
   */
  private static Iterator<Row> scanPartition(Iterator<Row> rows, List<long[]> focus, List<long[]> keep,
      DetectionParams params) {
    return new Iterator<>() {
      private Row next = rows.hasNext() ? rows.next() : null; // first row of the next series
      private Iterator<Row> current = Collections.emptyIterator();
      private final SeriesRows series = new SeriesRows();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && next != null) {
          String service = next.getString(0);
          String region = next.getString(1);
          series.clear();
          series.add(next);
          next = null;
          while (rows.hasNext()) {
            Row row = rows.next();
            if (!(service.equals(row.getString(0)) && region.equals(row.getString(1)))) {
              next = row;
              break;
            }
            series.add(row);
          }
          current = scanOne(service, region, series, focus, keep, params);
        }
        return current.hasNext();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  /** One series' rows as three growing arrays: bucket index, reports, reporters. */
  private static final class SeriesRows {
    long[] buckets = new long[1024];
    long[] reports = new long[1024];
    long[] reporters = new long[1024];
    int size;

    void clear() {
      size = 0;
    }

    void add(Row row) {
      if (size == buckets.length) {
        buckets = Arrays.copyOf(buckets, size * 2);
        reports = Arrays.copyOf(reports, size * 2);
        reporters = Arrays.copyOf(reporters, size * 2);
      }
      buckets[size] = row.getLong(2);
      reports[size] = row.getLong(3);
      reporters[size] = row.getLong(4);
      size++;
    }
  }

  private static Iterator<Row> scanOne(String service, String region, SeriesRows rows, List<long[]> periods,
      List<long[]> keep, DetectionParams params) {
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (int r = 0; r < rows.size; r++) {
      first = Math.min(first, rows.buckets[r]);
      last = Math.max(last, rows.buckets[r]);
    }
    int length = Math.toIntExact(last - first + 1);
    long[] reports = new long[length];
    long[] reporters = new long[length];
    for (int r = 0; r < rows.size; r++) {
      int i = (int) (rows.buckets[r] - first);
      reports[i] = rows.reports[r];
      reporters[i] = rows.reporters[r];
    }
    boolean[] focus = new boolean[length];
    for (long[] period : periods) {
      Arrays.fill(focus, (int) Math.max(0, Math.min(length, period[0] - first)),
          (int) Math.max(0, Math.min(length, period[1] - first)), true);
    }
    SeriesScanner.Baseline baseline = SeriesScanner.baseline(reports, params.bucketsPerWeek(), params.baselineWeeks(),
        params.baselineFloor(), params.minDurationBuckets());
    List<SeriesScanner.Window> windows = SeriesScanner.windows(reports, baseline, focus, params);
    SeriesScanner.Window[] windowAt = new SeriesScanner.Window[length];
    boolean[] anomalous = new boolean[length];
    for (SeriesScanner.Window w : windows) {
      windowAt[w.start()] = w;
      Arrays.fill(anomalous, w.start(), w.drainEnd(), true);
    }
    boolean[] kept = new boolean[length];
    if (ALL_REGIONS.equals(region)) {
      for (long[] span : keep) {
        Arrays.fill(kept, (int) Math.max(0, Math.min(length, span[0] - first)),
            (int) Math.max(0, Math.min(length, span[1] - first)), true);
      }
    }
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      SeriesScanner.Window w = windowAt[i];
      if (w == null && !kept[i]) {
        continue;
      }
      out.add(RowFactory.create(service, region, first + i, reports[i], reporters[i],
          Double.isNaN(baseline.expected()[i]) ? null : baseline.expected()[i], anomalous[i],
          w == null ? null : first + w.end(), w == null ? null : first + w.drainEnd(),
          w == null ? null : first + w.peak(), w == null ? null : first + w.firstAlarm(),
          w == null ? null : w.reports(), w == null ? null : w.expected(), w == null ? null : w.peakRatio(),
          w == null || w.baselineKind() == null ? null : w.baselineKind().column()));
    }
    return out.iterator();
  }
}

package com.outageimpact.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.outageimpact.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The series grid: what each series spans, and so what scanning it costs. */
class ReportSeriesTest {

  private static final DetectionParams PARAMS = new DetectionParams(5, 4, 0.25, 3, 15, 8, 10, 30, 20, 30, 2);

  /**
   * Services reported on one day each, the days years apart (an analyst's export of past
   * incidents): each series spans its own day, not the whole range. A grid over the whole range
   * for every series ran out of an 8 GB heap on 132 such services over three years.
   */
  @Test
  void eachSeriesSpansItsOwnBucketsNotTheWholeRange() {
    SparkSession spark = SparkTestSession.get();
    StructType schema = new StructType().add("service", DataTypes.StringType).add("region", DataTypes.StringType)
        .add("bucket_index", DataTypes.LongType).add("reports", DataTypes.LongType)
        .add("reporters", DataTypes.LongType);
    List<Row> rows = new ArrayList<>();
    long day = 288;
    long threeYears = 3 * 365 * day;
    for (int s = 0; s < 4; s++) {
      long first = 5_000_000 + s * threeYears / 3;
      for (long b = first; b < first + day; b += 7) {
        rows.add(RowFactory.create("svc" + s, ReportSeries.ALL_REGIONS, b, 3L, 2L));
      }
    }
    Dataset<Row> counts = spark.createDataFrame(rows, schema);
    ReportSeries.Extent extent = ReportSeries.extent(counts);
    Dataset<Row> grouped = ReportSeries.grouped(counts, extent);
    long scored = ReportSeries.scan(grouped, PARAMS, List.of(), List.of(new long[] {0, Long.MAX_VALUE})).count();
    // Each series from its first report to its last (a day), not 4 x three years of buckets.
    long lastOffset = (day - 1) / 7 * 7;
    assertEquals(4 * (lastOffset + 1), scored);
    // Only the buckets asked for come out (no windows here: one day has no history to judge by).
    assertEquals(0, ReportSeries.scan(grouped, PARAMS, List.of(), List.of()).count());
    long from = 5_000_000 + 100;
    assertEquals(12, ReportSeries.scan(grouped, PARAMS, List.of(), List.of(new long[] {from, from + 12})).count());
  }

  /**
   * Reports and distinct reporters per region and across regions: a reporter who reports twice
   * counts once, a reporter seen in two regions counts in each and once across them, and reports
   * without a reporter count as reports only. Reporters come as the ingest holds them: a 64-bit
   * hash of their id (InputSchema).
   */
  @Test
  void countsReportsAndDistinctReportersPerRegionAndAcrossRegions() {
    SparkSession spark = SparkTestSession.get();
    StructType schema = new StructType().add("service", DataTypes.StringType).add("region", DataTypes.StringType)
        .add("reported_at", DataTypes.TimestampType).add("reporter_hash", DataTypes.LongType);
    java.sql.Timestamp first = java.sql.Timestamp.from(java.time.Instant.parse("2026-03-02T10:00:30Z"));
    java.sql.Timestamp second = java.sql.Timestamp.from(java.time.Instant.parse("2026-03-02T10:04:59Z"));
    java.sql.Timestamp next = java.sql.Timestamp.from(java.time.Instant.parse("2026-03-02T10:05:00Z"));
    List<Row> reports = List.of(
        RowFactory.create("chat", "US", first, 1L), RowFactory.create("chat", "US", second, 1L),
        RowFactory.create("chat", "DE", first, 1L), RowFactory.create("chat", "US", first, 2L),
        RowFactory.create("chat", "US", second, null), RowFactory.create("chat", "DE", first, null),
        RowFactory.create("chat", "US", next, 3L), RowFactory.create("video", "US", first, 1L));
    long bucket = java.time.Instant.parse("2026-03-02T10:00:00Z").getEpochSecond() / 300;
    List<String> counted = new ArrayList<>();
    for (Row row : ReportSeries.counts(spark.createDataFrame(reports, schema), PARAMS)
        .orderBy("service", "region", "bucket_index").collectAsList()) {
      counted.add(row.getString(0) + " " + row.getString(1) + " +" + (row.getLong(2) - bucket) + ": "
          + row.getLong(3) + " reports, " + row.getLong(4) + " reporters");
    }
    assertEquals(List.of(
        "chat ALL +0: 6 reports, 2 reporters",
        "chat ALL +1: 1 reports, 1 reporters",
        "chat DE +0: 2 reports, 1 reporters",
        "chat US +0: 4 reports, 2 reporters",
        "chat US +1: 1 reports, 1 reporters",
        "video ALL +0: 1 reports, 1 reporters",
        "video US +0: 1 reports, 1 reporters"), counted);
  }
}

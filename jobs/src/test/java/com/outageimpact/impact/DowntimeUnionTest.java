package com.outageimpact.impact;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.struct;

import com.outageimpact.SparkTestSession;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A business's downtime is the union of its services' down intervals, and its availability counts
 * only the part inside the incident's calendar month. Checked against a brute-force count of
 * covered seconds on random overlapping intervals, some of them across a month boundary.
 */
class DowntimeUnionTest {

  private final SparkSession spark = SparkTestSession.get();

  @Test
  void monthBoundsAreTheCalendarMonthInUtc() {
    long[] october = ImpactStage.monthBounds(Instant.parse("2021-10-31T23:59:00Z"));
    assertArrayEquals(new long[] {Instant.parse("2021-10-01T00:00:00Z").getEpochSecond(),
        Instant.parse("2021-11-01T00:00:00Z").getEpochSecond()}, october);
  }

  @Test
  void unionAndItsPartInsideTheMonthMatchABruteForceCount() {
    long[] month = ImpactStage.monthBounds(Instant.parse("2021-10-15T00:00:00Z"));
    // Intervals in minutes around the month's end, so that many cross it.
    long base = month[1] - 600 * 60;
    List<long[][]> truth = randomIntervals(5, base);
    List<Row> rows = new ArrayList<>();
    for (int business = 0; business < truth.size(); business++) {
      for (long[] i : truth.get(business)) {
        rows.add(RowFactory.create("b" + business, i[0], i[1]));
      }
    }
    Dataset<Row> down = spark.createDataFrame(rows, new StructType().add("business_id", DataTypes.StringType)
        .add("down_start", DataTypes.LongType).add("down_end", DataTypes.LongType));
    List<Row> result = down.groupBy("business_id")
        .agg(collect_list(struct(col("down_start"), col("down_end"))).as("intervals"))
        .select(col("business_id"), Downtime.unionSeconds("x.down_start", "x.down_end").as("all"),
            Downtime.unionSeconds("greatest(x.down_start, " + month[0] + "L)",
                "least(x.down_end, " + month[1] + "L)").as("in_month"))
        .collectAsList();
    assertEquals(40, result.size());
    int crossing = 0;
    for (Row r : result) {
      long[][] intervals = truth.get(Integer.parseInt(r.getString(0).substring(1)));
      long all = covered(intervals, Long.MIN_VALUE, Long.MAX_VALUE);
      long inMonth = covered(intervals, month[0], month[1]);
      assertEquals(all, r.getLong(1), r.getString(0) + " union");
      assertEquals(inMonth, r.getLong(2), r.getString(0) + " inside the month");
      crossing += inMonth > 0 && inMonth < all ? 1 : 0;
    }
    assertTrue(crossing >= 5, "too few businesses with downtime on both sides: " + crossing);
  }

  /**
   * A cover is the union's seconds past the first {@code waiting} of them, gaps kept: each minute of
   * the cover's intervals, and only those, is down with at least the waiting period of downtime
   * before it.
   */
  @Test
  void aCoverIsTheDowntimePastTheWaitingPeriodMinuteByMinute() {
    long base = Instant.parse("2021-10-04T00:00:00Z").getEpochSecond();
    List<long[][]> truth = randomIntervals(11, base);
    List<Row> rows = new ArrayList<>();
    for (int business = 0; business < truth.size(); business++) {
      for (long[] i : truth.get(business)) {
        rows.add(RowFactory.create("b" + business, i[0], i[1], 60L * 30 * (business % 8)));
      }
    }
    List<Row> result = spark.createDataFrame(rows, new StructType().add("business_id", DataTypes.StringType)
            .add("down_start", DataTypes.LongType).add("down_end", DataTypes.LongType)
            .add("waiting_seconds", DataTypes.LongType))
        .groupBy("business_id", "waiting_seconds")
        .agg(collect_list(struct(col("down_start"), col("down_end"))).as("intervals"))
        .select(col("business_id"), col("waiting_seconds"),
            Downtime.cover("x.down_start", "x.down_end", "waiting_seconds").as("swept"))
        .collectAsList();
    assertEquals(40, result.size());
    int gaps = 0;
    for (Row r : result) {
      long[][] intervals = truth.get(Integer.parseInt(r.getString(0).substring(1)));
      Row swept = r.getStruct(2);
      assertEquals(covered(intervals, Long.MIN_VALUE, Long.MAX_VALUE), swept.getLong(swept.fieldIndex("t")));
      List<Row> cover = swept.getList(swept.fieldIndex("c"));
      gaps += cover.size() > 1 ? 1 : 0;
      long before = 0;
      for (long t = base; t < base + 60L * 1200; t += 60) {
        boolean down = false;
        for (long[] i : intervals) {
          down |= i[0] <= t && t < i[1];
        }
        boolean inCover = false;
        for (Row c : cover) {
          inCover |= c.getLong(0) <= t && t < c.getLong(1);
        }
        assertEquals(down && before >= r.getLong(1), inCover, r.getString(0) + " at minute " + (t - base) / 60);
        before += down ? 60 : 0;
      }
    }
    assertTrue(gaps >= 5, "too few covers with a gap: " + gaps);
  }

  /**
   * 40 businesses' down intervals, 1 to 5 each, whole minutes: each starts within 15 hours of
   * {@code base} and lasts 1 to 240 minutes, so that many overlap and some leave gaps.
   */
  private static List<long[][]> randomIntervals(long seed, long base) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<long[][]> businesses = new ArrayList<>();
    for (int business = 0; business < 40; business++) {
      long[][] intervals = new long[1 + rng.nextInt(5)][];
      for (int i = 0; i < intervals.length; i++) {
        long start = base + 60L * rng.nextInt(900);
        intervals[i] = new long[] {start, start + 60L * (1 + rng.nextInt(240))};
      }
      businesses.add(intervals);
    }
    return businesses;
  }

  /** Minutes covered by any interval within [from, to), counted minute by minute, in seconds. */
  private static long covered(long[][] intervals, long from, long to) {
    long seconds = 0;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (long[] i : intervals) {
      first = Math.min(first, i[0]);
      last = Math.max(last, i[1]);
    }
    for (long t = first; t < last; t += 60) {
      boolean down = false;
      for (long[] i : intervals) {
        down |= i[0] <= t && t < i[1];
      }
      seconds += down && t >= from && t < to ? 60 : 0;
    }
    return seconds;
  }
}

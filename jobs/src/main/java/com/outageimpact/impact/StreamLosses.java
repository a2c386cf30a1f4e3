package com.outageimpact.impact;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;

import com.outageimpact.common.PlanLeaves;
import com.outageimpact.detect.Footprint;
import com.outageimpact.schema.Schemas;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Per stream (a business and the service its transactions went through): what it did in the
 * analysis window, and, for streams through an impaired service, what it would have done.
 * See docs/impact.md.
 *
 * <p>One pass over the transactions: each one falls in at most one week-shifted copy of the
 * analysis window ({@code k} weeks before it; {@code k = 0} is the window itself), in one of three
 * parts: the pre-window (the hours before, which set the day's level), the impaired part (up to
 * the service's recovery) and the recovery part (after it). Sums per stream, week and part are
 * small (streams x weeks), and the estimate is plain column arithmetic on them:
 *
 * <ul>
 *   <li>expected = level x the mean of the weeks before, per part; level = the business's
 *       pre-window value against the same hours in the weeks before, shrunk towards all
 *       businesses' level ({@link #levels}): a busy day or week, or growth;
 *   <li>its variance, from how well the same method predicts each baseline week from the others
 *       (leave-one-out), so the interval reflects each stream's real noise and the level's; a
 *       business's from the same residuals added over its streams ({@link #businessLossVariance}).
 * </ul>
 *
 * Streams through services that stayed up are not estimated: their expected value is their actual.
 */
final class StreamLosses {

  static final long WEEK = 7 * 86400L;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StreamLosses.class);

  private StreamLosses() {}

  /**
   * Transactions whose time falls in one of the week-shifted copies [from, end) - k weeks, k from
   * {@code firstWeek} to {@code lastWeek}: ranges on the column itself, or-ed, which the columnar
   * cache and Parquet test against each batch's or row group's min and max, so that the batches
   * outside every copy are skipped unread. The ingest keeps the files' order, so a batch holds a
   * day or two. Each caller still works out its own week and part per row.
   */
  static Column inWeekCopies(long from, long end, int firstWeek, int lastWeek) {
    Column any = null;
    for (int k = firstWeek; k <= lastWeek; k++) {
      Column copy = col("occurred_at").geq(lit(Timestamp.from(Instant.ofEpochSecond(from - k * WEEK))))
          .and(col("occurred_at").lt(lit(Timestamp.from(Instant.ofEpochSecond(end - k * WEEK)))));
      any = any == null ? copy : any.or(copy);
    }
    return any == null ? lit(false) : any;
  }

  /**
   * How many of the {@code weeks} baseline weeks the data covers: week j counts when a transaction
   * comes no later than its shifted level window's start (preStart - j weeks), give or take the
   * data's mean gap between transactions. A week the data starts inside has short sums, and
   * a short level-window baseline makes every level too high. Weeks are older the larger j, so the
   * covered ones are 1..result.
   */
  static int coveredWeeks(ImpactStage.TransactionExtent extent, Instant preStart, int weeks) {
    if (extent.count() == 0) {
      return 0;
    }
    double gap = extent.count() > 1 ? (double) (extent.last() - extent.first()) / (extent.count() - 1) : 0;
    int covered = 0;
    while (covered < weeks && extent.first() <= preStart.getEpochSecond() - (covered + 1) * WEEK + gap) {
      covered++;
    }
    return covered;
  }

  /** How many baseline weeks the estimate combines out of {@code weeks} covered ones ({@link #keptWeeks}). */
  static int combinedWeeks(int weeks) {
    return weeks >= 3 ? weeks - 1 : weeks;
  }

  /**
   * @param services impaired services: service id to its recovery (end of impact)
   * @param footprint where the incident hit
   * @param weeks usable baseline weeks, at least 1 (the data must cover them: {@link #coveredWeeks})
   * @param cached where the per-stream sums, kept here ({@link PlanLeaves#checkpoint}; read three times), are listed for release
   */
  static Dataset<Row> compute(SparkSession spark, Dataset<Row> transactions, Dataset<Row> businesses,
      Map<String, Instant> services, Footprint footprint, Instant preStart, Instant windowStart,
      Instant windowEnd, int weeks, List<Dataset<Row>> cached) {
    if (weeks < 1) {
      throw new IllegalArgumentException("no baseline week to estimate from");
    }
    long pre = preStart.getEpochSecond();
    long start = windowStart.getEpochSecond();
    long end = windowEnd.getEpochSecond();

    List<Row> serviceRows = new ArrayList<>();
    services.forEach((service, recovery) -> serviceRows.add(RowFactory.create(service, recovery.getEpochSecond())));
    Dataset<Row> impaired = spark.createDataFrame(serviceRows,
        new StructType().add("service", DataTypes.StringType).add("recovery_at", DataTypes.LongType));

    Column t = unix_seconds(col("occurred_at"));
    // The week whose shifted window holds the transaction; the shift puts it at t + k weeks.
    Column k = floor(lit(end - 1).minus(t).divide(WEEK)).cast(DataTypes.IntegerType);
    Column shifted = t.plus(k.multiply(WEEK));
    Dataset<Row> tx = transactions
        .filter(inWeekCopies(pre, end, 0, weeks))
        .select(col("business_id"), col("service"), col(Schemas.AMOUNT_REPORTING).cast("double").as("value"),
            col("status"), k.as("k"), shifted.as("shifted"))
        .filter(col("k").between(0, weeks).and(col("shifted").geq(pre)))
        .join(broadcast(impaired), "service", "left");
    Column part = when(col("shifted").lt(start), lit("pre"))
        .when(col("recovery_at").isNotNull().and(col("shifted").lt(col("recovery_at"))), lit("imp"))
        .otherwise(lit("rec"));
    tx = tx.withColumn("part", part);

    List<Column> sums = new ArrayList<>();
    Column succeeded = col("status").equalTo("succeeded");
    for (int j = 0; j <= weeks; j++) {
      for (String p : List.of("pre", "imp", "rec")) {
        sums.add(sum(when(col("k").equalTo(j).and(col("part").equalTo(p)).and(succeeded), col("value"))
            .otherwise(0.0)).as(p + "_" + j));
      }
    }
    for (int j = 0; j <= weeks; j++) {
      // Squared values: how noisy the level window's sum is (compound Poisson), heavy tickets and all.
      sums.add(sum(when(col("k").equalTo(j).and(col("part").equalTo("pre")).and(succeeded),
          col("value").multiply(col("value"))).otherwise(0.0)).as("pre_squares_" + j));
    }
    // With one week there is no other week to check it on: its own transactions' spread (below).
    sums.add(sum(when(col("k").equalTo(1).and(col("part").notEqual("pre")).and(succeeded),
        col("value").multiply(col("value")))).as("squares_1"));
    Column failedNow = col("k").equalTo(0).and(col("part").notEqual("pre")).and(col("status").isin("failed", "timeout"));
    sums.add(count(when(failedNow, lit(1))).as("failed_txns"));
    sums.add(sum(when(failedNow, col("value")).otherwise(0.0)).as("failed_value"));
    Dataset<Row> streams = tx.groupBy(col("business_id"), col("service"), col("recovery_at"))
        .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new));

    // Which streams the incident may have hit: an impaired service, where its loss is estimated.
    Dataset<Row> info = businesses.select(col("business_id"), col("region").as("business_region"));
    streams = streams.join(broadcast(info), "business_id");
    Column hit = col("recovery_at").isNotNull().and(footprint.estimates(col("business_region")));
    streams = PlanLeaves.checkpoint(streams.withColumn("hit", hit));
    cached.add(streams);
    streams = streams.join(levels(streams, weeks), "business_id")
        .join(broadcast(keptWeeks(spark, streams, weeks)), new String[] {"service"}, "left");
    for (int j = 1; j <= weeks; j++) {
      for (String p : List.of("imp", "rec")) {
        streams = streams.withColumn("keep_" + p + "_" + j, coalesce(col("keep_" + p + "_" + j), lit(1.0)));
      }
    }

    Column level = level(0);
    Column expectedImpaired = level.multiply(keptMean("imp", weeks, -1));
    Column expectedRecovery = level.multiply(keptMean("rec", weeks, -1));
    Column actual = col("imp_0").plus(col("rec_0"));
    Column variance;
    List<Column> residuals = new ArrayList<>();
    if (weeks >= 2) {
      // Leave-one-out: predict each kept baseline week from the other kept weeks, the way the outage
      // week is predicted.
      Column squares = lit(0.0);
      Column targets = lit(0.0);
      for (int j = 1; j <= weeks; j++) {
        Column kept = col("keep_imp_" + j).multiply(col("keep_rec_" + j));
        Column predicted = level(j).multiply(keptMean("imp", weeks, j).plus(keptMean("rec", weeks, j)));
        Column residual = col("imp_" + j).plus(col("rec_" + j)).minus(predicted);
        squares = squares.plus(kept.multiply(residual).multiply(residual));
        targets = targets.plus(kept);
        // Kept for the business's variance (businessLossVariance), which adds them up before squaring.
        residuals.add(when(col("hit"), kept.multiply(residual)).otherwise(0.0).as("residual_" + j));
      }
      variance = squares.divide(greatest(targets, lit(1.0)));
      residuals.add(when(col("hit"), squares).otherwise(0.0).as("residual_squares"));
    } else {
      // One week: no week to check the method on. The variance of a sum of transactions is the sum
      // of their squared values (compound Poisson), once for the baseline week and once for the
      // outage week, scaled by the level; with one degree of freedom (StudentT) the interval is wide.
      variance = lit(2.0).multiply(level).multiply(level).multiply(coalesce(col("squares_1"), lit(0.0)));
    }
    List<Column> out = new ArrayList<>(List.of(col("business_id"), col("service"), col("hit"), level.as("level"),
        col("imp_0").plus(col("rec_0")).as("actual_value"),
        when(col("hit"), expectedImpaired.plus(expectedRecovery)).otherwise(actual).as("expected_value"),
        when(col("hit"), expectedImpaired.minus(col("imp_0"))).otherwise(0.0).as("gross_loss"),
        when(col("hit"), col("rec_0").minus(expectedRecovery)).otherwise(0.0).as("recovered"),
        when(col("hit"), variance).otherwise(0.0).as("loss_variance"),
        col("failed_txns"), col("failed_value"), col("recovery_at")));
    out.addAll(residuals);
    // For the timeline, which combines the same weeks (TimelineValues).
    for (int j = 1; j <= weeks; j++) {
      out.add(col("keep_imp_" + j));
      out.add(col("keep_rec_" + j));
    }
    return streams.select(out.toArray(Column[]::new));
  }

  /**
   * The variance of a business's loss, as an aggregate over its streams (group by business). A
   * business's streams move together (a busy day, a promotion, a closed shop lifts or sinks every
   * service it sells through), so the sum of the streams' own variances, which treats them as
   * independent, would understate it. With two or more weeks, that sum is scaled by how much the
   * business's leave-one-out residuals, added over its streams week by week, spread more (or less)
   * than the streams' residuals do on their own: sum over weeks of (sum over streams of r)^2
   * against sum over weeks and streams of r^2. The ratio carries the covariances, and it holds
   * when services leave out different baseline weeks ({@link #keptWeeks}), where averaging the
   * squared sums over the weeks would not. With one week there are no residuals: the streams'
   * compound-Poisson variances add.
   */
  static Column businessLossVariance(int weeks) {
    if (weeks < 2) {
      return sum("loss_variance");
    }
    Column squaredSums = lit(0.0);
    for (int j = 1; j <= weeks; j++) {
      squaredSums = squaredSums.plus(sum("residual_" + j).multiply(sum("residual_" + j)));
    }
    Column ownSquares = sum("residual_squares");
    return when(ownSquares.gt(0), sum("loss_variance").multiply(squaredSums).divide(ownSquares))
        .otherwise(sum("loss_variance"));
  }

  /**
   * Per impaired service and part (impaired, recovery), which baseline weeks the estimate combines
   * (columns keep_<part>_<j>, 1 or 0). With 3 or more weeks, the week whose total over the service's
   * streams lies farthest from the weeks' median is left out: one week hit by an earlier incident at
   * the same hours (or a holiday) cannot move the mean, and on clean weeks the week left out is as
   * likely high as low. Judged on the service's total, where sums are large, not per stream, where a
   * few transactions would decide. Small: one row per service.
   */
  static Dataset<Row> keptWeeks(SparkSession spark, Dataset<Row> streams, int weeks) {
    StructType schema = new StructType().add("service", DataTypes.StringType);
    List<Column> totals = new ArrayList<>();
    for (String p : List.of("imp", "rec")) {
      for (int j = 1; j <= weeks; j++) {
        totals.add(sum(p + "_" + j).as(p + "_" + j));
        schema = schema.add("keep_" + p + "_" + j, DataTypes.DoubleType);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (Row r : streams.filter(col("recovery_at").isNotNull()).groupBy("service")
        .agg(totals.get(0), totals.subList(1, totals.size()).toArray(Column[]::new)).collectAsList()) {
      Object[] values = new Object[1 + 2 * weeks];
      values[0] = r.getString(0);
      for (int p = 0; p < 2; p++) {
        double[] week = new double[weeks];
        for (int j = 0; j < weeks; j++) {
          week[j] = r.getDouble(1 + p * weeks + j);
        }
        int out = weeks >= 3 ? farthestFromMedian(week) : -1;
        if (out >= 0) {
          LOG.info("{} {}: baseline week {} left out (total {} against median-of-weeks {})", values[0],
              p == 0 ? "impaired part" : "recovery part", out + 1, Math.round(week[out]), Math.round(median(week)));
        }
        for (int j = 0; j < weeks; j++) {
          values[1 + p * weeks + j] = j == out ? 0.0 : 1.0;
        }
      }
      rows.add(RowFactory.create(values));
    }
    return spark.createDataFrame(rows, schema);
  }

  /** Index of the value farthest from the median (the first on a tie). */
  static int farthestFromMedian(double[] values) {
    double median = median(values);
    int far = 0;
    for (int i = 1; i < values.length; i++) {
      if (Math.abs(values[i] - median) > Math.abs(values[far] - median)) {
        far = i;
      }
    }
    return far;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** Mean of a part over the kept baseline weeks ({@link #keptWeeks}), leaving out week {@code except}. */
  private static Column keptMean(String part, int weeks, int except) {
    Column total = lit(0.0);
    Column n = lit(0.0);
    for (int j = 1; j <= weeks; j++) {
      if (j != except) {
        total = total.plus(col("keep_" + part + "_" + j).multiply(col(part + "_" + j)));
        n = n.plus(col("keep_" + part + "_" + j));
      }
    }
    return when(n.gt(0), total.divide(n)).otherwise(0.0);
  }

  /** Mean of a part over the baseline weeks 1..weeks other than {@code target} (0: all of them). */
  private static Column mean(String part, int weeks, int target) {
    return othersSum(part, target, weeks).divide(otherWeeks(target, weeks));
  }

  /**
   * Per business, the level of week {@code target} (0: the outage week; 1..weeks: each baseline
   * week, for the leave-one-out check) as a multiple of the other baseline weeks: the business's
   * pre-window value against theirs, shrunk towards the level of all businesses together by how
   * much its few transactions can say (empirical Bayes: the spread of the levels between
   * businesses beyond what their transaction counts explain, against the noise of its own).
   *
   * <p>A ratio to a noisy sum is biased upward (E[1/X] > 1/E[X]) by about the denominator's
   * relative variance (compound Poisson: 1/n for n equal tickets, more for heavy ones). With one
   * baseline week and a business of a few dozen transactions a day that is several percent on its
   * level, and so on its expected value. So the raw ratio is divided by (1 + that variance) (the
   * second-order delta-method correction), and the noise that sets the shrinkage is that of both
   * sums, the target week's and the others' ({@link #weekNoise}).
   */
  private static Dataset<Row> levels(Dataset<Row> streams, int weeks) {
    List<Column> sums = new ArrayList<>();
    for (int j = 0; j <= weeks; j++) {
      sums.add(sum("pre_" + j).as("pre_" + j));
      sums.add(sum("pre_squares_" + j).as("pre_squares_" + j));
    }
    Dataset<Row> business = streams.groupBy("business_id").agg(sums.get(0), sums.subList(1, sums.size())
        .toArray(Column[]::new));
    Column raw0 = correctedRatio(0, weeks);
    Column noise0 = levelNoise(0, weeks);
    // The spread between businesses is measured on those whose level says something (noise under
    // 1, a relative SD under 100%): an average over all would let one business whose sales and
    // refunds nearly cancel (unbounded noise) take the spread to zero and every level with it.
    Column usable = mean("pre", weeks, 0).gt(0).and(col("pre_0").gt(0)).and(noise0.lt(1));
    List<Column> global = new ArrayList<>();
    // The baseline weeks' own levels serve the leave-one-out, which needs two weeks.
    int targets = weeks >= 2 ? weeks : 0;
    for (int j = 0; j <= targets; j++) {
      global.add(sum("pre_" + j).as("total_" + j));
      global.add(sum(mean("pre", weeks, j)).as("others_" + j));
    }
    global.add(org.apache.spark.sql.functions.avg(when(usable, raw0)).as("raw_mean"));
    global.add(org.apache.spark.sql.functions.avg(when(usable, raw0.multiply(raw0))).as("raw_square"));
    global.add(org.apache.spark.sql.functions.avg(when(usable, noise0)).as("noise_mean"));
    Row g = business.agg(global.get(0), global.subList(1, global.size()).toArray(Column[]::new)).first();
    double rawMean = g.isNullAt(g.fieldIndex("raw_mean")) ? 1 : g.<Double>getAs("raw_mean");
    double rawSquare = g.isNullAt(g.fieldIndex("raw_square")) ? 1 : g.<Double>getAs("raw_square");
    double noiseMean = g.isNullAt(g.fieldIndex("noise_mean")) ? 0 : g.<Double>getAs("noise_mean");
    double spread = Math.max(0, rawSquare - rawMean * rawMean - noiseMean);
    List<Column> out = new ArrayList<>(List.of(col("business_id")));
    for (int j = 0; j <= targets; j++) {
      // Sums over no stream at all are null: nothing where the estimate looks (issue 24).
      double others = g.isNullAt(g.fieldIndex("others_" + j)) ? 0 : g.<Double>getAs("others_" + j);
      double overall = others > 0 ? g.<Double>getAs("total_" + j) / others : 1;
      Column baseline = mean("pre", weeks, j);
      Column weight = lit(spread).divide(lit(spread).plus(levelNoise(j, weeks)));
      Column shrunk = lit(overall).plus(correctedRatio(j, weeks).minus(overall).multiply(weight));
      out.add(when(baseline.gt(0), least(lit(2.0), greatest(lit(0.5), shrunk))).otherwise(overall)
          .as("level_" + j));
    }
    return business.select(out.toArray(Column[]::new));
  }

  /** Sum of {@code column}_j over the baseline weeks other than {@code target} (0: all of them). */
  private static Column othersSum(String column, int target, int weeks) {
    Column total = lit(0.0);
    for (int j = 1; j <= weeks; j++) {
      if (j != target) {
        total = total.plus(col(column + "_" + j));
      }
    }
    return total;
  }

  /**
   * The relative variance of one week's level-window sum, from the business's usual week over all
   * weeks (the outage week's included): a sum of transactions has relative variance (sum of x^2)
   * / (sum of x)^2, compound Poisson, heavy tickets and all. Pooled over all weeks, not taken from
   * the sums in the ratio: a week short of transactions (or with one large ticket) makes the ratio
   * high (or low) and, measured on itself, also its noise, so a correction or weight from the
   * ratio's own sums would move with it and bias the level.
   */
  private static Column weekNoise(int weeks) {
    Column value = col("pre_0").plus(othersSum("pre", 0, weeks));
    Column squares = col("pre_squares_0").plus(othersSum("pre_squares", 0, weeks));
    // Sums that refunds cancel to nothing or less say nothing about the level: infinite noise
    // (weight 0, the common level).
    return when(value.gt(0), squares.divide(value).divide(value.divide(weeks + 1)))
        .otherwise(Double.POSITIVE_INFINITY);
  }

  /** How many weeks the level of week {@code target} is measured against. */
  private static int otherWeeks(int target, int weeks) {
    return target == 0 ? weeks : weeks - 1;
  }

  /**
   * Week {@code target}'s pre-window value over the other weeks' mean, divided by (1 + the mean's
   * relative variance): the second-order delta-method correction of a ratio to a noisy sum.
   */
  private static Column correctedRatio(int target, int weeks) {
    return col("pre_" + target).divide(mean("pre", weeks, target))
        .divide(lit(1.0).plus(weekNoise(weeks).divide(otherWeeks(target, weeks))));
  }

  /** Relative variance of that ratio, for the shrinkage: one week's sum's plus the other weeks' mean's. */
  private static Column levelNoise(int target, int weeks) {
    return weekNoise(weeks).multiply(1 + 1.0 / otherWeeks(target, weeks));
  }

  /** Week {@code target}'s level (see {@link #levels}). */
  private static Column level(int target) {
    return col("level_" + target);
  }
}

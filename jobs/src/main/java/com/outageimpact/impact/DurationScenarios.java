package com.outageimpact.impact;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_seconds;

import com.outageimpact.schema.Schemas;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * duration_scenarios: the net loss had the outage lasted other lengths, per sector and in total.
 *
 * <p>The model: the loss accrues in proportion to the value the hit streams would have carried,
 * minute by minute from the start. Per sector, the net loss at duration D is the measured net loss
 * times E(D) / E(observed), E(d) the counterfactual value of the sector's hit streams over the
 * first d hours from the detected start, each business's
 * level times the mean of the same quarter-hours in the baseline weeks. So the share of the value
 * lost while impaired and the share of it that came back after recovery are the ones measured,
 * held constant, while the hours a longer outage would add are weighted by what they usually carry
 * (a night hour little, a weekday noon much). One outage cannot show how the recovered share falls
 * as an outage lengthens, so the model keeps it; durations beyond twice the observed one, where
 * that and any change in the loss share matter most, are flagged {@code extrapolated}.
 *
 * <p>The interval is the measured net loss's interval scaled by the same ratio: it carries the
 * estimate's noise, not the model's error (which the evaluation measures instead).
 */
final class DurationScenarios {

  /** The quarter-hours E(d) is summed over: fine enough for half-hour waiting periods and lags. */
  static final long BUCKET_SECONDS = 900;
  /** A duration beyond this multiple of the observed one is flagged extrapolated. */
  static final double EXTRAPOLATION_FACTOR = 2.0;
  /** The total's row, as outage_windows names its across-regions row. */
  static final String TOTAL = "ALL";

  private DurationScenarios() {}

  /**
   * @param hitStreams business_id, service, level: the streams the incident hit
   * @param businesses business_id, sector
   * @param sectors sector_impact rows (sector, net_loss, net_loss_low, net_loss_high)
   * @param origin the detected start: value accrues from there (the pad before it loses almost nothing,
   *     and counting it would pull every ratio towards 1)
   * @param observedHours the detected duration
   */
  static Dataset<Row> compute(SparkSession spark, Dataset<Row> hitStreams, Dataset<Row> businesses,
      Dataset<Row> sectors, Dataset<Row> transactions, Collection<String> impairedServices, Instant origin,
      double observedHours, double[] durations, int weeks, String incidentId) {
    double longest = observedHours;
    for (double d : durations) {
      longest = Math.max(longest, d);
    }
    long from = origin.getEpochSecond();
    long end = from + (long) Math.ceil(longest * 3600 / BUCKET_SECONDS) * BUCKET_SECONDS;
    if (end - from >= StreamLosses.WEEK) {
      throw new IllegalArgumentException("--duration-hours: scenarios reach at most a week (168 hours)");
    }
    // Each baseline transaction falls in at most one week-shifted copy of [from, end) (shorter than a week).
    Column t = unix_seconds(col("occurred_at"));
    Column k = floor(lit(end - 1).minus(t).divide(StreamLosses.WEEK)).cast("int");
    Dataset<Row> perSectorBucket = transactions
        .filter(col("occurred_at").geq(lit(Timestamp.from(Instant.ofEpochSecond(from - weeks * StreamLosses.WEEK)))))
        .filter(col("occurred_at").lt(lit(Timestamp.from(Instant.ofEpochSecond(end - StreamLosses.WEEK)))))
        .filter(col("status").equalTo("succeeded").and(col("service").isin(impairedServices.toArray())))
        .select(col("business_id"), col("service"), col(Schemas.AMOUNT_REPORTING).cast("double").as("value"),
            k.as("k"), t.plus(k.multiply(StreamLosses.WEEK)).as("shifted"))
        .filter(col("k").between(1, weeks).and(col("shifted").geq(from)))
        .join(broadcast(hitStreams.select("business_id", "service", "level")), new String[] {"business_id", "service"})
        .join(broadcast(businesses.select("business_id", "sector")), "business_id")
        .groupBy(col("sector"), floor(col("shifted").minus(from).divide(BUCKET_SECONDS)).as("q"))
        .agg(sum(col("value").multiply(col("level"))).divide(weeks).as("expected"));

    // E(d) per sector for the observed duration and each scenario: a quarter-hour counts in
    // proportion to the part of it inside the first d hours.
    List<Column> sums = new ArrayList<>();
    sums.add(sum(col("expected").multiply(inside(observedHours))).as("e_observed"));
    for (int i = 0; i < durations.length; i++) {
      sums.add(sum(col("expected").multiply(inside(durations[i]))).as("e_" + i));
    }
    Map<String, Row> accrual = new HashMap<>();
    // Small: one row per sector.
    for (Row r : perSectorBucket.groupBy("sector").agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new))
        .collectAsList()) {
      accrual.put(r.getString(0), r);
    }

    List<Row> rows = new ArrayList<>();
    double[][] total = new double[durations.length][3];
    double[][] totalSpread = new double[durations.length][2];
    for (Row s : sectors.select("sector", "net_loss", "net_loss_low", "net_loss_high").collectAsList()) {
      String sector = s.getString(0);
      Row a = accrual.get(sector);
      double observed = a == null ? 0 : a.getDouble(1);
      for (int i = 0; i < durations.length; i++) {
        double ratio = observed > 0 ? a.getDouble(2 + i) / observed : 0;
        double net = s.getDouble(1) * ratio;
        double low = s.getDouble(2) * ratio;
        double high = s.getDouble(3) * ratio;
        rows.add(row(incidentId, sector, durations[i], net, low, high, observedHours));
        total[i][0] += net;
        totalSpread[i][0] += (net - low) * (net - low);
        totalSpread[i][1] += (high - net) * (high - net);
      }
    }
    for (int i = 0; i < durations.length; i++) {
      double net = total[i][0];
      // Sectors' estimates are independent: their distances to each end add in squares.
      rows.add(row(incidentId, TOTAL, durations[i], net, net - Math.sqrt(totalSpread[i][0]),
          net + Math.sqrt(totalSpread[i][1]), observedHours));
    }
    return spark.createDataFrame(rows, Schemas.DURATION_SCENARIOS);
  }

  /** The share of quarter-hour q inside the first {@code hours} of the window. */
  private static Column inside(double hours) {
    double limit = hours * 3600;
    return least(lit(1.0), greatest(lit(0.0),
        lit(limit).minus(col("q").multiply(BUCKET_SECONDS)).divide((double) BUCKET_SECONDS)));
  }

  private static Row row(String incidentId, String sector, double hours, double net, double low, double high,
      double observedHours) {
    return RowFactory.create(incidentId, sector, hours, net, Math.min(low, high), Math.max(low, high), null,
        observedHours, hours > EXTRAPOLATION_FACTOR * observedHours);
  }

  /** Parses a list of durations in hours, e.g. {@code 1,2,4,8,12,24,48}. */
  static double[] parse(String list) {
    String[] parts = list.split(",");
    double[] hours = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        hours[i] = Double.parseDouble(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--duration-hours: '" + parts[i].trim() + "' is not a number of hours");
      }
      if (!(hours[i] > 0)) {
        throw new IllegalArgumentException("--duration-hours: " + parts[i].trim() + " is not a positive number of hours");
      }
    }
    return hours;
  }
}

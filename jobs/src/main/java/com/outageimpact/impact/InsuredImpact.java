package com.outageimpact.impact;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;

import com.outageimpact.common.DerivedColumns;
import com.outageimpact.schema.Schemas;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * What business-interruption policies pay for one incident, per business and per sector.
 *
 * <p>A policy's <b>cover</b> is its business's downtime (the union of the down intervals of the
 * services it relies on, as for {@code downtime_minutes}) after the first
 * {@code waiting_period_hours} of it; it <b>triggered</b> when the downtime exceeds the waiting
 * period. The <b>covered loss</b> (the economic loss the policy sees) is the gross loss inside the
 * cover, estimated the way the net loss is (the business's level times the mean of the same hours
 * in the baseline weeks, less what went through, on the streams of impaired services), less the
 * share of it that came back after recovery: the sector's recovered over gross loss. An indemnity
 * policy pays the covered loss, a parametric one {@code payout_per_hour} for each hour of cover;
 * either pays what exceeds the retention, up to the limit.
 *
 * <p>Intervals carry two errors. The estimate's noise: the covered loss's half-width is the
 * business's net-loss half-width times the square root of the cover's share of its gross loss (the
 * noise of a sum of transactions grows with its expected size, so its standard deviation with the
 * square root). The downtime's timing: the detected boundaries are uncertain ({@link BoundaryTiming}),
 * so the cover may be longer or shorter by 1.645 times the downtime's standard deviation, worth the
 * business's loss per second down (and a policy near its waiting period may not have triggered, or
 * may have); this is the only error a parametric payout has. Each payout's ends are the payouts at
 * each end (a payout never falls as the loss or the cover grows); the two errors combine in squares.
 * Sums over businesses add the noise in squares (independent businesses) and the timing error in
 * full (one boundary moves every business relying on the service).
 */
public final class InsuredImpact {

  /** Per business and per sector, and the incident's totals (sector and totals null until rolled up). */
  public record Tables(Dataset<Row> businesses, Dataset<Row> sectors, Row totals) {}

  private static final List<String> INTERVAL_SUMS =
      List.of("covered_loss", "insured_loss", "retained_loss", "uninsured_loss");


  private InsuredImpact() {}

  /**
   * @param covers each policy with its cover ({@link #covers})
   * @param business the business_impact rows (with gross_loss, recovered, net_loss and its interval)
   * @param levels business_id, level: the business's level in the outage week ({@link StreamLosses})
   * @param transactions the accepted transactions (business_id, service, occurred_at, status, amount_reporting)
   * @param impairedServices the services whose streams carry a loss
   */
  static Tables compute(Dataset<Row> covers, Dataset<Row> business, Dataset<Row> levels,
      Dataset<Row> transactions, Collection<String> impairedServices, Instant windowStart, Instant windowEnd,
      int weeks, String incidentId) {
    Dataset<Row> sums = coveredSums(covers, transactions, impairedServices, windowStart, windowEnd, weeks);

    // The share of lost demand that came back, per sector (where the generator's rebound and, in
    // practice, customers' patience differ), applied to the loss inside the cover.
    Dataset<Row> comeBack = business.groupBy("sector").agg(sum("recovered").as("r"), sum("gross_loss").as("g"))
        .select(col("sector"), when(col("g").gt(0), least(lit(1.0), greatest(lit(0.0), col("r").divide(col("g")))))
            .otherwise(0.0).as("recovered_share"));
    Dataset<Row> loss = business.select(col("business_id"), col("sector"), col("gross_loss").as("b_gross"),
            col("net_loss_high").minus(col("net_loss_low")).divide(2.0).as("b_half"))
        .join(broadcast(comeBack), "sector");

    Column mean = lit(0.0);
    for (int j = 1; j <= weeks; j++) {
      mean = mean.plus(coalesce(col("cov_" + j), lit(0.0)));
    }
    mean = mean.divide(weeks);
    Column grossCovered = coalesce(col("level"), lit(1.0)).multiply(mean).minus(coalesce(col("cov_0"), lit(0.0)));
    Column share = when(col("b_gross").gt(0), least(lit(1.0), greatest(lit(0.0), col("gross_covered")
        .divide(col("b_gross"))))).otherwise(0.0);
    Dataset<Row> joined = covers
        .join(sums, new String[] {"policy_id"}, "left")
        .join(levels, new String[] {"business_id"}, "left")
        .join(loss, new String[] {"business_id"}, "left");
    joined = DerivedColumns.of()
        .put("gross_covered", when(col("triggered"), grossCovered).otherwise(0.0))
        .addTo(joined);
    joined = DerivedColumns.of()
        .put("covered_loss", col("gross_covered").multiply(lit(1.0).minus(coalesce(col("recovered_share"), lit(0.0)))))
        .put("covered_half", sqrt(share).multiply(coalesce(col("b_half"), lit(0.0))))
        // What a second more or less of downtime is worth: the business's loss per second down.
        .put("loss_rate", when(col("downtime_seconds").gt(0), coalesce(col("b_gross"), lit(0.0))
            .multiply(lit(1.0).minus(coalesce(col("recovered_share"), lit(0.0)))).divide(col("downtime_seconds")))
            .otherwise(0.0))
        .addTo(joined);
    DerivedColumns payouts = DerivedColumns.of()
        .put("payout", payout(col("covered_loss"), col("covered_seconds"), col("triggered")));
    // Each end twice: with the estimate's noise alone, and with the downtime's timing error alone
    // (the cover a boundary's error adds or takes away, which can also untrigger or trigger a
    // policy). Kept apart because they add up differently over businesses (rollUp).
    for (int sign : new int[] {-1, 1}) {
      String end = sign < 0 ? "_low" : "_high";
      Column downtime = col("downtime_seconds").plus(col("downtime_sd").multiply(sign * StudentT.Z90));
      Column triggered = downtime.gt(col("waiting_seconds"));
      Column seconds = greatest(lit(0.0), downtime.minus(col("waiting_seconds")));
      Column byTiming = when(triggered, col("covered_loss")
          .plus(col("loss_rate").multiply(abs(seconds.minus(col("covered_seconds")))).multiply(sign))).otherwise(0.0);
      Column byNoise = when(col("triggered"), col("covered_loss").plus(col("covered_half").multiply(sign)))
          .otherwise(0.0);
      payouts.put("covered_noise" + end, byNoise)
          .put("covered_timing" + end, byTiming)
          .put("payout_noise" + end, payout(byNoise, col("covered_seconds"), col("triggered")))
          .put("payout_timing" + end, payout(byTiming, seconds, triggered));
    }
    Dataset<Row> perPolicy = payouts.addTo(joined);

    List<Column> perBusinessSums = new ArrayList<>(List.of(
        count(when(col("triggered"), lit(1))).as("policies_triggered"),
        min("waiting_period_hours").as("waiting_period_hours"),
        // The covered loss of its policy with the longest cover; payouts add up.
        max(col("covered_loss")).as("covered_loss"),
        sum("payout").as("insured_loss")));
    for (String part : List.of("noise", "timing")) {
      for (String end : List.of("_low", "_high")) {
        perBusinessSums.add(max(col("covered_" + part + end)).as("covered_" + part + end));
        perBusinessSums.add(sum(col("payout_" + part + end)).as("insured_" + part + end));
      }
    }
    Dataset<Row> perBusiness = perPolicy.groupBy("business_id")
        .agg(count(lit(1)).as("policies"), perBusinessSums.toArray(Column[]::new));

    Column insured = col("policies").gt(0);
    Column retained = col("net_loss").minus(col("insured_loss"));
    Column retainedA = col("net_loss_low").minus(col("insured_noise_low"));
    Column retainedB = col("net_loss_high").minus(col("insured_noise_high"));
    Dataset<Row> businesses = business.select("business_id", "sector", "region", "critical", "affected",
            "downtime_minutes", "net_loss", "net_loss_low", "net_loss_high")
        .join(perBusiness, new String[] {"business_id"}, "left")
        .na().fill(0L, new String[] {"policies", "policies_triggered"})
        .na().fill(0.0, new String[] {"covered_loss", "insured_loss"});
    businesses = DerivedColumns.of()
        .put("insured", insured)
        .put("triggered", col("policies_triggered").gt(0))
        .put("retained_loss", when(insured, retained).otherwise(0.0))
        .put("uninsured_loss", when(insured, 0.0).otherwise(col("net_loss")))
        .addTo(businesses);
    // Distances from each estimate to its ends, per source (noise: the estimate's; timing: the
    // downtime's). A payout that grows with the cover shrinks what the business retains.
    DerivedColumns distanceColumns = DerivedColumns.of();
    distances(distanceColumns, "covered_loss", col("covered_noise_low"), col("covered_noise_high"),
        col("covered_timing_low"), col("covered_timing_high"));
    distances(distanceColumns, "insured_loss", col("insured_noise_low"), col("insured_noise_high"),
        col("insured_timing_low"), col("insured_timing_high"));
    businesses = distanceColumns.addTo(businesses);
    businesses = DerivedColumns.of()
        .put("retained_loss_noise_down", when(insured,
            col("retained_loss").minus(least(retainedA, retainedB, retained))).otherwise(0.0))
        .put("retained_loss_noise_up", when(insured,
            greatest(retainedA, retainedB, retained).minus(col("retained_loss"))).otherwise(0.0))
        .put("retained_loss_timing_down", col("insured_loss_timing_up"))
        .put("retained_loss_timing_up", col("insured_loss_timing_down"))
        .put("uninsured_loss_noise_down", when(insured, 0.0).otherwise(col("net_loss").minus(col("net_loss_low"))))
        .put("uninsured_loss_noise_up", when(insured, 0.0).otherwise(col("net_loss_high").minus(col("net_loss"))))
        .put("uninsured_loss_timing_down", lit(0.0))
        .put("uninsured_loss_timing_up", lit(0.0))
        .addTo(businesses);
    DerivedColumns ends = DerivedColumns.of();
    for (String m : INTERVAL_SUMS) {
      Column low = col(m).minus(sqrt(squared(col(m + "_noise_down")).plus(squared(col(m + "_timing_down")))));
      ends.put(m + "_low", m.equals("insured_loss") ? greatest(lit(0.0), low) : low)
          .put(m + "_high", col(m).plus(sqrt(squared(col(m + "_noise_up")).plus(squared(col(m + "_timing_up"))))));
    }
    return new Tables(ends.put("incident_id", lit(incidentId)).addTo(businesses), null, null);
  }

  /** {@code m}'s distances from its estimate to the ends of each source (0 where a row has no such end). */
  private static void distances(DerivedColumns step, String m, Column noiseLow, Column noiseHigh,
      Column timingLow, Column timingHigh) {
    step.put(m + "_noise_down", greatest(lit(0.0), col(m).minus(coalesce(noiseLow, col(m)))))
        .put(m + "_noise_up", greatest(lit(0.0), coalesce(noiseHigh, col(m)).minus(col(m))))
        .put(m + "_timing_down", greatest(lit(0.0), col(m).minus(coalesce(timingLow, col(m)))))
        .put(m + "_timing_up", greatest(lit(0.0), coalesce(timingHigh, col(m)).minus(col(m))));
  }

  /** The sector roll-up and the totals of (persisted) business rows. */
  static Tables rollUps(Dataset<Row> businesses, String incidentId) {
    Dataset<Row> sectors = rollUp(businesses.groupBy("sector"), incidentId);
    Row totals = rollUp(businesses.groupBy(), incidentId).first();
    return new Tables(Schemas.conform(businesses, Schemas.INSURED_IMPACT),
        Schemas.conform(sectors, Schemas.INSURED_SECTOR_IMPACT), totals);
  }

  /**
   * Each policy's cover: the business's down intervals, sorted by start, swept once (the union's
   * seconds so far and the furthest end so far), keeping what comes after the waiting period.
   */
  static Dataset<Row> covers(Dataset<Row> policies, Dataset<Row> downIntervals) {
    Dataset<Row> swept = DerivedColumns.of()
        .put("swept", Downtime.cover("x.down_start", "x.down_end", "waiting_seconds"))
        .addTo(policies.select(col("policy_id"), col("business_id"), col("kind"), col("waiting_period_hours"),
                col("retention_reporting").cast("double").as("retention"),
                col("limit_reporting").cast("double").as("cap"),
                col("payout_per_hour_reporting").cast("double").as("payout_per_hour"),
                floor(col("waiting_period_hours").multiply(3600)).cast(DataTypes.LongType).as("waiting_seconds"))
            .join(broadcast(downIntervals), new String[] {"business_id"}, "left"));
    swept = DerivedColumns.of().put("downtime_seconds", col("swept.t")).put("cover", col("swept.c")).addTo(swept);
    return DerivedColumns.of()
        .put("triggered", col("downtime_seconds").gt(col("waiting_seconds")))
        .put("covered_seconds", greatest(lit(0L), col("downtime_seconds").minus(col("waiting_seconds"))))
        // The downtime's error: its start's and its end's, each at most the least sure boundary's.
        .put("downtime_sd", lit(Math.sqrt(2)).multiply(
            coalesce(expr("array_max(transform(intervals, x -> x.boundary_sd))"), lit(0.0))))
        .addTo(swept)
        .drop("swept", "intervals");
  }

  /**
   * Per policy with a cover, the succeeded value inside it in the outage week (cov_0) and at the
   * same hours of each baseline week (cov_j), on the streams of impaired services: one pass over
   * the window's transactions and their week-shifted copies, against the small broadcast covers.
   */
  private static Dataset<Row> coveredSums(Dataset<Row> covers, Dataset<Row> transactions,
      Collection<String> impairedServices, Instant windowStart, Instant windowEnd, int weeks) {
    long end = windowEnd.getEpochSecond();
    Column t = unix_seconds(col("occurred_at"));
    Column k = floor(lit(end - 1).minus(t).divide(StreamLosses.WEEK)).cast(DataTypes.IntegerType);
    Dataset<Row> covered = covers.filter(col("triggered")).select("policy_id", "business_id", "cover");
    // The earliest cover start (small table): the transactions outside every week's copy of
    // [that, window end) are skipped unread (StreamLosses.inWeekCopies).
    Row first = covered.agg(min(expr("array_min(transform(cover, c -> c.s))"))).first();
    long from = first.isNullAt(0) ? windowStart.getEpochSecond()
        : Math.min(windowStart.getEpochSecond(), first.getLong(0));
    Dataset<Row> tx = transactions
        .filter(StreamLosses.inWeekCopies(from, end, 0, weeks))
        .filter(col("status").equalTo("succeeded").and(col("service").isin(impairedServices.toArray())))
        .select(col("business_id"), col(Schemas.AMOUNT_REPORTING).cast("double").as("value"), k.as("k"),
            t.plus(k.multiply(StreamLosses.WEEK)).as("shifted"))
        .filter(col("k").between(0, weeks))
        .join(broadcast(covered), "business_id")
        .filter(expr("exists(cover, c -> shifted >= c.s and shifted < c.e)"));
    List<Column> sums = new ArrayList<>();
    for (int j = 0; j <= weeks; j++) {
      sums.add(sum(when(col("k").equalTo(j), col("value")).otherwise(0.0)).as("cov_" + j));
    }
    return tx.groupBy("policy_id").agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new));
  }

  /**
   * What a policy pays for a covered loss and seconds of cover: the amount (the loss, or for a
   * parametric policy its rate per hour of cover) past the retention, up to the limit; nothing when
   * it did not trigger.
   */
  private static Column payout(Column coveredLoss, Column coveredSeconds, Column triggered) {
    Column amount = when(col("kind").equalTo("parametric"),
        col("payout_per_hour").multiply(coveredSeconds).divide(3600.0)).otherwise(coveredLoss);
    Column past = when(triggered, greatest(lit(0.0), amount.minus(coalesce(col("retention"), lit(0.0)))))
        .otherwise(0.0);
    return when(col("cap").isNull(), past).otherwise(least(past, col("cap")));
  }

  /**
   * Sums of business rows. Each end is the sum less (plus) the root of the noise distances' squares
   * summed (independent businesses) plus the timing distances' sum squared: one service's boundary
   * moves the cover of every business relying on it, and most services recover with the root, so
   * the timing errors are taken as moving together (an upper bound on their spread).
   */
  private static Dataset<Row> rollUp(org.apache.spark.sql.RelationalGroupedDataset groups, String incidentId) {
    List<Column> aggs = new ArrayList<>(List.of(
        count(lit(1)).as("businesses"),
        count(when(col("insured"), lit(1))).as("insured_businesses"),
        count(when(col("triggered"), lit(1))).as("triggered_businesses"),
        sum("policies").as("policies"), sum("policies_triggered").as("policies_triggered")));
    // The net loss for the share; its interval is sector_impact's (Welch), not summed again here.
    aggs.add(sum("net_loss").as("net_loss"));
    for (String m : INTERVAL_SUMS) {
      aggs.add(sum(m).as(m));
      for (String side : List.of("down", "up")) {
        aggs.add(sqrt(sum(squared(col(m + "_noise_" + side))).plus(squared(sum(col(m + "_timing_" + side)))))
            .as(m + "_" + side));
      }
    }
    DerivedColumns ends = DerivedColumns.of();
    for (String m : INTERVAL_SUMS) {
      Column low = col(m).minus(col(m + "_down"));
      ends.put(m + "_low", m.equals("insured_loss") ? greatest(lit(0.0), low) : low)
          .put(m + "_high", col(m).plus(col(m + "_up")));
    }
    return ends.put("insured_share", when(col("net_loss").notEqual(0), col("insured_loss").divide(col("net_loss"))))
        .put("incident_id", lit(incidentId))
        .addTo(groups.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)));
  }

  private static Column squared(Column c) {
    return c.multiply(c);
  }
}

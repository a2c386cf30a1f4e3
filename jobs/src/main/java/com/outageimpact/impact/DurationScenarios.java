package com.outageimpact.impact;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_seconds;
import static org.apache.spark.sql.functions.when;

import com.outageimpact.common.DerivedColumns;
import com.outageimpact.common.PlanLeaves;
import com.outageimpact.schema.Schemas;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * duration_scenarios: the net loss had the outage lasted other lengths, per sector and in total.
 *
 * <p>The model: an outage that lasts D hours instead of the observed ones keeps every impaired
 * service's impact start and moves its recovery by D - observed (the failure spreads and recovers
 * through the same chain; only the root's repair is shorter or longer). Per sector and impaired
 * service, E(d) is the counterfactual value of the sector's hit streams of that service inside the
 * service's span so moved: each business's level times the mean of the same quarter-hours in the
 * baseline weeks. The sector's net loss at D is its measured net loss times the mean of the
 * services' E(D) / E(observed), each weighted by the service's share of the sector's measured
 * gross loss: a degraded service carries much value but loses little of it, and its hours must not
 * set the growth of a loss that the down services make; a negative measured net loss is not grown
 * past the observed duration ({@link #atDuration}). So the measured loss per unit of value (the
 * share lost while impaired, less the share that came back after recovery) is held constant,
 * the hours a longer outage would add are weighted by what they usually carry (a night hour
 * little, a weekday noon much), and the lags before and after the root's own outage stay as
 * measured rather than growing with it. One outage cannot show how the recovered share falls as
 * an outage lengthens, so the model keeps it; durations beyond twice the observed one, where that
 * and any change in the loss share matter most, are flagged {@code extrapolated}.
 *
 * <p>The interval is the measured net loss's interval scaled by the same ratio, combined with the
 * noise of the hours the scenario adds or removes ({@link #unobservedHalfWidths}): it carries the
 * estimate's noise and the day's, not the model's error (which the evaluation measures instead).
 * With policies, {@code insured_loss} is what they would pay at each duration ({@link #insuredLoss}); its interval
 * combines the payouts at the two ends of the sector's net loss interval with those at the two ends
 * of the downtime's timing error ({@link BoundaryTiming}), as {@code insured_impact}'s does.
 */
final class DurationScenarios {

  /** The quarter-hours E(d) is summed over: fine enough for half-hour waiting periods and lags. */
  static final long BUCKET_SECONDS = 900;
  /** A duration beyond this multiple of the observed one is flagged extrapolated. */
  static final double EXTRAPOLATION_FACTOR = 2.0;
  /** The total's row, as outage_windows names its across-regions row. */
  static final String TOTAL = "ALL";
  /** Insured payouts are worked out at five points: the estimate, the net loss interval's two ends, the timing error's two. */
  private static final int ENDS = 5;

  private DurationScenarios() {}

  /**
   * @param hitStreams business_id, service, level: the streams the incident hit
   * @param businesses business_id, sector
   * @param sectors sector_impact rows (sector, net_loss, net_loss_low, net_loss_high)
   * @param origin the detected start: value accrues from there (the pad before it loses almost nothing,
   *     and counting it would pull every ratio towards 1)
   * @param observedHours the detected duration
   * @param unexplained impaired services the cascade does not tie to the root while it explains
   *     others: they failed and recovered on their own, so their span is the same at every duration
   * @param covers the policies with their cover as observed ({@link InsuredImpact#covers}); null: no policies
   * @param downIntervals business_id, intervals: each business's down intervals (down_start and
   *     down_end, epoch seconds; moves: false for a service in {@code unexplained})
   */
  static Dataset<Row> compute(SparkSession spark, Dataset<Row> hitStreams, Dataset<Row> businesses,
      Dataset<Row> sectors, Dataset<Row> transactions, Map<String, Instant[]> impairedSpans,
      Set<String> unexplained, Instant origin, double observedHours, double[] durations, int weeks,
      Dataset<Row> covers, Dataset<Row> downIntervals, String incidentId) {
    Collection<String> impairedServices = impairedSpans.keySet();
    double longest = observedHours;
    for (double d : durations) {
      longest = Math.max(longest, d);
    }
    // Value accrues from the earliest impact start (the detected start when none is earlier).
    long from = origin.getEpochSecond();
    for (Instant[] span : impairedSpans.values()) {
      from = Math.min(from, span[0].getEpochSecond());
    }
    // A span ends at most at the incident's end, so shifted by (longest - observed) it ends by origin + longest.
    long end = origin.getEpochSecond() + (long) Math.ceil(longest * 3600 / BUCKET_SECONDS) * BUCKET_SECONDS;
    if (end - from >= StreamLosses.WEEK) {
      throw new IllegalArgumentException("--duration-hours: scenarios reach at most a week (168 hours)");
    }
    // Each baseline transaction falls in at most one week-shifted copy of [from, end) (shorter than a week).
    Column t = unix_seconds(col("occurred_at"));
    Column k = floor(lit(end - 1).minus(t).divide(StreamLosses.WEEK)).cast("int");
    // One row per business, service and quarter-hour, each baseline week's value in a column of its
    // own: their mean is E, and their spread between weeks is how much the hours a scenario adds or
    // removes could carry on the day (below). A row per week instead, summed over the weeks by a
    // second aggregation, stored two tables of nearly a row per transaction (docs/benchmarks.md).
    // The transactions are summed first and the sums joined to their stream's level, sector and
    // span, which are the same for every transaction of the stream: a lookup per row of the sums,
    // not per transaction.
    List<Column> weekSums = new ArrayList<>();
    List<Column> out = new ArrayList<>(List.of(col("business_id"), col("sector"), col("service"), col("span_start"),
        col("span_end"), col("moves"), col("q")));
    Column weekTotal = lit(0.0);
    for (int j = 1; j <= weeks; j++) {
      weekSums.add(sum(when(col("k").equalTo(j), col("value")).otherwise(0.0)).as(weekValue(j)));
      out.add(col(weekValue(j)).multiply(col("level")).as(weekValue(j)));
      weekTotal = weekTotal.plus(col(weekValue(j)));
    }
    out.add(weekTotal.multiply(col("level")).divide(weeks).as("expected"));
    Dataset<Row> perBusinessBucket = transactions
        .filter(StreamLosses.inWeekCopies(from, end, 1, weeks))
        .filter(col("status").equalTo("succeeded").and(col("service").isin(impairedServices.toArray())))
        .select(col("business_id"), col("service"), col(Schemas.AMOUNT_REPORTING).cast("double").as("value"),
            k.as("k"), t.plus(k.multiply(StreamLosses.WEEK)).as("shifted"))
        .filter(col("k").between(1, weeks).and(col("shifted").geq(from)))
        .groupBy(col("business_id"), col("service"), floor(col("shifted").minus(from).divide(BUCKET_SECONDS)).as("q"))
        .agg(weekSums.get(0), weekSums.subList(1, weekSums.size()).toArray(Column[]::new))
        .join(broadcast(hitStreams.select("business_id", "service", "level")), new String[] {"business_id", "service"})
        .join(broadcast(businesses.select("business_id", "sector")), "business_id")
        .join(broadcast(spans(spark, impairedSpans, unexplained, from)), "service")
        .select(out.toArray(Column[]::new));
    // Read for the sectors, the weeks' spread and the policies.
    perBusinessBucket = PlanLeaves.checkpoint(perBusinessBucket);
    Dataset<Row> perServiceBucket = perBusinessBucket
        .groupBy("sector", "service", "span_start", "span_end", "moves", "q")
        .agg(sum("expected").as("expected"));

    // E(d) per sector and service for the observed duration and each scenario: a quarter-hour of a
    // stream counts in proportion to the part of it inside its service's impaired span, that span's
    // end moved by d - observed.
    List<Column> sums = new ArrayList<>();
    sums.add(sum(col("expected").multiply(inside(0))).as("e_observed"));
    for (int i = 0; i < durations.length; i++) {
      sums.add(sum(col("expected").multiply(inside(durations[i] - observedHours))).as("e_" + i));
    }
    // The measured gross loss of each sector's hit streams per service: how much of the sector's
    // loss each service's value carries (a down service loses all of it, a degraded one a part).
    Map<String, Double> grossByService = new HashMap<>();
    for (Row r : hitStreams.join(broadcast(businesses.select("business_id", "sector")), "business_id")
        .groupBy("sector", "service").agg(sum("gross_loss")).collectAsList()) {
      grossByService.put(r.getString(0) + "\u0000" + r.getString(1), r.isNullAt(2) ? 0.0 : r.getDouble(2));
    }
    // Small: one row per sector and impaired service.
    Map<String, Accrual> accrual = new HashMap<>();
    for (Row r : perServiceBucket.groupBy("sector", "service")
        .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new)).collectAsList()) {
      double[] e = new double[durations.length];
      for (int i = 0; i < durations.length; i++) {
        e[i] = r.getDouble(3 + i);
      }
      double weight = Math.max(0, grossByService.getOrDefault(r.getString(0) + "\u0000" + r.getString(1), 0.0));
      accrual.computeIfAbsent(r.getString(0), x -> new Accrual())
          .add(r.getString(1), r.getDouble(2), e, weight);
    }

    // Per sector and service, the sector's net loss (and its interval's ends) per unit of
    // counterfactual value over the observed spans, the net loss shared among the services as
    // their gross loss is: what a policy's covered value would lose.
    Map<String, double[]> netPerValue = new HashMap<>();
    for (Row s : sectors.select("sector", "net_loss", "net_loss_low", "net_loss_high").collectAsList()) {
      Accrual a = accrual.get(s.getString(0));
      if (a == null) {
        continue;
      }
      for (Map.Entry<String, Double> share : a.lossShares().entrySet()) {
        double observed = a.observed.get(share.getKey());
        double[] perValue = new double[3];
        for (int j = 0; j < 3; j++) {
          perValue[j] = observed > 0 ? s.getDouble(1 + j) * share.getValue() / observed : 0.0;
        }
        netPerValue.put(s.getString(0) + "\u0000" + share.getKey(), perValue);
      }
    }
    Map<String, double[][]> insured = covers == null ? null
        : insuredLoss(spark, perBusinessBucket, covers, downIntervals, netPerValue, from, observedHours, durations);
    Map<String, double[]> unobserved =
        unobservedHalfWidths(perBusinessBucket, netPerValue, observedHours, durations, weeks);
    PlanLeaves.release(perBusinessBucket);

    List<Row> rows = new ArrayList<>();
    double[] insuredTotal = new double[durations.length];
    // Per duration, the sectors' payout distances to each end: noise (in squares) and timing (in full).
    double[][] insuredSpread = new double[durations.length][2];
    double[][] insuredTiming = new double[durations.length][2];
    double[][] total = new double[durations.length][3];
    double[][] totalSpread = new double[durations.length][2];
    for (Row s : sectors.select("sector", "net_loss", "net_loss_low", "net_loss_high").collectAsList()) {
      String sector = s.getString(0);
      Accrual a = accrual.get(sector);
      double[] unobservedHalf = unobserved.getOrDefault(sector, new double[durations.length]);
      for (int i = 0; i < durations.length; i++) {
        double ratio = a == null ? 0 : a.ratio(i); // no value in the spans: no loss at any duration
        // The measured loss's interval, carried (atDuration increases with the measured loss, so its
        // ends map to the scenario's), and the noise of the hours added or removed, in squares.
        double net = atDuration(s.getDouble(1), ratio);
        double scaledLow = atDuration(s.getDouble(2), ratio);
        double scaledHigh = atDuration(s.getDouble(3), ratio);
        double low = net - Math.hypot(net - scaledLow, unobservedHalf[i]);
        double high = net + Math.hypot(scaledHigh - net, unobservedHalf[i]);
        double[][] payouts = insured == null ? null : insured.getOrDefault(sector, new double[ENDS][durations.length]);
        Double[] paid = new Double[3];
        if (payouts != null) {
          double[] d = distances(payouts, i);
          paid = new Double[] {payouts[0][i], Math.max(0, payouts[0][i] - Math.hypot(d[0], d[2])),
              payouts[0][i] + Math.hypot(d[1], d[3])};
          insuredTotal[i] += payouts[0][i];
          insuredSpread[i][0] += d[0] * d[0];
          insuredSpread[i][1] += d[1] * d[1];
          insuredTiming[i][0] += d[2];
          insuredTiming[i][1] += d[3];
        }
        rows.add(row(incidentId, sector, durations[i], net, low, high, paid, observedHours));
        total[i][0] += net;
        totalSpread[i][0] += (net - low) * (net - low);
        totalSpread[i][1] += (high - net) * (high - net);
      }
    }
    for (int i = 0; i < durations.length; i++) {
      double net = total[i][0];
      // Sectors' estimates are independent: their distances to each end add in squares.
      // Sectors' payouts rest on their own net losses: those distances add in squares too; the
      // downtime's timing error is one for the incident: its distances add in full.
      Double[] paid = insured == null ? new Double[3] : new Double[] {insuredTotal[i],
          Math.max(0, insuredTotal[i] - Math.hypot(Math.sqrt(insuredSpread[i][0]), insuredTiming[i][0])),
          insuredTotal[i] + Math.hypot(Math.sqrt(insuredSpread[i][1]), insuredTiming[i][1])};
      rows.add(row(incidentId, TOTAL, durations[i], net, net - Math.sqrt(totalSpread[i][0]),
          net + Math.sqrt(totalSpread[i][1]), paid, observedHours));
    }
    return spark.createDataFrame(rows, Schemas.DURATION_SCENARIOS);
  }

  /**
   * A sector's net loss in a scenario whose spans carry {@code ratio} times the value of the observed
   * ones, from its measured net loss. A shorter outage keeps its share of what was measured, whatever
   * its sign: the measured loss is made of those hours. A longer one adds hours nobody saw, at the
   * measured loss per unit of value where that is positive and at none where it is not: a net loss
   * measured below zero (more came back than was lost: noise around a loss that cannot be negative,
   * its interval spanning zero) is not grown. Scaled like the others, it grew more negative, and a
   * longer outage came out cheaper (seed 310 of the evaluation: 3,661 at the observed duration, 1,439
   * at double). So from the observed duration on, no sector's scenario falls as the duration grows.
   * Increasing in {@code measured} at any ratio, so an interval's ends map to the scenario's.
   */
  static double atDuration(double measured, double ratio) {
    return measured + (ratio - 1) * hoursRate(measured, ratio > 1);
  }

  /**
   * What the hours a scenario adds or removes carry, per unit of what the measured ones carried:
   * removed hours their share of the measured loss, whatever its sign; added ones none below zero.
   */
  private static double hoursRate(double measured, boolean added) {
    return added ? Math.max(0, measured) : measured;
  }

  /** One sector's E per impaired service, at the observed duration and each scenario, and its measured gross loss. */
  private static final class Accrual {
    final Map<String, Double> observed = new HashMap<>();
    final Map<String, double[]> scenarios = new HashMap<>();
    final Map<String, Double> gross = new HashMap<>();

    void add(String service, double eObserved, double[] e, double grossLoss) {
      observed.put(service, eObserved);
      scenarios.put(service, e);
      gross.put(service, grossLoss);
    }

    /**
     * Each service's share of the sector's loss: its measured gross loss over the sector's, among
     * the services with value in the observed spans; by value when none lost anything.
     */
    Map<String, Double> lossShares() {
      Map<String, Double> shares = new HashMap<>();
      double grossTotal = 0;
      double valueTotal = 0;
      for (String service : observed.keySet()) {
        if (observed.get(service) > 0) {
          grossTotal += gross.get(service);
          valueTotal += observed.get(service);
        }
      }
      for (String service : observed.keySet()) {
        if (observed.get(service) > 0) {
          shares.put(service, grossTotal > 0 ? gross.get(service) / grossTotal : observed.get(service) / valueTotal);
        }
      }
      return shares;
    }

    /** Scenario i's net loss over the observed one's: each service's E ratio, weighted by its share of the loss. */
    double ratio(int i) {
      double ratio = 0;
      for (Map.Entry<String, Double> share : lossShares().entrySet()) {
        ratio += share.getValue() * scenarios.get(share.getKey())[i] / observed.get(share.getKey());
      }
      return ratio;
    }
  }

  /**
   * The share of quarter-hour q inside its stream's impaired span [span_start, span_end + shift),
   * seconds from the origin, the shift only for a span that moves with the root's repair
   * ({@code moves} 1, else 0); the span never ends before it starts.
   */
  private static Column inside(double shiftHours) {
    Column qStart = col("q").multiply(BUCKET_SECONDS);
    Column spanEnd = greatest(col("span_start"), col("span_end").plus(col("moves").multiply(shiftHours * 3600)));
    return greatest(lit(0.0), least(qStart.plus(BUCKET_SECONDS), spanEnd).minus(greatest(qStart, col("span_start"))))
        .divide((double) BUCKET_SECONDS);
  }

  /**
   * service, span_start, span_end, moves: each impaired service's impact span, seconds from
   * {@code from}, and whether its end moves with the root's repair (1) or stays (0: unexplained).
   */
  private static Dataset<Row> spans(SparkSession spark, Map<String, Instant[]> impairedSpans, Set<String> unexplained,
      long from) {
    List<Row> rows = new ArrayList<>();
    impairedSpans.forEach((service, span) -> rows.add(RowFactory.create(service,
        (double) (span[0].getEpochSecond() - from), (double) (span[1].getEpochSecond() - from),
        unexplained.contains(service) ? 0.0 : 1.0)));
    return spark.createDataFrame(rows, new org.apache.spark.sql.types.StructType().add("service", "string")
        .add("span_start", "double").add("span_end", "double").add("moves", "double"));
  }

  /**
   * Per sector and scenario, the 90% half-width of what the hours the scenario adds or removes could
   * carry on the day, beyond what they carry on average. The model grows the measured loss by the
   * mean of those hours over the baseline weeks; on the day itself they carry one week's worth,
   * with heavy tickets and all. Each baseline week gives one such value (each service's added or
   * removed value that week, times the sector's loss per unit of it), so their spread is that
   * noise: the variance of one new week, plus the mean's own (1 + 1/weeks), with a Student t of
   * weeks - 1 degrees of freedom. Zero at the observed duration, and with fewer than two weeks.
   */
  private static Map<String, double[]> unobservedHalfWidths(Dataset<Row> perBusinessBucket,
      Map<String, double[]> netPerValue, double observedHours, double[] durations, int weeks) {
    Map<String, double[]> out = new HashMap<>();
    if (weeks < 2) {
      return out;
    }
    List<Column> sums = new ArrayList<>();
    for (int i = 0; i < durations.length; i++) {
      Column added = inside(durations[i] - observedHours).minus(inside(0));
      for (int j = 1; j <= weeks; j++) {
        sums.add(sum(col(weekValue(j)).multiply(added)).as("d_" + i + "_" + j));
      }
    }
    // value[sector][i][j - 1]: the sector's net loss the scenario's hours would add in baseline week j.
    Map<String, double[][]> byWeek = new HashMap<>();
    // Small: one row per sector and impaired service.
    for (Row r : perBusinessBucket.groupBy("sector", "service")
        .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new)).collectAsList()) {
      double[] perValue = netPerValue.get(r.getString(0) + "\u0000" + r.getString(1));
      if (perValue == null) {
        continue; // a service without value in the observed spans carries none of the loss
      }
      double[][] values = byWeek.computeIfAbsent(r.getString(0), x -> new double[durations.length][weeks]);
      for (int i = 0; i < durations.length; i++) {
        for (int j = 1; j <= weeks; j++) {
          values[i][j - 1] += hoursRate(perValue[0], durations[i] > observedHours) * r.getDouble(2 + i * weeks + j - 1);
        }
      }
    }
    double t = StudentT.t90(weeks - 1);
    byWeek.forEach((sector, values) -> {
      double[] half = new double[durations.length];
      for (int i = 0; i < durations.length; i++) {
        half[i] = t * Math.sqrt(variance(values[i]) * (1 + 1.0 / weeks));
      }
      out.put(sector, half);
    });
    return out;
  }

  /** The column of baseline week j's value (level times the succeeded value) in a business's quarter-hour. */
  private static String weekValue(int j) {
    return "value_" + j;
  }

  /** The sample variance (n - 1). */
  private static double variance(double[] values) {
    double mean = 0;
    for (double v : values) {
      mean += v;
    }
    mean /= values.length;
    double squares = 0;
    for (double v : values) {
      squares += (v - mean) * (v - mean);
    }
    return squares / (values.length - 1);
  }

  private static Row row(String incidentId, String sector, double hours, double net, double low, double high,
      Double[] insuredLoss, double observedHours) {
    return RowFactory.create(incidentId, sector, hours, net, Math.min(low, high), Math.max(low, high), insuredLoss[0],
        insuredLoss[1], insuredLoss[2], observedHours, hours > EXTRAPOLATION_FACTOR * observedHours);
  }

  /**
   * A sector's payout distances from the estimate at duration {@code i}: down and up for the net
   * loss's interval (the smallest and largest of the payouts at its two ends), then down and up for
   * the downtime's timing error.
   */
  private static double[] distances(double[][] payouts, int i) {
    double estimate = payouts[0][i];
    return new double[] {
        Math.max(0, estimate - Math.min(payouts[1][i], payouts[2][i])),
        Math.max(0, Math.max(payouts[1][i], payouts[2][i]) - estimate),
        Math.max(0, estimate - payouts[3][i]),
        Math.max(0, payouts[4][i] - estimate)};
  }

  /**
   * Per sector and scenario, what the policies would pay. A business's down intervals move with the
   * incident ({@link #movedEnd}: the services that recover with the root end that much earlier or
   * later, the others stay), and its cover is their union past the waiting period ({@link
   * Downtime#cover}, as in insured_impact: gaps between the intervals stay gaps). The loss a policy
   * sees is the counterfactual value inside the cover times the sector's net loss per unit of
   * counterfactual value over the observed hours; a parametric policy pays its rate for each hour of
   * cover; retention and limit as in insured_impact.
   */
  private static Map<String, double[][]> insuredLoss(SparkSession spark, Dataset<Row> perBusinessBucket,
      Dataset<Row> covers, Dataset<Row> downIntervals, Map<String, double[]> netPerValue, long from,
      double observedHours, double[] durations) {
    List<Row> kappa = new ArrayList<>();
    netPerValue.forEach((key, k) -> {
      String[] parts = key.split("\u0000", 2);
      kappa.add(RowFactory.create(parts[0], parts[1], k[0], k[1], k[2]));
    });
    Dataset<Row> perValue = spark.createDataFrame(kappa, new org.apache.spark.sql.types.StructType()
        .add("sector", "string").add("service", "string").add("per_value_0", "double").add("per_value_1", "double")
        .add("per_value_2", "double"));
    // Per policy and scenario, the cover at the estimate (k = 0) and with the downtime's timing error
    // (InsuredImpact) either way: a start found that much later (k = 1, less downtime) or earlier
    // (k = 2, more) ends the waiting period that much later or earlier.
    String timing = "cast(round(downtime_sd * " + StudentT.Z90 + ") as bigint)";
    String[] waiting = {"waiting_seconds", "waiting_seconds + " + timing, "greatest(0L, waiting_seconds - " + timing + ")"};
    DerivedColumns coverAt = DerivedColumns.of();
    DerivedColumns coverLength = DerivedColumns.of();
    DerivedColumns interval = DerivedColumns.of();
    List<Column> parts = new ArrayList<>(List.of(lit(1)));
    List<String> coverColumns = new ArrayList<>(List.of("policy_id", "business_id"));
    List<String> coverArrays = new ArrayList<>();
    for (int i = 0; i < durations.length; i++) {
      for (int k = 0; k < waiting.length; k++) {
        String cover = "cover_" + k + "_" + i;
        coverArrays.add(cover);
        coverAt.put(cover, Downtime.cover("x.down_start", movedEnd(durations[i], observedHours), waiting[k]));
        // The cover's length: the downtime past the waiting period (the sweep's union seconds, t).
        coverLength.put("covered_" + k + "_" + i, greatest(lit(0L), col(cover).getField("t").minus(expr(waiting[k])))
            .cast("double"));
        coverLength.put(cover, col(cover).getField("c"));
        parts.add(functions.size(col(cover)));
        // Past the cover's last interval, an empty one at 0 (it overlaps no bucket).
        interval.put("s_" + k + "_" + i, coalesce(functions.get(col(cover), col("part")).getField("s"), lit(0L)));
        interval.put("e_" + k + "_" + i, coalesce(functions.get(col(cover), col("part")).getField("e"), lit(0L)));
        coverColumns.addAll(List.of("s_" + k + "_" + i, "e_" + k + "_" + i));
      }
    }
    // Small: the policies of businesses that were down, with their intervals (a few each). Read for
    // the covers' intervals and for the payouts: their sweeps computed once, spread over the cores
    // (the policies come in one partition, and the 21 sweeps per policy, seven durations by three
    // ends of the waiting period, took 3.2 s on one core for 28,000 policies).
    Dataset<Row> policies = PlanLeaves.checkpoint(coverLength.addTo(coverAt.addTo(covers
        .filter(col("downtime_seconds").gt(0))
        .select("policy_id", "business_id", "kind", "waiting_seconds", "retention", "cap", "payout_per_hour",
            "downtime_sd")
        .join(broadcast(downIntervals), "business_id")
        .repartition(spark.sparkContext().defaultParallelism())))
        .drop("intervals"));
    // One row per policy and part: part p holds each cover's p-th interval (none past its last).
    // Nearly every cover is one interval, so nearly every policy is one row; a cover with a gap adds
    // a row, and its parts' sums add up below. The sums over the buckets then need only plain
    // columns, the stage's generated code stays small enough to be compiled (a higher-order
    // function over the arrays there, or a CASE per sum, took it out of generated code:
    // impact.durations 11 to 14 s against 7.9 s at 10 million transactions).
    Dataset<Row> intervals = interval.addTo(policies
        .withColumn("part", explode(sequence(lit(0), greatest(parts.toArray(Column[]::new)).minus(1)))));
    Dataset<Row> joined = perBusinessBucket
        .join(broadcast(intervals.select(coverColumns.stream().map(functions::col).toArray(Column[]::new))),
            "business_id")
        .join(broadcast(perValue), new String[] {"sector", "service"});
    Column qStart = lit(from).plus(col("q").multiply(BUCKET_SECONDS));
    List<Column> sums = new ArrayList<>();
    for (int i = 0; i < durations.length; i++) {
      // The loss inside the cover at the net loss and at its interval's two ends (j = 0, 1, 2), and
      // at the estimate with the downtime's timing error either way (j = 3, 4).
      for (int j = 0; j < ENDS; j++) {
        String end = "_" + timingEnd(j) + "_" + i;
        Column overlap = greatest(lit(0L), least(qStart.plus(BUCKET_SECONDS), col("e" + end))
            .minus(greatest(qStart, col("s" + end)))).divide((double) BUCKET_SECONDS);
        sums.add(sum(col("expected").multiply(least(lit(1.0), overlap)).multiply(col("per_value_" + (j < 3 ? j : 0))))
            .as("v_" + j + "_" + i));
      }
    }
    Dataset<Row> perPolicy = joined.groupBy("policy_id", "sector")
        .agg(sums.get(0), sums.subList(1, sums.size()).toArray(Column[]::new))
        .join(broadcast(policies.drop(coverArrays.toArray(String[]::new))), "policy_id");
    // At the estimate and at each end of the sector's net loss interval (a payout never falls as
    // the loss grows, and one sector's policies all rest on the same net loss: their ends add up),
    // and at each end of the downtime's timing error.
    List<Column> payouts = new ArrayList<>();
    for (int j = 0; j < ENDS; j++) {
      for (int i = 0; i < durations.length; i++) {
        Column coveredSeconds = col("covered_" + timingEnd(j) + "_" + i);
        Column amount = when(col("kind").equalTo("parametric"),
            col("payout_per_hour").multiply(coveredSeconds).divide(3600.0))
            .otherwise(col("v_" + j + "_" + i));
        Column past = when(coveredSeconds.gt(0), greatest(lit(0.0), amount.minus(coalesce(col("retention"), lit(0.0)))))
            .otherwise(0.0);
        payouts.add(sum(when(col("cap").isNull(), past).otherwise(least(past, col("cap")))).as("p_" + j + "_" + i));
      }
    }
    Map<String, double[][]> out = new HashMap<>();
    // Small: one row per sector.
    for (Row r : perPolicy.groupBy("sector").agg(payouts.get(0), payouts.subList(1, payouts.size())
        .toArray(Column[]::new)).collectAsList()) {
      double[][] values = new double[ENDS][durations.length];
      for (int j = 0; j < ENDS; j++) {
        for (int i = 0; i < durations.length; i++) {
          values[j][i] = r.getDouble(1 + j * durations.length + i);
        }
      }
      out.put(r.getString(0), values);
    }
    PlanLeaves.release(policies);
    return out;
  }

  /**
   * A down interval's end (SQL over the element {@code x}) had the incident lasted {@code hours}:
   * an interval that moves with the root's repair ends that much earlier or later (one cut to
   * nothing adds nothing), the others (services that came back on their own) as observed.
   */
  static String movedEnd(double hours, double observedHours) {
    long shift = Math.round((hours - observedHours) * 3600);
    return "case when x.moves then greatest(x.down_start, x.down_end + (" + shift + "L)) else x.down_end end";
  }

  /** Which cover end {@code j} is measured on: the estimate's (0) for the net loss's ends, else the timing's. */
  private static int timingEnd(int j) {
    return j < 3 ? 0 : j - 2;
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

package com.outageimpact.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * truth/policies/: what each generated policy pays. A policy's cover is its business's downtime
 * (the union of the down windows of the services it relies on, where the outage reached its
 * region) after the first waiting_period_hours of it. The loss it sees is the value lost inside
 * the cover less what came back of those very transactions; an indemnity policy pays that loss,
 * a parametric one payout_per_hour for each hour of cover; either pays what exceeds the retention,
 * up to the limit. Money in USD, converted as ingestion converts it.
 */
final class PolicyTruth {

  static final StructType POLICY_TRUTH = new StructType()
      .add("policy_id", DataTypes.StringType, false)
      .add("business_id", DataTypes.StringType, false)
      .add("sector", DataTypes.StringType, false)
      .add("kind", DataTypes.StringType, false)
      .add("waiting_period_hours", DataTypes.DoubleType, false)
      .add("downtime_minutes", DataTypes.DoubleType, false)
      .add("triggered", DataTypes.BooleanType, false)
      .add("covered_minutes", DataTypes.DoubleType, false)
      .add("covered_loss", TruthWriter.TRUTH_MONEY, false)
      .add("retention", TruthWriter.TRUTH_MONEY, false)
      .add("limit", TruthWriter.TRUTH_MONEY, true)
      .add("payout_per_hour", TruthWriter.TRUTH_MONEY, true)
      .add("payout", TruthWriter.TRUTH_MONEY, false)
      .add("covered_sd", DataTypes.DoubleType, false);

  private PolicyTruth() {}

  static void write(SparkSession spark, Scenario scenario, TableWriter writer, List<PolicyGenerator.Policy> policies,
      Broadcast<SharedWorld> world, int txnPartitions) {
    World w = scenario.world();
    long[][] cover = new long[w.businesses.length][];
    Map<Integer, Intervals> down = new HashMap<>();
    for (PolicyGenerator.Policy p : policies) {
      Intervals d = downtime(scenario, p.business());
      down.put(p.business().index(), d);
      cover[p.business().index()] = d.afterFirst(Math.round(p.waitingHours() * 3600)).toArray();
    }
    Broadcast<long[][]> coverBroadcast = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(cover);
    Map<Integer, BigDecimal> lost = new HashMap<>();
    try {
      for (Row r : TransactionGenerator.coverPartials(spark, world, coverBroadcast, txnPartitions)
          .groupBy("business_idx").agg(sum(col("covered_lost").minus(col("covered_rebound"))).as("loss"))
          .collectAsList()) {
        lost.put(r.getInt(0), r.getDecimal(1));
      }
    } finally {
      coverBroadcast.destroy();
    }
    List<Row> rows = new ArrayList<>();
    for (PolicyGenerator.Policy p : policies) {
      int b = p.business().index();
      long downSeconds = down.get(b).measure();
      long waiting = Math.round(p.waitingHours() * 3600);
      long covered = Math.max(0, downSeconds - waiting);
      BigDecimal loss = lost.getOrDefault(b, BigDecimal.ZERO).setScale(6, RoundingMode.UNNECESSARY);
      BigDecimal retention = p.usd(p.retention());
      BigDecimal limit = p.usd(p.limit());
      BigDecimal perHour = p.usd(p.payoutPerHour());
      BigDecimal amount = p.parametric()
          ? perHour.multiply(BigDecimal.valueOf(covered)).divide(BigDecimal.valueOf(3600), 6, RoundingMode.HALF_UP)
          : loss;
      BigDecimal payout = amount.subtract(retention).max(BigDecimal.ZERO);
      if (limit != null) {
        payout = payout.min(limit);
      }
      rows.add(RowFactory.create(p.id(), p.business().id(), p.business().sectorName(), p.kind(), p.waitingHours(),
          downSeconds / 60.0, downSeconds > waiting, covered / 60.0, loss, retention, limit, perHour,
          payout.setScale(6, RoundingMode.HALF_UP), Math.sqrt(coveredVariance(w, p.business(), cover[b]))));
    }
    writer.writeTruthTable(TruthWriter.DIR + "/policies", spark.createDataFrame(rows, POLICY_TRUTH));
  }

  /**
   * Variance of the counterfactual value inside the cover that the generation's own randomness
   * implies (the noise no estimate could know), as {@link TruthWriter#counterfactualVariance} does
   * for the whole impaired span: per stream-hour of an impaired service, with the fraction f of the
   * hour inside the cover, f L m2 + (f L mu)^2 CV^2.
   */
  static double coveredVariance(World w, Business b, long[] cover) {
    double cv2 = TransactionGenerator.NOISE_CV * TransactionGenerator.NOISE_CV;
    double mu = b.meanTicketUsd() * (1 - 2 * TransactionGenerator.REFUND_PROBABILITY
        - TransactionGenerator.DECLINE_PROBABILITY);
    double m2 = b.secondMomentTicketUsd() * (1 - TransactionGenerator.DECLINE_PROBABILITY);
    double variance = 0;
    for (int i = 0; i < cover.length; i += 2) {
      long hour = Math.floorDiv(cover[i] - w.time.dataStart(), 3600L) * 3600L + w.time.dataStart();
      for (; hour < cover[i + 1]; hour += 3600) {
        double f = (Math.min(cover[i + 1], hour + 3600) - Math.max(cover[i], hour)) / 3600.0;
        int day = (int) Math.floorDiv(hour - w.time.dataStart(), 86400L);
        int h = (int) (Math.floorMod(hour - w.time.dataStart(), 86400L) / 3600);
        for (int j = 0; j < b.services().length; j++) {
          if (w.impactStart[b.services()[j]] == World.NEVER) {
            continue;
          }
          double fl = f * w.rate(b, b.shares()[j], day, h) * w.level(b.index(), day);
          variance += fl * m2 + fl * mu * fl * mu * cv2;
        }
      }
    }
    return variance;
  }

  /** The business's downtime: its services' down windows, where the outage reached its region. */
  static Intervals downtime(Scenario scenario, Business b) {
    World w = scenario.world();
    Intervals down = Intervals.EMPTY;
    if (w.regionAffected[b.region()]) {
      for (int svc : b.services()) {
        down = down.union(scenario.simulation().outcome(w.services[svc]).down());
      }
    }
    return down;
  }
}

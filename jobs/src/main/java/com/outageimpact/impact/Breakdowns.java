package com.outageimpact.impact;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.outageimpact.common.DerivedColumns;
import com.outageimpact.schema.Schemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.RelationalGroupedDataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The sector table's sums along the other cuts analysts ask for: by sector, by region, by the
 * critical flag, and by service. Each dimension partitions the same total (a business has one
 * sector, region and flag; a stream one service, null for transactions that name none), so every
 * dimension's net loss adds up to the incident's.
 *
 * <p>By service, money comes from the streams through it; a business counts where it relies on
 * the service or has transactions through it, and is affected where that service was hit in its
 * region. Downtime and SLA credits belong to a business, not to one of its services, so the
 * service rows leave them null rather than count them twice.
 */
final class Breakdowns {

  private Breakdowns() {}

  /**
   * The columns a stream's row carries that add up unchanged at every level (business, sector,
   * region, service, the incident): each roll-up sums this one list. Money, and the count of
   * failed transactions.
   */
  static final List<String> ADDITIVE = List.of(
      "expected_value", "actual_value", "gross_loss", "recovered", "failed_value", "failed_txns");

  /** The {@link #ADDITIVE} columns, each summed under its own name. */
  static List<Column> sumsOfAdditive() {
    List<Column> sums = new ArrayList<>();
    for (String name : ADDITIVE) {
      sums.add(sum(name).as(name));
    }
    return sums;
  }

  /** {@code grouped} aggregated by {@code first} and the rest. */
  static Dataset<Row> aggregate(RelationalGroupedDataset grouped, List<Column> first, List<Column> rest) {
    List<Column> all = new ArrayList<>(first);
    all.addAll(rest);
    return grouped.agg(all.get(0), all.subList(1, all.size()).toArray(Column[]::new));
  }

  /** Sums of business rows (the business_impact columns plus loss_variance) grouped by {@code key}. */
  static Dataset<Row> ofBusinesses(Dataset<Row> business, String dimension) {
    return aggregate(business.groupBy(col(dimension).cast(DataTypes.StringType).as("key")), List.of(
        count(lit(1)).as("businesses"),
        count(when(col("affected"), lit(1))).as("affected_businesses"),
        count(when(col("affected").and(col("critical")), lit(1))).as("critical_affected"),
        sum("net_loss").as("net_loss"),
        sum("loss_variance").as("loss_variance"), sum(squared("loss_variance")).as("loss_variance_squares"),
        sum("downtime_minutes").as("downtime_business_minutes"),
        sum("sla_credit").as("sla_credits")), sumsOfAdditive())
        .withColumn("dimension", lit(dimension));
  }

  /**
   * @param streams business_id, service, expected_value, actual_value, gross_loss, recovered,
   *     loss_variance, failed_txns, failed_value
   * @param reliance business_id, service: the services each business relies on
   * @param affectedReliance business_id, service: reliance on a service the incident hit, in a region it hit
   * @param business business_id, critical
   */
  static Dataset<Row> ofServices(Dataset<Row> streams, Dataset<Row> reliance, Dataset<Row> affectedReliance,
      Dataset<Row> business) {
    String[] key = {"business_id", "service"};
    Dataset<Row> money = aggregate(streams.groupBy("business_id", "service"),
        List.of(sum("loss_variance").as("loss_variance")), sumsOfAdditive());
    // Money by service is summed from the streams alone, before any join: the joins below only add
    // businesses that rely on a service without money through it, and a sum taken after a join
    // adds in the order of the join strategy, which adaptive execution may choose differently from
    // run to run (it moved the last bits of these rows between two runs on the same data).
    Dataset<Row> moneyByService = aggregate(money.groupBy(col("service").as("money_key")), List.of(
        sum(col("gross_loss").minus(col("recovered"))).as("net_loss"),
        sum("loss_variance").as("loss_variance"),
        sum(squared("loss_variance")).as("loss_variance_squares")), sumsOfAdditive());
    // Null-safe on service: transactions without one form their own row. Reliance's columns are
    // renamed: without business_services it is derived from the same streams, and Spark cannot
    // tell two columns of one lineage apart in a self-join.
    Dataset<Row> relied = reliance.select(col("business_id").as("relied_business_id"),
        col("service").as("relied_service"));
    Dataset<Row> pairs = money.select("business_id", "service")
        .join(relied, col("business_id").equalTo(col("relied_business_id"))
            .and(col("service").eqNullSafe(col("relied_service"))), "full_outer")
        .select(coalesce(col("business_id"), col("relied_business_id")).as("business_id"),
            coalesce(col("service"), col("relied_service")).as("service"))
        .join(affectedReliance.withColumn("affected", lit(true)), key, "left")
        .join(business.select("business_id", "critical"), "business_id");
    // Each (business, service) pair comes once: money's are grouped, reliance's distinct, and each
    // join matches at most one row (affected pairs are distinct, a business is one row). So plain
    // counts count businesses; distinct counts took an expansion and two more shuffles of the pairs.
    Dataset<Row> counts = pairs.groupBy(col("service").as("key")).agg(
        count(lit(1)).as("businesses"),
        count(when(col("affected"), lit(1))).as("affected_businesses"),
        count(when(col("affected").and(col("critical")), lit(1))).as("critical_affected"));
    List<Column> columns = new ArrayList<>(List.of(col("key"), col("businesses"), col("affected_businesses"),
        col("critical_affected")));
    for (String name : List.of("net_loss", "loss_variance", "loss_variance_squares")) {
      columns.add(coalesce(col(name), lit(0.0)).as(name));
    }
    for (String name : ADDITIVE) {
      columns.add(coalesce(col(name), name.equals("failed_txns") ? lit(0L) : lit(0.0)).as(name));
    }
    Dataset<Row> sums = counts.join(moneyByService, col("key").eqNullSafe(col("money_key")), "left")
        .select(columns.toArray(Column[]::new));
    return DerivedColumns.of()
        .put("downtime_business_minutes", lit(null).cast(DataTypes.DoubleType))
        .put("sla_credits", lit(null).cast(DataTypes.DoubleType))
        .put("dimension", lit("service"))
        .addTo(sums);
  }

  /**
   * The derived columns: the 90% interval (variances add across independent businesses and
   * streams; {@link StudentT} for how few of them carry it), loss per hour of the analysis
   * window, and the shares of the incident's totals.
   */
  static Dataset<Row> finish(Dataset<Row> sums, double windowHours, Double totalExpected, Double totalNetLoss,
      int baselineWeeks) {
    Column half = StudentT.halfWidth(col("loss_variance"), col("loss_variance_squares"), baselineWeeks);
    return DerivedColumns.of()
        .put("net_loss_low", col("net_loss").minus(half))
        .put("net_loss_high", col("net_loss").plus(half))
        .put("loss_per_hour", col("net_loss").divide(windowHours))
        .put("loss_share_of_expected", when(col("expected_value").notEqual(0), col("net_loss").divide(col("expected_value"))))
        .put("revenue_share", share(col("expected_value"), totalExpected))
        .put("loss_share", share(col("net_loss"), totalNetLoss))
        .addTo(sums);
  }

  private static Column squared(String column) {
    return col(column).multiply(col(column));
  }

  /** {@code part} over {@code whole}; null when the whole is null or zero (no division by zero). */
  private static Column share(Column part, Double whole) {
    return whole == null || whole == 0 ? lit(null).cast(DataTypes.DoubleType) : part.divide(whole);
  }

  static Dataset<Row> conform(Dataset<Row> breakdown, String incidentId) {
    return Schemas.conform(breakdown.withColumn("incident_id", lit(incidentId)), Schemas.IMPACT_BREAKDOWN);
  }
}

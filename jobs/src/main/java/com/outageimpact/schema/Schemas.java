package com.outageimpact.schema;

import static com.outageimpact.schema.ColumnSpec.optional;
import static com.outageimpact.schema.ColumnSpec.required;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructType;

/**
 * The one place that declares the product's schemas: the contract's inputs
 * (../shared/CONTRACT.md) and the reject rows. Other code refers to these constants rather than
 * spelling column names and types again. (The generator's truth tables are declared beside the
 * code that writes them, in generate/TruthWriter.)
 */
public final class Schemas {

  private Schemas() {}

  /**
   * Money stays exact until estimation. decimal(18,6) holds any single amount up to 10^12 in any
   * currency; Spark sums it as decimal(28,6), so billions of rows cannot overflow.
   */
  public static final DecimalType MONEY = DataTypes.createDecimalType(18, 6);
  /**
   * Exchange rates. decimal(18,10) times MONEY is decimal(37,16): the product is exact, and
   * {@link #toReporting} rounds it once to MONEY (no double rounding).
   */
  public static final DecimalType FX_RATE = DataTypes.createDecimalType(18, 10);
  /** Percentages in SLA tiers (99.95 and the like). */
  public static final DecimalType PERCENT = DataTypes.createDecimalType(9, 5);

  public static final DataType STRING = DataTypes.StringType;
  public static final DataType TIMESTAMP = DataTypes.TimestampType;
  public static final DataType DOUBLE = DataTypes.DoubleType;
  public static final DataType BOOLEAN = DataTypes.BooleanType;

  public static final InputSchema REPORTS = new InputSchema("reports", List.of(
      required("report_id", STRING),
      required("reported_at", TIMESTAMP),
      required("service", STRING),
      optional("region", STRING),
      optional("problem", STRING),
      optional("reporter_hash", STRING)),
      List.of("report_id"),
      // Pseudonymous reporter ids are only for counting distinct reporters.
      List.of("reporter_hash"),
      true); // report_id names one report: not carried past the ingest

  public static final InputSchema BUSINESSES = new InputSchema("businesses", List.of(
      required("business_id", STRING),
      required("sector", STRING),
      optional("region", STRING),
      optional("critical", BOOLEAN),
      optional("sla_tier", STRING),
      optional("monthly_fee", MONEY)),
      List.of("business_id"));

  public static final InputSchema BUSINESS_SERVICES = new InputSchema("business_services", List.of(
      required("business_id", STRING),
      required("service", STRING),
      optional("share", DOUBLE)),
      List.of("business_id", "service"));

  public static final InputSchema TRANSACTIONS = new InputSchema("transactions", List.of(
      required("txn_id", STRING),
      required("business_id", STRING),
      required("occurred_at", TIMESTAMP),
      required("amount", MONEY),
      optional("currency", STRING),
      optional("status", STRING),
      optional("service", STRING)),
      List.of("txn_id"),
      List.of(),
      true); // txn_id names one transaction: not carried past the ingest

  public static final InputSchema SLA_TIERS = new InputSchema("sla_tiers", List.of(
      required("tier", STRING),
      required("below_availability_pct", PERCENT),
      required("credit_pct", PERCENT)),
      List.of("tier", "below_availability_pct"));

  public static final InputSchema FX_RATES = new InputSchema("fx_rates", List.of(
      required("currency", STRING),
      required("rate_to_reporting", FX_RATE)),
      List.of("currency"));

  /**
   * Business-interruption cover, one row per policy. Money (retention, limit, payout_per_hour) is
   * in {@code currency}; ingestion adds each in the reporting currency ({@link #POLICY_MONEY}).
   */
  public static final InputSchema POLICIES = new InputSchema("policies", List.of(
      required("policy_id", STRING),
      required("business_id", STRING),
      required("kind", STRING),
      required("waiting_period_hours", DOUBLE),
      optional("retention", MONEY),
      optional("limit", MONEY),
      optional("payout_per_hour", MONEY),
      optional("currency", STRING)),
      List.of("policy_id"));

  /** Policy kinds: indemnity pays the loss past the waiting period, parametric a fixed amount per hour past it. */
  public static final List<String> POLICY_KINDS = List.of("indemnity", "parametric");

  /** Accepted policies carry their money in the reporting currency under these names (null stays null). */
  public static final List<String> POLICY_MONEY = List.of("retention", "limit", "payout_per_hour");

  /** Suffix of a policy's money column in the reporting currency, e.g. {@code limit_reporting}. */
  public static final String REPORTING_SUFFIX = "_reporting";

  /** Tabular inputs in the order they are ingested (later ones are checked against earlier ones). */
  public static final List<InputSchema> TABULAR_INPUTS =
      List.of(FX_RATES, SLA_TIERS, BUSINESSES, BUSINESS_SERVICES, POLICIES, REPORTS, TRANSACTIONS);

  /** Transaction statuses; only {@code succeeded} counts as actual value. */
  public static final List<String> TXN_STATUSES = List.of("succeeded", "failed", "timeout", "declined");

  /** Incident update statuses, Statuspage-style. */
  public static final List<String> INCIDENT_STATUSES =
      List.of("investigating", "identified", "monitoring", "resolved");

  /** Transactions after ingestion: the contract columns plus the value in the reporting currency. */
  public static final String AMOUNT_REPORTING = "amount_reporting";

  /**
   * The value of {@code amount} (MONEY, in its own currency) in the reporting currency: the exact
   * product rounded half-up to 6 decimals. Everything that converts money uses this, the
   * generator's truth included, so that sums agree to the last digit.
   */
  public static Column toReporting(Column amount, Column rateToReporting) {
    return functions.round(amount.cast(MONEY).multiply(rateToReporting.cast(FX_RATE)), 6).cast(MONEY);
  }

  /** Region used when a report or business has none. */
  public static final String UNKNOWN_REGION = "ZZ";

  /**
   * Detection's working table (not published): one row per report series (service and region,
   * or service across regions) and bucket; the {@code w_*} columns are set on the first bucket
   * of each window only, and hold bucket indices (bucket start = index x bucket seconds).
   */
  public static final StructType SCORED_REPORTS = new StructType()
      .add("service", STRING, false)
      .add("region", STRING, false)
      .add("bucket_index", DataTypes.LongType, false)
      .add("reports", DataTypes.LongType, false)
      .add("reporters", DataTypes.LongType, false)
      .add("expected_reports", DOUBLE, true)
      .add("anomalous", BOOLEAN, false)
      .add("w_end", DataTypes.LongType, true)
      .add("w_drain_end", DataTypes.LongType, true)
      .add("w_peak", DataTypes.LongType, true)
      .add("w_first_alarm", DataTypes.LongType, true)
      .add("w_reports", DataTypes.LongType, true)
      .add("w_expected_reports", DOUBLE, true)
      .add("w_peak_ratio", DOUBLE, true)
      .add("w_baseline_kind", STRING, true);

  /**
   * outage_windows/: one row per incident, service and region (region ALL: across regions).
   * {@code report_start}/{@code report_end}: where the reports alone put the window; {@code start}
   * and {@code end} also heed the failed transactions in the full run.
   */
  public static final StructType OUTAGE_WINDOWS = new StructType()
      .add("incident_id", STRING, false)
      .add("service", STRING, false)
      .add("region", STRING, false)
      .add("start", TIMESTAMP, false)
      .add("peak_at", TIMESTAMP, false)
      .add("end", TIMESTAMP, false)
      .add("drain_end", TIMESTAMP, false)
      .add("duration_minutes", DOUBLE, false)
      .add("reports", DataTypes.LongType, false)
      .add("expected_reports", DOUBLE, false)
      .add("excess_reports", DOUBLE, false)
      .add("peak_ratio", DOUBLE, false)
      .add("severity", STRING, false)
      .add("report_start", TIMESTAMP, false)
      .add("report_end", TIMESTAMP, false)
      .add("baseline_kind", STRING, true);

  /**
   * incident_summary/: one row per incident (detection's columns; later stages add theirs).
   * {@code root_component} is the declared one until the cascade stage ranks candidates.
   */
  public static final StructType INCIDENT_SUMMARY = new StructType()
      .add("incident_id", STRING, false)
      .add("declared", BOOLEAN, false)
      .add("root_component", STRING, true)
      .add("scope", STRING, false)
      .add("regions", STRING, true)
      .add("start", TIMESTAMP, false)
      .add("end", TIMESTAMP, false)
      .add("duration_minutes", DOUBLE, false)
      .add("first_alarm_at", TIMESTAMP, false)
      .add("time_to_detect", DOUBLE, false)
      .add("time_to_acknowledge", DOUBLE, true)
      .add("time_to_resolve", DOUBLE, true)
      .add("services_impaired", DataTypes.IntegerType, false)
      .add("impaired_services", STRING, false)
      .add("reports", DataTypes.LongType, false)
      .add("excess_reports", DOUBLE, false)
      // From the cascade stage (null where it did not run: the detect job, no graph).
      .add("root_source", STRING, true)
      .add("root_contradicted", BOOLEAN, true)
      .add("top_candidate", STRING, true)
      .add("services_down", DataTypes.IntegerType, true)
      .add("services_degraded", DataTypes.IntegerType, true)
      // From the impact stage (null where it did not run).
      .add("affected_businesses", DataTypes.LongType, true)
      .add("critical_affected", DataTypes.LongType, true)
      .add("expected_value", DOUBLE, true)
      .add("gross_loss", DOUBLE, true)
      .add("recovered", DOUBLE, true)
      .add("net_loss", DOUBLE, true)
      .add("net_loss_low", DOUBLE, true)
      .add("net_loss_high", DOUBLE, true)
      .add("sla_credits", DOUBLE, true)
      // Baseline weeks the data covered and the estimate used (0: no estimate; null: no impact stage).
      .add("baseline_weeks_used", DataTypes.IntegerType, true)
      // From insured_impact (null without a policies input): what policies pay, what insured
      // businesses keep, the loss of businesses without a policy, and the insured share of the net loss.
      .add("insured_businesses", DataTypes.LongType, true)
      .add("policies_triggered", DataTypes.LongType, true)
      .add("insured_loss", DOUBLE, true)
      .add("insured_loss_low", DOUBLE, true)
      .add("insured_loss_high", DOUBLE, true)
      .add("retained_loss", DOUBLE, true)
      .add("uninsured_loss", DOUBLE, true)
      .add("insured_share", DOUBLE, true);

  /** business_impact/: one row per incident and business (partitioned by sector). Money in the reporting currency. */
  public static final StructType BUSINESS_IMPACT = new StructType()
      .add("incident_id", STRING, false)
      .add("business_id", STRING, false)
      .add("sector", STRING, false)
      .add("region", STRING, true)
      .add("critical", BOOLEAN, false)
      .add("affected", BOOLEAN, false)
      .add("expected_value", DOUBLE, false)
      .add("actual_value", DOUBLE, false)
      .add("gross_loss", DOUBLE, false)
      .add("recovered", DOUBLE, false)
      .add("net_loss", DOUBLE, false)
      .add("net_loss_low", DOUBLE, false)
      .add("net_loss_high", DOUBLE, false)
      .add("failed_txns", DataTypes.LongType, false)
      .add("failed_value", DOUBLE, false)
      .add("downtime_minutes", DOUBLE, false)
      .add("availability_pct", DOUBLE, false)
      .add("sla_credit", DOUBLE, false);

  /**
   * insured_impact/: one row per incident and business (partitioned by sector): its policies, the
   * loss they see past the waiting period, what they pay, what it keeps; money in the reporting
   * currency. Exactly one of retained_loss (insured) and uninsured_loss (no policy) can be non-zero,
   * and insured_loss + retained_loss + uninsured_loss = net_loss.
   */
  public static final StructType INSURED_IMPACT = new StructType()
      .add("incident_id", STRING, false)
      .add("business_id", STRING, false)
      .add("sector", STRING, false)
      .add("region", STRING, true)
      .add("critical", BOOLEAN, false)
      .add("affected", BOOLEAN, false)
      .add("insured", BOOLEAN, false)
      .add("policies", DataTypes.LongType, false)
      .add("policies_triggered", DataTypes.LongType, false)
      .add("triggered", BOOLEAN, false)
      // the shortest waiting period among its policies (null: none)
      .add("waiting_period_hours", DOUBLE, true)
      .add("downtime_minutes", DOUBLE, false)
      .add("net_loss", DOUBLE, false)
      .add("net_loss_low", DOUBLE, false)
      .add("net_loss_high", DOUBLE, false)
      // the economic loss past the waiting period (of its policy with the longest cover)
      .add("covered_loss", DOUBLE, false)
      .add("covered_loss_low", DOUBLE, false)
      .add("covered_loss_high", DOUBLE, false)
      .add("insured_loss", DOUBLE, false)
      .add("insured_loss_low", DOUBLE, false)
      .add("insured_loss_high", DOUBLE, false)
      .add("retained_loss", DOUBLE, false)
      .add("retained_loss_low", DOUBLE, false)
      .add("retained_loss_high", DOUBLE, false)
      .add("uninsured_loss", DOUBLE, false)
      .add("uninsured_loss_low", DOUBLE, false)
      .add("uninsured_loss_high", DOUBLE, false);

  /** insured_sector_impact/: insured_impact rolled up per incident and sector. */
  public static final StructType INSURED_SECTOR_IMPACT = new StructType()
      .add("incident_id", STRING, false)
      .add("sector", STRING, false)
      .add("businesses", DataTypes.LongType, false)
      .add("insured_businesses", DataTypes.LongType, false)
      .add("triggered_businesses", DataTypes.LongType, false)
      .add("policies", DataTypes.LongType, false)
      .add("policies_triggered", DataTypes.LongType, false)
      .add("net_loss", DOUBLE, false)
      .add("covered_loss", DOUBLE, false)
      .add("covered_loss_low", DOUBLE, false)
      .add("covered_loss_high", DOUBLE, false)
      .add("insured_loss", DOUBLE, false)
      .add("insured_loss_low", DOUBLE, false)
      .add("insured_loss_high", DOUBLE, false)
      .add("retained_loss", DOUBLE, false)
      .add("retained_loss_low", DOUBLE, false)
      .add("retained_loss_high", DOUBLE, false)
      .add("uninsured_loss", DOUBLE, false)
      .add("uninsured_loss_low", DOUBLE, false)
      .add("uninsured_loss_high", DOUBLE, false)
      // insured_loss over net_loss (null when the net loss is zero)
      .add("insured_share", DOUBLE, true);

  /**
   * duration_scenarios/: one row per incident, sector (ALL: the total) and scenario duration: the
   * net loss had the outage lasted {@code duration_hours} (model in docs/impact.md), flagged
   * extrapolated beyond twice the observed duration; insured_loss, what policies would pay then
   * (null without a policies input).
   */
  public static final StructType DURATION_SCENARIOS = new StructType()
      .add("incident_id", STRING, false)
      .add("sector", STRING, false)
      .add("duration_hours", DOUBLE, false)
      .add("net_loss", DOUBLE, false)
      .add("net_loss_low", DOUBLE, false)
      .add("net_loss_high", DOUBLE, false)
      .add("insured_loss", DOUBLE, true)
      .add("insured_loss_low", DOUBLE, true)
      .add("insured_loss_high", DOUBLE, true)
      .add("observed_hours", DOUBLE, false)
      .add("extrapolated", BOOLEAN, false);

  /** sector_impact/: one row per incident and sector. */
  public static final StructType SECTOR_IMPACT = new StructType()
      .add("incident_id", STRING, false)
      .add("sector", STRING, false)
      .add("businesses", DataTypes.LongType, false)
      .add("affected_businesses", DataTypes.LongType, false)
      .add("critical_affected", DataTypes.LongType, false)
      .add("expected_value", DOUBLE, false)
      .add("actual_value", DOUBLE, false)
      .add("gross_loss", DOUBLE, false)
      .add("recovered", DOUBLE, false)
      .add("net_loss", DOUBLE, false)
      .add("net_loss_low", DOUBLE, false)
      .add("net_loss_high", DOUBLE, false)
      .add("failed_txns", DataTypes.LongType, false)
      .add("failed_value", DOUBLE, false)
      .add("downtime_business_minutes", DOUBLE, false)
      .add("sla_credits", DOUBLE, false)
      .add("loss_per_hour", DOUBLE, false)
      .add("loss_share_of_expected", DOUBLE, true)
      .add("loss_share", DOUBLE, true)
      .add("revenue_share", DOUBLE, true);

  /**
   * impact_breakdown/: the sector table's sums by other cuts, one row per incident, dimension
   * (sector, region, critical, service) and key (null: transactions that name no service).
   * Downtime and SLA credits are per business, so null on service rows.
   */
  public static final StructType IMPACT_BREAKDOWN = new StructType()
      .add("incident_id", STRING, false)
      .add("dimension", STRING, false)
      .add("key", STRING, true)
      .add("businesses", DataTypes.LongType, false)
      .add("affected_businesses", DataTypes.LongType, false)
      .add("critical_affected", DataTypes.LongType, false)
      .add("expected_value", DOUBLE, false)
      .add("actual_value", DOUBLE, false)
      .add("gross_loss", DOUBLE, false)
      .add("recovered", DOUBLE, false)
      .add("net_loss", DOUBLE, false)
      .add("net_loss_low", DOUBLE, false)
      .add("net_loss_high", DOUBLE, false)
      .add("failed_txns", DataTypes.LongType, false)
      .add("failed_value", DOUBLE, false)
      .add("downtime_business_minutes", DOUBLE, true)
      .add("sla_credits", DOUBLE, true)
      .add("loss_per_hour", DOUBLE, false)
      .add("loss_share_of_expected", DOUBLE, true)
      .add("loss_share", DOUBLE, true)
      .add("revenue_share", DOUBLE, true);

  /** {@code rows} with exactly {@code schema}'s columns, in its order and types. */
  public static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> conform(
      org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows, StructType schema) {
    return rows.select(java.util.Arrays.stream(schema.fields())
        .map(f -> functions.col(f.name()).cast(f.dataType()).as(f.name())).toArray(Column[]::new));
  }

  private static final DataType NAMES = DataTypes.createArrayType(STRING, false);

  /** service_impact/: one row per incident and component of the graph. */
  public static final StructType SERVICE_IMPACT = new StructType()
      .add("incident_id", STRING, false)
      .add("component", STRING, false)
      .add("kind", STRING, false)
      .add("state", STRING, false)
      .add("impact_start", TIMESTAMP, true)
      .add("impact_end", TIMESTAMP, true)
      .add("downtime_minutes", DOUBLE, false)
      .add("path", NAMES, false)
      .add("observed", BOOLEAN, false)
      .add("explained", BOOLEAN, false);

  /** root_cause_candidates/: one row per incident and component that explains some of what was observed. */
  public static final StructType ROOT_CAUSE_CANDIDATES = new StructType()
      .add("incident_id", STRING, false)
      .add("component", STRING, false)
      .add("rank", DataTypes.IntegerType, false)
      .add("score", DOUBLE, false)
      .add("explained", NAMES, false)
      .add("unexplained", NAMES, false)
      .add("predicted_not_seen", NAMES, false)
      .add("components_impaired", DataTypes.IntegerType, false)
      .add("indistinguishable_from_top", BOOLEAN, false)
      .add("declared", BOOLEAN, false);

  /** component_exposure/: one row per incident and component: what its failure alone would put at risk. */
  public static final StructType COMPONENT_EXPOSURE = new StructType()
      .add("incident_id", STRING, false)
      .add("component", STRING, false)
      .add("kind", STRING, false)
      .add("rank", DataTypes.IntegerType, false)
      .add("services_down", NAMES, false)
      .add("services_degraded", NAMES, false)
      .add("businesses", DataTypes.IntegerType, false)
      .add("sectors", NAMES, false)
      .add("critical_businesses", DataTypes.IntegerType, false)
      .add("value_per_hour_down", DOUBLE, false)
      .add("value_per_hour_degraded", DOUBLE, false)
      .add("value_per_hour_at_risk", DOUBLE, false);

  /** timeline/: one row per incident, time bucket and service (reports across regions). */
  public static final StructType TIMELINE = new StructType()
      .add("incident_id", STRING, false)
      .add("bucket_start", TIMESTAMP, false)
      // null: transactions that name no service (reports always name one)
      .add("service", STRING, true)
      .add("reports", DataTypes.LongType, false)
      .add("reporters", DataTypes.LongType, false)
      .add("expected_reports", DOUBLE, true)
      .add("anomalous", BOOLEAN, false)
      // succeeded value in the bucket; null when the service has no transactions or there was no impact stage
      .add("txn_value", DOUBLE, true)
      .add("expected_txn_value", DOUBLE, true)
      .add("expected_txn_value_low", DOUBLE, true)
      .add("expected_txn_value_high", DOUBLE, true)
      // components (services and internal ones) down during any of the bucket; null without a cascade
      .add("components_down", DataTypes.IntegerType, true);

  /** rejects/&lt;input&gt;/: one row per rejected input row. */
  public static final StructType REJECTS = new StructType()
      .add("input", STRING, false)
      .add("reason", STRING, false)
      .add("detail", STRING, true)
      .add("source_file", STRING, true)
      .add("raw", STRING, true);
}

package com.outageimpact.ingest;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import com.outageimpact.common.StageTimer;
import com.outageimpact.graph.GraphLoader;
import com.outageimpact.graph.ServiceGraph;
import com.outageimpact.schema.InputSchema;
import com.outageimpact.schema.Schemas;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The ingest stage: reads every input to the data contract, in an order where each input can be
 * checked against the ones before it (rates and tiers, then businesses, then the rows that refer
 * to businesses and services). Rejects are written to the publisher's staging area.
 */
public final class Ingestion {

  private static final String KNOWN = "_known_business";
  private static final String ISO_REGION = "^[A-Z]{2}$";
  private static final String ISO_CURRENCY = "^[A-Z]{3}$";
  /** 10^12: the first value decimal(18,6), the contract's money, cannot hold. */
  private static final BigDecimal MONEY_CEILING = BigDecimal.TEN.pow(Schemas.MONEY.precision() - Schemas.MONEY.scale());

  private final SparkSession spark;
  private final InputReader reader;
  private final InputFormat formatOverride;
  private final String reportingCurrency;
  private final Function<String, String> rejectsPath;
  private final StageTimer timer;

  /**
   * @param reportingCurrency null when only reports are read ({@link #ingestReports}): they hold no money
   * @param rejectsPath gives, for an input name, the (staging) folder for its reject rows
   */
  public Ingestion(SparkSession spark, String reportingCurrency, InputFormat formatOverride,
      Function<String, String> rejectsPath, StageTimer timer) {
    this.spark = spark;
    this.reader = new InputReader(spark);
    this.formatOverride = formatOverride;
    this.reportingCurrency = reportingCurrency == null ? null : reportingCurrency.toUpperCase(Locale.ROOT);
    this.rejectsPath = rejectsPath;
    this.timer = timer;
  }

  /** Every input, every file of each. */
  public IngestedData ingest(InputPaths paths) {
    return ingestTransactions(ingestAllButTransactions(paths), paths, null);
  }

  /**
   * Every input but the transactions (null in the result): what detection needs, so that the
   * transactions can be read for the dates the detected incidents need alone.
   */
  public IngestedData ingestAllButTransactions(InputPaths paths) {
    if (reportingCurrency == null) {
      throw new IllegalStateException("ingesting money needs a reporting currency");
    }
    ServiceGraph graph;
    try (StageTimer.Stage stage = timer.start("ingest.graph")) {
      graph = GraphLoader.load(paths.require("graph"), spark.sparkContext().hadoopConfiguration());
      stage.count("components", graph.components().size()).count("dependencies", graph.dependencies().size());
    }
    IncidentDeclaration incident = null;
    if (paths.get("incident") != null) {
      try (StageTimer.Stage stage = timer.start("ingest.incident")) {
        incident = IncidentDeclaration.load(paths.get("incident"), spark.sparkContext().hadoopConfiguration(), graph);
        stage.count("updates", incident.updates().size());
      }
    }

    IngestedInput fxRows = optional(paths, Schemas.FX_RATES, this::fxRateChecks, df -> df);
    Map<String, BigDecimal> fxRates = new LinkedHashMap<>();
    if (fxRows != null) {
      // Small by nature (one row per currency): held on the driver and inlined into expressions.
      for (Row row : fxRows.accepted().select("currency", "rate_to_reporting").collectAsList()) {
        fxRates.put(row.getString(0), row.getDecimal(1));
      }
    }
    fxRates.put(reportingCurrency, BigDecimal.ONE);

    IngestedInput slaTiers = optional(paths, Schemas.SLA_TIERS, this::slaTierChecks, df -> df);
    List<String> tierNames = slaTiers == null ? null
        : slaTiers.accepted().select("tier").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList();

    List<String> services = graph.componentIds();
    IngestedInput businesses = required(paths, Schemas.BUSINESSES, checks -> businessChecks(checks, tierNames),
        df -> df);
    Dataset<Row> knownBusinesses = businesses.accepted().select(col("business_id").as(KNOWN));

    IngestedInput businessServices = optional(paths, Schemas.BUSINESS_SERVICES, knownBusinesses,
        checks -> businessServiceChecks(checks, services), df -> df);

    IngestedInput policies = optional(paths, Schemas.POLICIES, knownBusinesses,
        checks -> policyChecks(checks, fxRates), df -> policiesInReportingCurrency(df, fxRates));

    IngestedInput reports = required(paths, Schemas.REPORTS, checks -> reportChecks(checks, services), df -> df);

    return new IngestedData(reportingCurrency, graph, incident, fxRates, fxRows, slaTiers, businesses,
        businessServices, reports, null, policies);
  }

  /**
   * Adds the transactions, checked against the graph, businesses and exchange rates ingested.
   *
   * @param dates when not null, only these date partitions (and files in none) are read
   */
  public IngestedData ingestTransactions(IngestedData data, InputPaths paths, DateSpan dates) {
    Dataset<Row> knownBusinesses = data.businesses().accepted().select(col("business_id").as(KNOWN));
    List<String> services = data.graph().componentIds();
    Map<String, BigDecimal> fxRates = data.fxRates();
    IngestedInput transactions = ingest(paths.require(Schemas.TRANSACTIONS.name()), Schemas.TRANSACTIONS,
        knownBusinesses, dates, checks -> transactionChecks(checks, services, fxRates),
        df -> df.withColumn(Schemas.AMOUNT_REPORTING, inReporting(col("amount"), col("currency"), fxRates)));
    return data.withTransactions(transactions);
  }

  /**
   * Reports alone (and the declared incident, when given): what the detect job needs. Without a
   * graph, a report's service cannot be checked against it.
   */
  public IngestedData ingestReports(InputPaths paths) {
    IncidentDeclaration incident = null;
    if (paths.get("incident") != null) {
      try (StageTimer.Stage stage = timer.start("ingest.incident")) {
        incident = IncidentDeclaration.load(paths.get("incident"), spark.sparkContext().hadoopConfiguration(), null);
        stage.count("updates", incident.updates().size());
      }
    }
    IngestedInput reports = required(paths, Schemas.REPORTS, Ingestion::regionCheck, df -> df);
    return new IngestedData(reportingCurrency, null, incident, Map.of(), null, null, null, null, reports, null);
  }

  // ---- the checks of each input, after the generic ones (malformed, missing, unparseable) ----

  private void fxRateChecks(RowChecks checks) {
    checks.canonical("currency", currency -> upper(currency));
    Column currency = upper(checks.text("currency"));
    checks.check(RejectReason.BAD_VALUE, currency.isNotNull().and(currency.rlike(ISO_CURRENCY).unary_$bang()),
        concat(lit("currency '"), currency, lit("' is not an ISO 4217 code")));
    checks.check(RejectReason.BAD_VALUE, checks.parsed("rate_to_reporting").leq(0),
        lit("rate_to_reporting must be positive"));
  }

  private void slaTierChecks(RowChecks checks) {
    for (String column : List.of("below_availability_pct", "credit_pct")) {
      Column value = checks.parsed(column);
      checks.check(RejectReason.BAD_VALUE, value.lt(0).or(value.gt(100)),
          lit(column + " must be between 0 and 100"));
    }
  }

  private void businessChecks(RowChecks checks, List<String> tierNames) {
    regionCheck(checks);
    checks.canonical("critical", critical -> coalesce(critical, lit(false)));
    checks.check(RejectReason.BAD_VALUE, checks.parsed("monthly_fee").lt(0), lit("monthly_fee is negative"));
    if (tierNames != null) {
      Column tier = checks.text("sla_tier");
      checks.check(RejectReason.UNKNOWN_SLA_TIER, RowChecks.notIn(tier, tierNames),
          concat(lit("sla_tier '"), tier, lit("' is not in sla_tiers")));
    }
  }

  private void businessServiceChecks(RowChecks checks, List<String> services) {
    checks.canonical("share", share -> coalesce(share, lit(1.0)));
    Column share = checks.parsed("share");
    checks.check(RejectReason.BAD_VALUE, share.lt(0).or(share.gt(1)),
        concat(lit("share "), share.cast(DataTypes.StringType), lit(" is outside 0..1")));
    unknownBusinessCheck(checks);
    serviceCheck(checks, services);
  }

  /**
   * A policy's kind is one of {@link Schemas#POLICY_KINDS}; its money is not negative; a
   * parametric one says what it pays per hour (an indemnity one pays the loss, so a payout_per_hour
   * there is ignored); its currency has a rate.
   */
  private void policyChecks(RowChecks checks, Map<String, BigDecimal> fxRates) {
    checks.canonical("kind", kind -> RowChecks.lowerCase(kind, Schemas.POLICY_KINDS));
    checks.canonical("currency", currency -> currencyOrReporting(currency, fxRates));
    Column kind = RowChecks.lowerCase(checks.text("kind"), Schemas.POLICY_KINDS);
    checks.check(RejectReason.BAD_VALUE, RowChecks.notIn(kind, Schemas.POLICY_KINDS),
        concat(lit("kind '"), kind, lit("' is not one of " + Schemas.POLICY_KINDS)));
    checks.check(RejectReason.BAD_VALUE, checks.parsed("waiting_period_hours").lt(0),
        lit("waiting_period_hours is negative"));
    for (String money : Schemas.POLICY_MONEY) {
      checks.check(RejectReason.BAD_VALUE, checks.parsed(money).lt(0), lit(money + " is negative"));
      reportingMoneyCheck(checks, money, fxRates);
    }
    checks.check(RejectReason.MISSING_REQUIRED, kind.equalTo("parametric").and(checks.absent("payout_per_hour")),
        lit("payout_per_hour is required for a parametric policy"));
    unknownBusinessCheck(checks);
    unknownCurrencyCheck(checks, fxRates);
  }

  /** Each money column beside its value in the reporting currency. */
  private Dataset<Row> policiesInReportingCurrency(Dataset<Row> policies, Map<String, BigDecimal> fxRates) {
    Dataset<Row> out = policies;
    for (String money : Schemas.POLICY_MONEY) {
      out = out.withColumn(money + Schemas.REPORTING_SUFFIX, inReporting(col(money), col("currency"), fxRates));
    }
    return out;
  }

  private void reportChecks(RowChecks checks, List<String> services) {
    regionCheck(checks);
    serviceCheck(checks, services);
  }

  private void transactionChecks(RowChecks checks, List<String> services, Map<String, BigDecimal> fxRates) {
    checks.canonical("currency", currency -> currencyOrReporting(currency, fxRates));
    checks.canonical("status", status -> coalesce(RowChecks.lowerCase(status, Schemas.TXN_STATUSES), lit("succeeded")));
    Column status = RowChecks.lowerCase(checks.text("status"), Schemas.TXN_STATUSES);
    checks.check(RejectReason.BAD_VALUE, RowChecks.notIn(status, Schemas.TXN_STATUSES),
        concat(lit("status '"), status, lit("' is not one of " + Schemas.TXN_STATUSES)));
    unknownBusinessCheck(checks);
    serviceCheck(checks, services);
    unknownCurrencyCheck(checks, fxRates);
    reportingMoneyCheck(checks, "amount", fxRates);
  }

  /**
   * Rejects a money value that fits the contract's decimal(18,6) but would not once converted to the
   * reporting currency (a rate above 1): rather than fail the whole run on one row when the
   * conversion overflows. Compared with a bound per currency worked out here, not by converting
   * every row: the product is decimal arithmetic that the checks' stage would pay on every row.
   */
  private void reportingMoneyCheck(RowChecks checks, String money, Map<String, BigDecimal> fxRates) {
    Map<String, BigDecimal> limits = new LinkedHashMap<>();
    fxRates.forEach((code, rate) -> {
      if (rate.compareTo(BigDecimal.ONE) > 0) {
        limits.put(code, reportingLimit(rate));
      }
    });
    if (limits.isEmpty()) {
      return; // no rate above 1: a value that fits the contract fits converted
    }
    Column currency = currencyOrReporting(checks.text("currency"), fxRates);
    Column bound = perCurrency(currency, limits, Schemas.MONEY);
    checks.check(RejectReason.BAD_NUMBER, abs(checks.parsed(money)).geq(bound),
        concat(lit(money + " '"), checks.text(money), lit("' in "), currency,
            lit(" is too large in the reporting currency (at most 12 digits before the point once converted)")));
  }

  /**
   * The smallest value (six decimals) whose conversion at {@code rate} rounds to 10^12 or more, the
   * first that decimal(18,6) cannot hold: the conversion rounds half up to six places, so a product
   * of 10^12 - 5e-7 already rounds to 10^12.
   */
  static BigDecimal reportingLimit(BigDecimal rate) {
    int scale = Schemas.MONEY.scale();
    BigDecimal halfUnit = BigDecimal.valueOf(5, scale + 1); // half of the last place MONEY holds
    return MONEY_CEILING.subtract(halfUnit).divide(rate, scale, RoundingMode.CEILING);
  }

  private static void regionCheck(RowChecks checks) {
    checks.canonical("region", region -> coalesce(upper(region), lit(Schemas.UNKNOWN_REGION)));
    Column region = upper(checks.text("region"));
    checks.check(RejectReason.BAD_VALUE, region.isNotNull().and(region.rlike(ISO_REGION).unary_$bang()),
        concat(lit("region '"), region, lit("' is not an ISO 3166-1 alpha-2 code")));
  }

  private static void unknownBusinessCheck(RowChecks checks) {
    Column business = checks.text("business_id");
    checks.check(RejectReason.UNKNOWN_BUSINESS, col(KNOWN).isNull(),
        concat(lit("business_id '"), business, lit("' is not an accepted business")));
  }

  /** A currency given must have a rate (an absent one is the reporting currency, whose rate is 1). */
  private static void unknownCurrencyCheck(RowChecks checks, Map<String, BigDecimal> fxRates) {
    Column currency = RowChecks.upperCase(checks.text("currency"), fxRates.keySet());
    checks.check(RejectReason.UNKNOWN_CURRENCY, RowChecks.notIn(currency, List.copyOf(fxRates.keySet())),
        concat(lit("currency '"), currency, lit("' has no rate in fx_rates")));
  }

  private static void serviceCheck(RowChecks checks, List<String> services) {
    Column service = checks.text("service");
    checks.check(RejectReason.UNKNOWN_SERVICE, RowChecks.notIn(service, services),
        concat(lit("service '"), service, lit("' is not a component of the graph")));
  }

  /** A currency in its canonical form: upper case, the reporting currency when absent. */
  private Column currencyOrReporting(Column currency, Map<String, BigDecimal> fxRates) {
    return coalesce(RowChecks.upperCase(currency, fxRates.keySet()), lit(reportingCurrency));
  }

  /** The rate of a currency column, inlined from the small rate table (null when unknown). */
  private static Column rateOf(Column currency, Map<String, BigDecimal> fxRates) {
    return perCurrency(currency, fxRates, Schemas.FX_RATE);
  }

  /**
   * Money converted to the reporting currency ({@link Schemas#toReporting}). Money in a currency at
   * a rate of exactly 1 (the reporting currency's own) is already converted and is taken as it is:
   * the same value, without the product, which is 37 digits wide and so computed in
   * java.math.BigDecimal on every read of every row. The later stages read the transactions'
   * converted amount several times; at 30 million rows, 37% in the reporting currency, one read
   * cost 0.9 to 1.3 s more with the conversion than without, and 0.1 to 0.6 s less with this.
   */
  private static Column inReporting(Column money, Column currency, Map<String, BigDecimal> fxRates) {
    List<String> atPar = fxRates.entrySet().stream()
        .filter(e -> e.getValue().compareTo(BigDecimal.ONE) == 0).map(Map.Entry::getKey).toList();
    return when(currency.isin(atPar.toArray()), money.cast(Schemas.MONEY))
        .otherwise(Schemas.toReporting(money, rateOf(currency, fxRates)));
  }

  /** A value per currency, inlined from a small map as one CASE of {@code type} (null for a currency not in it). */
  private static Column perCurrency(Column currency, Map<String, BigDecimal> values, DataType type) {
    Column value = null;
    for (Map.Entry<String, BigDecimal> entry : values.entrySet()) {
      Column literal = lit(entry.getValue()).cast(type);
      value = value == null ? when(currency.equalTo(entry.getKey()), literal)
          : value.when(currency.equalTo(entry.getKey()), literal);
    }
    return value == null ? lit(null).cast(type) : value;
  }

  // ---- plumbing ----

  private IngestedInput required(InputPaths paths, InputSchema schema, Consumer<RowChecks> checks,
      UnaryOperator<Dataset<Row>> derive) {
    return ingest(paths.require(schema.name()), schema, null, null, checks, derive);
  }

  private IngestedInput optional(InputPaths paths, InputSchema schema, Consumer<RowChecks> checks,
      UnaryOperator<Dataset<Row>> derive) {
    String path = paths.get(schema.name());
    return path == null ? null : ingest(path, schema, null, null, checks, derive);
  }

  private IngestedInput optional(InputPaths paths, InputSchema schema, Dataset<Row> knownBusinesses,
      Consumer<RowChecks> checks, UnaryOperator<Dataset<Row>> derive) {
    String path = paths.get(schema.name());
    return path == null ? null : ingest(path, schema, knownBusinesses, null, checks, derive);
  }

  private IngestedInput ingest(String path, InputSchema schema, Dataset<Row> knownBusinesses, DateSpan dates,
      Consumer<RowChecks> checks, UnaryOperator<Dataset<Row>> derive) {
    try (StageTimer.Stage stage = timer.start("ingest." + schema.name())) {
      InputReader.Opened opened = reader.open(schema, path, formatOverride, dates);
      if (knownBusinesses != null) {
        // Businesses are small: broadcast them to flag rows that name an unknown one.
        Dataset<Row> rows = opened.rows();
        Dataset<Row> flagged = rows.join(broadcast(knownBusinesses),
            trim(rows.col("business_id")).equalTo(col(KNOWN)), "left");
        opened = opened.withLookups(flagged);
      }
      // The transactions are read by every later stage; the other inputs by a query or two.
      IngestedInput ingested = TableIngester.ingest(opened, checks, derive, rejectsPath.apply(schema.name()),
          schema == Schemas.TRANSACTIONS);
      InputCounts counts = ingested.counts();
      stage.count("read", counts.read()).count("accepted", counts.accepted())
          .count("rejected", counts.rejected()).count("duplicates", counts.duplicates());
      return ingested;
    }
  }
}

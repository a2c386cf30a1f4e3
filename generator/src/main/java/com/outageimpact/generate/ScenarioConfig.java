package com.outageimpact.generate;

import com.outageimpact.common.JobOptions;
import com.outageimpact.ingest.InputFormat;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The generator's parameters, parsed and checked once. */
record ScenarioConfig(
    String out,
    long seed,
    InputFormat format,
    int businesses,
    long transactions,
    int weeks,
    int daysAfter,
    Instant outageStart,
    int outageMinutes,
    String root,
    List<String> outageRegions,
    double degradedLoss,
    double reboundScale,
    double recoveryHours,
    double reportScale,
    int badRows,
    double duplicates,
    boolean incident,
    int partitions) {

  static JobOptions options() {
    return new JobOptions("generate",
        "Generate a PenLight-style outage scenario (graph, incident, businesses, reports, transactions)\n"
            + "with exact ground truth under truth/.")
        .option("out", null, "output folder (required); its generated entries are replaced")
        .option("seed", "42", "random seed: same seed and options give the same files")
        .option("format", "csv", "tabular format: csv, json or parquet")
        .option("businesses", "400", "number of (valid) businesses")
        .option("transactions", "300000", "approximate number of transactions over the whole history")
        .option("weeks", "5", "weeks of history before the outage day")
        .option("days-after", "1", "days generated after the outage day")
        .option("outage-start", "2021-10-04T15:39:00Z", "when the root component fails (ISO-8601 instant)")
        .option("outage-minutes", "330", "minutes until the root component recovers")
        .option("root", "bgp-core", "component that fails first")
        .option("outage-regions", null, "comma-separated regions the outage hits (default: all), e.g. US,GB")
        .option("degraded-loss", "0.3", "probability that a transaction needing a degraded service is lost")
        .option("rebound-scale", "1", "multiplier on the sector probabilities that lost demand comes back")
        .option("recovery-hours", "6", "hours after the last recovery included in the analysis window")
        .option("report-scale", "1", "multiplier on the problem-report rates")
        .option("bad-rows", "3", "bad rows per applicable reject reason per input")
        .option("duplicates", "0.002",
            "share of transactions and reports delivered twice (at least ~16 expected rows each when > 0)")
        .flag("no-incident", "do not write incident.json")
        .option("partitions", "0", "Spark partitions for the large tables (0: from the expected volume)");
  }

  static ScenarioConfig from(JobOptions o) {
    InputFormat format = InputFormat.parse(o.require("format"));
    Instant start;
    try {
      start = Instant.parse(o.require("outage-start"));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("option --outage-start needs an ISO-8601 instant such as "
          + "2021-10-04T15:39:00Z, got '" + o.get("outage-start") + "'");
    }
    List<String> regions = null;
    if (o.get("outage-regions") != null && !o.get("outage-regions").isBlank()) {
      regions = new ArrayList<>();
      for (String r : o.get("outage-regions").split(",")) {
        String code = r.trim().toUpperCase(Locale.ROOT);
        if (Catalog.regionIndex(code) < 0) {
          throw new IllegalArgumentException("option --outage-regions: unknown region '" + r.trim()
              + "', use some of " + String.join(",", Catalog.REGIONS));
        }
        if (!regions.contains(code)) {
          regions.add(code);
        }
      }
      regions = List.copyOf(regions);
    }
    ScenarioConfig c = new ScenarioConfig(
        o.require("out"), o.getLong("seed"), format, o.getInt("businesses"), o.getLong("transactions"),
        o.getInt("weeks"), o.getInt("days-after"), start, o.getInt("outage-minutes"), o.require("root"),
        regions, o.getDouble("degraded-loss"), o.getDouble("rebound-scale"), o.getDouble("recovery-hours"),
        o.getDouble("report-scale"), o.getInt("bad-rows"), o.getDouble("duplicates"),
        !o.getFlag("no-incident"), o.getInt("partitions"));
    c.validate();
    return c;
  }

  private void validate() {
    check(businesses >= 1, "--businesses must be at least 1");
    check(businesses < (1 << 26), "--businesses is too large");
    check(transactions >= 0, "--transactions must not be negative");
    check(weeks >= 0 && weeks <= 260, "--weeks must be between 0 and 260");
    check(daysAfter >= 0 && daysAfter <= 60, "--days-after must be between 0 and 60");
    check(outageMinutes >= 1, "--outage-minutes must be at least 1");
    check(degradedLoss >= 0 && degradedLoss <= 1, "--degraded-loss must be between 0 and 1");
    check(reboundScale >= 0, "--rebound-scale must not be negative");
    check(recoveryHours > 0 && recoveryHours <= 72, "--recovery-hours must be above 0 and at most 72");
    check(reportScale >= 0, "--report-scale must not be negative");
    check(badRows >= 0 && badRows <= 1000, "--bad-rows must be between 0 and 1000");
    check(duplicates >= 0 && duplicates <= 0.5, "--duplicates must be between 0 and 0.5");
    check(partitions >= 0, "--partitions must not be negative");
    check(outageStart.getNano() == 0, "--outage-start must be whole seconds");
    PenLightGraph.penlight().component(root);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  boolean text() {
    return format != InputFormat.PARQUET;
  }

  String extension() {
    return switch (format) {
      case CSV -> "csv";
      case JSON -> "json";
      case PARQUET -> "parquet";
    };
  }

  /** Parameters as recorded in truth.json. */
  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("seed", seed);
    m.put("format", format.name().toLowerCase(Locale.ROOT));
    m.put("businesses", businesses);
    m.put("transactions", transactions);
    m.put("weeks", weeks);
    m.put("days_after", daysAfter);
    m.put("outage_start", Iso.utc(outageStart.getEpochSecond()));
    m.put("outage_minutes", outageMinutes);
    m.put("root", root);
    m.put("outage_regions", outageRegions);
    m.put("degraded_loss", degradedLoss);
    m.put("rebound_scale", reboundScale);
    m.put("recovery_hours", recoveryHours);
    m.put("report_scale", reportScale);
    m.put("bad_rows", badRows);
    m.put("duplicates", duplicates);
    m.put("incident_file", incident);
    return m;
  }
}

package com.outageimpact.impact;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.outageimpact.Published;
import com.outageimpact.RunJob;
import com.outageimpact.SparkTestSession;
import com.outageimpact.generate.GenerateJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Issue #21's Done-when over many seeds (not a test: it prints figures, for docs/impact.md).
 *
 * <p>Per seed, one world generated three times with the root down m/2, m and 2m minutes (its own
 * start, root and rebound scale; the generator's counterfactual does not depend on the outage, so
 * the three share it and the policies); {@code run} sees the middle one, with
 * {@code --duration-hours} the three incidents' true durations. Printed:
 *
 * <ul>
 *   <li>duration_scenarios at about half, the observed and about double the duration: the total's
 *       and each sector's error against that run's truth, in % and in SDs of the truth's
 *       counterfactual noise, within issue #21's max(10%, 2.5 SD) or not, the 90% interval holding
 *       the truth or not; the total's growth from the observed duration against the truth's; the
 *       insured loss at each duration against that run's truth/policies (max(10%, 2.5 SD of the
 *       covers' noise));
 *   <li>insured_impact of the observed run against truth/policies: total and sector payouts in SDs
 *       of the covers' noise, within the net loss's tolerances (sector max(5%, 2.5σ), total max(2%,
 *       2.5σ)), sector intervals holding the truth, and triggered against the truth wherever the true
 *       downtime is more than 15 minutes from the waiting period.
 * </ul>
 *
 * <p>Usage: {@code InsuredDurationEvaluation <work dir> <first seed> <seeds> [businesses] [transactions]}.
 * Generated data is kept under the work dir and reused; outputs are rewritten.
 */
public final class InsuredDurationEvaluation {

  private static final String[] ROOTS = {"bgp-core", "dns", "backbone", "auth", "dc-west"};
  /** The observed outage's root-down minutes: long enough that 4-12 hour waiting periods fall on both sides. */
  private static final int[] MINUTES = {300, 360, 420, 480, 540};
  private static final String[] LABELS = {"half", "observed", "double"};

  private final SparkSession spark;

  /** Per duration label, over seeds: figures for the totals and sectors. */
  private final Map<String, Tally> totals = new TreeMap<>();
  private final Map<String, Tally> sectors = new TreeMap<>();
  private final Map<String, Tally> insuredAtDuration = new TreeMap<>();
  private final Map<String, Integer> sectorMissesByName = new TreeMap<>();
  private final List<Double> ratioErrors = new ArrayList<>();
  /** Per sector and scenario (half, double): the model's growth from the observed duration over the truth's, less 1. */
  private final List<Double> sectorRatioErrorsHalf = new ArrayList<>();
  private final List<Double> sectorRatioErrorsDouble = new ArrayList<>();
  /**
   * Per duration label (half, double), over seeds: the model's growth applied to the true net loss
   * at the observed duration, against the truth at that duration, with the same tolerance: the
   * scenario free of the measured loss's own error (no interval).
   */
  private final Map<String, Tally> growthAloneTotals = new TreeMap<>();
  private final Map<String, Tally> growthAloneSectors = new TreeMap<>();
  private final Tally insuredTotals = new Tally();
  private final Tally insuredSectors = new Tally();
  private int triggerChecked;
  private int triggerExact;
  private int policies;
  private int policiesTriggered;

  private InsuredDurationEvaluation(SparkSession spark) {
    this.spark = spark;
  }

  public static void main(String[] args) throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path work = Path.of(args[0]);
    long first = Long.parseLong(args[1]);
    int seeds = Integer.parseInt(args[2]);
    String businesses = args.length > 3 ? args[3] : "150";
    String transactions = args.length > 4 ? args[4] : "150000";
    InsuredDurationEvaluation evaluation = new InsuredDurationEvaluation(spark);
    for (long seed = first; seed < first + seeds; seed++) {
      long began = System.nanoTime();
      evaluation.seed(work.resolve("seed-" + seed), seed, businesses, transactions);
      System.out.printf(Locale.ROOT, "seed %d done in %.0f s%n", seed, (System.nanoTime() - began) / 1e9);
    }
    evaluation.summary(seeds);
    spark.stop();
  }

  private void seed(Path dir, long seed, String businesses, String transactions) throws Exception {
    SplittableRandom rng = new SplittableRandom(seed * 7_919);
    Instant start = Instant.parse("2021-10-04T00:00:00Z").plusSeconds(60L * rng.nextLong(6 * 24 * 60));
    int minutes = MINUTES[rng.nextInt(MINUTES.length)];
    String root = ROOTS[rng.nextInt(ROOTS.length)];
    String rebound = String.format(Locale.ROOT, "%.2f", 0.5 + rng.nextDouble());
    int[] rootMinutes = {minutes / 2, minutes, 2 * minutes};
    double[] hours = new double[3];
    for (int i = 0; i < 3; i++) {
      Path data = dir.resolve("data-" + LABELS[i]);
      if (!Files.exists(data.resolve("truth/truth.json"))) {
        GenerateJob.run(spark, GenerateJob.options().parse(new String[] {"--out", data.toString(),
            "--seed", Long.toString(seed), "--businesses", businesses, "--transactions", transactions,
            "--bad-rows", "0", "--outage-start", start.toString(), "--outage-minutes", Integer.toString(rootMinutes[i]),
            "--root", root, "--rebound-scale", rebound}));
      }
      JsonNode incident = new ObjectMapper().readTree(data.resolve("truth/truth.json").toFile()).get("incident");
      hours[i] = Duration.between(Instant.parse(incident.get("start").asText()),
          Instant.parse(incident.get("end").asText())).toSeconds() / 3600.0;
    }
    // -Devaluation.out names the output folder, so that two builds can be compared on the same data.
    Path out = dir.resolve(System.getProperty("evaluation.out", "out"));
    RunJob.run(spark, RunJob.options().parse(new String[] {"--data", dir.resolve("data-observed").toString(),
        "--out", out.toString(), "--duration-hours", hours[0] + "," + hours[1] + "," + hours[2]}));
    String incidentId = new ObjectMapper().readTree(dir.resolve("data-observed/truth/truth.json").toFile())
        .get("incident").get("id").asText();
    List<Row> summaries = spark.read().parquet(Published.table(out, "incident_summary"))
        .filter(col("incident_id").equalTo(incidentId)).collectAsList();
    if (summaries.isEmpty()) {
      System.out.printf("seed %d: the outage %s was not found%n", seed, incidentId);
      return;
    }
    Row summary = summaries.get(0);
    System.out.printf(Locale.ROOT, "seed %d: %s, root %s, %d min (incidents %.2f / %.2f / %.2f h), detected %.2f h,"
        + " rebound scale %s%n", seed, start, root, minutes, hours[0], hours[1], hours[2],
        ((Number) summary.getAs("duration_minutes")).doubleValue() / 60, rebound);

    Map<String, Row> scenario = new HashMap<>();
    for (Row r : spark.read().parquet(Published.table(out, "duration_scenarios"))
        .filter(col("incident_id").equalTo(incidentId)).collectAsList()) {
      scenario.put(key(r.getAs("sector"), r.getAs("duration_hours")), r);
    }
    double[] trueTotal = new double[3];
    double[] modelTotal = new double[3];
    Map<String, double[]> sectorTruth = new HashMap<>();
    Map<String, double[]> sectorSd = new HashMap<>();
    double[] totalSd = new double[3];
    for (int i = 0; i < 3; i++) {
      Path data = dir.resolve("data-" + LABELS[i]);
      double total = 0;
      double variance = 0;
      for (Row t : csv(data.resolve("truth/sectors")).collectAsList()) {
        String sector = t.getAs("sector");
        double truth = number(t, "net_loss");
        double sd = number(t, "counterfactual_sd");
        total += truth;
        variance += sd * sd;
        sectorTruth.computeIfAbsent(sector, x -> new double[3])[i] = truth;
        sectorSd.computeIfAbsent(sector, x -> new double[3])[i] = sd;
        if (sd <= 0) {
          continue; // a sector the outage did not reach
        }
        Row e = scenario.get(key(sector, hours[i]));
        boolean ok = sectors.computeIfAbsent(LABELS[i], l -> new Tally()).add(e, truth, sd, 0.10);
        if (!ok) {
          sectorMissesByName.merge(LABELS[i] + " " + sector, 1, Integer::sum);
          System.out.printf(Locale.ROOT, "  %-8s %-20s model %10.0f true %10.0f (%+.1f%%, %+.2f SD)%n", LABELS[i],
              sector, e.<Double>getAs("net_loss"), truth, 100 * (e.<Double>getAs("net_loss") / truth - 1),
              (e.<Double>getAs("net_loss") - truth) / sd);
        }
      }
      Row e = scenario.get(key("ALL", hours[i]));
      totals.computeIfAbsent(LABELS[i], l -> new Tally()).add(e, total, Math.sqrt(variance), 0.10);
      trueTotal[i] = total;
      totalSd[i] = Math.sqrt(variance);
      modelTotal[i] = e.getAs("net_loss");
      Dataset<Row> truthPolicies = csv(data.resolve("truth/policies"));
      Row paid = truthPolicies.agg(functions.sum("payout"),
          functions.sqrt(functions.sum(functions.pow(col("covered_sd"), 2)))).first();
      insuredAtDuration.computeIfAbsent(LABELS[i], l -> new Tally()).addPoint(e.getAs("insured_loss"),
          optional(e, "insured_loss_low"), optional(e, "insured_loss_high"), number(paid, 0), number(paid, 1), 0.10);
      System.out.printf(Locale.ROOT, "  %-8s %5.2f h total model %10.0f [%10.0f, %10.0f] true %10.0f (%+.1f%%);"
              + " insured model %9.0f true %9.0f%n", LABELS[i], hours[i], modelTotal[i],
          e.<Double>getAs("net_loss_low"), e.<Double>getAs("net_loss_high"), total, 100 * (modelTotal[i] / total - 1),
          e.<Double>getAs("insured_loss"), number(paid, 0));
    }
    // Per sector, the model's own part: its growth from the observed duration against the truth's.
    for (Map.Entry<String, double[]> e : sectorTruth.entrySet()) {
      Row observedRow = scenario.get(key(e.getKey(), hours[1]));
      double[] t = e.getValue();
      if (observedRow == null || t[1] <= 0 || observedRow.<Double>getAs("net_loss") <= 0) {
        continue;
      }
      for (int i : new int[] {0, 2}) {
        double model = scenario.get(key(e.getKey(), hours[i])).<Double>getAs("net_loss")
            / observedRow.<Double>getAs("net_loss");
        (i == 0 ? sectorRatioErrorsHalf : sectorRatioErrorsDouble).add(model / (t[i] / t[1]) - 1);
        double sd = sectorSd.get(e.getKey())[i];
        if (sd > 0) {
          growthAloneSectors.computeIfAbsent(LABELS[i], l -> new Tally()).addPoint(t[1] * model, null, null, t[i],
              sd, 0.10);
        }
      }
    }
    for (int i : new int[] {0, 2}) {
      double model = modelTotal[i] / modelTotal[1];
      double truth = trueTotal[i] / trueTotal[1];
      ratioErrors.add(model / truth - 1);
      growthAloneTotals.computeIfAbsent(LABELS[i], l -> new Tally()).addPoint(trueTotal[1] * model, null, null,
          trueTotal[i], totalSd[i], 0.10);
      System.out.printf(Locale.ROOT, "  growth to %s: model %.3f, truth %.3f (%+.1f%%)%n", LABELS[i], model, truth,
          100 * (model / truth - 1));
    }
    insured(dir.resolve("data-observed"), out, incidentId);
  }

  /** insured_impact of the observed run against its truth/policies. */
  private void insured(Path data, Path out, String incidentId) {
    Dataset<Row> truthPolicies = csv(data.resolve("truth/policies"));
    Map<String, List<Row>> truthByBusiness = new HashMap<>();
    for (Row r : truthPolicies.collectAsList()) {
      truthByBusiness.computeIfAbsent(r.getAs("business_id"), b -> new ArrayList<>()).add(r);
      policies++;
      policiesTriggered += r.<Boolean>getAs("triggered") ? 1 : 0;
    }
    for (Row e : spark.read().parquet(Published.table(out, "insured_impact"))
        .filter(col("incident_id").equalTo(incidentId)).collectAsList()) {
      List<Row> ts = truthByBusiness.get(e.<String>getAs("business_id"));
      if (ts == null || ts.size() != 1) {
        continue; // the generator gives at most one policy per business
      }
      Row t = ts.get(0);
      double margin = Math.abs(number(t, "downtime_minutes") - 60 * number(t, "waiting_period_hours"));
      if (margin > 15) {
        triggerChecked++;
        triggerExact += t.<Boolean>getAs("triggered").equals(e.<Boolean>getAs("triggered")) ? 1 : 0;
      }
    }
    Map<String, Row> payoutTruth = new HashMap<>();
    for (Row r : truthPolicies.groupBy("sector").agg(functions.sum("payout").as("payout"),
        functions.sqrt(functions.sum(functions.pow(col("covered_sd"), 2))).as("covered_sd")).collectAsList()) {
      payoutTruth.put(r.getAs("sector"), r);
    }
    for (Row e : spark.read().parquet(Published.table(out, "insured_sector_impact"))
        .filter(col("incident_id").equalTo(incidentId)).collectAsList()) {
      Row t = payoutTruth.get(e.<String>getAs("sector"));
      if (t == null || number(t, "covered_sd") <= 0) {
        continue; // no policy in the sector, or none that saw any loss
      }
      insuredSectors.addPoint(e.getAs("insured_loss"), e.getAs("insured_loss_low"), e.getAs("insured_loss_high"),
          number(t, "payout"), number(t, "covered_sd"), 0.05);
    }
    Row summary = spark.read().parquet(Published.table(out, "incident_summary"))
        .filter(col("incident_id").equalTo(incidentId)).first();
    Row paid = truthPolicies.agg(functions.sum("payout"),
        functions.sqrt(functions.sum(functions.pow(col("covered_sd"), 2)))).first();
    insuredTotals.addPoint(summary.getAs("insured_loss"), summary.getAs("insured_loss_low"),
        summary.getAs("insured_loss_high"), number(paid, 0), number(paid, 1), 0.02);
    System.out.printf(Locale.ROOT, "  insured_impact total %.0f [%.0f, %.0f] true %.0f (%+.1f%%, %+.2f σ)%n",
        summary.<Double>getAs("insured_loss"), summary.<Double>getAs("insured_loss_low"),
        summary.<Double>getAs("insured_loss_high"), number(paid, 0),
        100 * (summary.<Double>getAs("insured_loss") / number(paid, 0) - 1),
        (summary.<Double>getAs("insured_loss") - number(paid, 0)) / number(paid, 1));
  }

  private void summary(int seeds) {
    System.out.printf(Locale.ROOT, "%n== %d seeds ==%n", seeds);
    System.out.println("duration_scenarios net_loss, within max(10%, 2.5 SD) / 90% interval holds the truth:");
    for (String label : LABELS) {
      System.out.printf(Locale.ROOT, "  %-8s total   %s%n", label, totals.get(label));
      System.out.printf(Locale.ROOT, "  %-8s sectors %s%n", label, sectors.get(label));
    }
    double mean = ratioErrors.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    System.out.printf(Locale.ROOT, "growth from the observed duration, model over truth - 1: half %s; double %s%n",
        range(ratioErrors, 0), range(ratioErrors, 1));
    System.out.printf(Locale.ROOT, "  (mean of both %+.1f%%)%n", 100 * mean);
    System.out.printf(Locale.ROOT, "sectors' growth (with a positive loss at the observed duration), model over truth - 1:"
        + " half %s, median |error| %.1f%%; double %s, median |error| %.1f%%%n", range(sectorRatioErrorsHalf, -1),
        100 * medianAbs(sectorRatioErrorsHalf), range(sectorRatioErrorsDouble, -1), 100 * medianAbs(sectorRatioErrorsDouble));
    System.out.println("sector misses by duration and sector: " + sectorMissesByName);
    System.out.println("the model's growth applied to the true net loss at the observed duration (sectors with a"
        + " positive measured loss there), within max(10%, 2.5 SD):");
    for (String label : growthAloneTotals.keySet()) {
      System.out.printf(Locale.ROOT, "  %-8s total   %s%n", label, growthAloneTotals.get(label));
      System.out.printf(Locale.ROOT, "  %-8s sectors %s%n", label, growthAloneSectors.getOrDefault(label, new Tally()));
    }
    System.out.println("duration_scenarios insured_loss (total), within max(10%, 2.5 SD of the covers):");
    for (String label : LABELS) {
      System.out.printf(Locale.ROOT, "  %-8s %s%n", label, insuredAtDuration.get(label));
    }
    System.out.printf(Locale.ROOT, "insured_impact total, within max(2%%, 2.5σ): %s%n", insuredTotals);
    System.out.printf(Locale.ROOT, "insured_impact sectors, within max(5%%, 2.5σ): %s%n", insuredSectors);
    System.out.printf(Locale.ROOT, "policies %d, triggered %d; triggered exact %d of %d more than 15 min from the"
        + " waiting period%n", policies, policiesTriggered, triggerExact, triggerChecked);
  }

  private static double medianAbs(List<Double> errors) {
    double[] a = errors.stream().mapToDouble(Math::abs).sorted().toArray();
    return a.length == 0 ? 0 : a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  /** Mean, min and max of every other error from {@code parity} (0 or 1), or of all (-1). */
  private static String range(List<Double> errors, int parity) {
    List<Double> picked = new ArrayList<>();
    for (int i = Math.max(0, parity); i < errors.size(); i += parity < 0 ? 1 : 2) {
      picked.add(errors.get(i));
    }
    double mean = picked.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double min = picked.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double max = picked.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    return String.format(Locale.ROOT, "mean %+.1f%%, from %+.1f%% to %+.1f%%", 100 * mean, 100 * min, 100 * max);
  }

  /** Pairs of estimate and truth: how many within tolerance, how many intervals hold the truth, the errors. */
  private static final class Tally {
    int n;
    int within;
    int covered;
    int intervals;
    double zSum;
    double zSquares;
    double relSum;

    boolean add(Row e, double truth, double sd, double share) {
      if (e == null) {
        n++;
        System.out.println("  (no scenario row)");
        return false;
      }
      return addPoint(e.getAs("net_loss"), e.getAs("net_loss_low"), e.getAs("net_loss_high"), truth, sd, share);
    }

    boolean addPoint(Double estimate, Double low, Double high, double truth, double sd, double share) {
      n++;
      double value = estimate == null ? 0 : estimate;
      double z = sd > 0 ? (value - truth) / sd : 0;
      zSum += z;
      zSquares += z * z;
      relSum += truth != 0 ? value / truth - 1 : 0;
      boolean ok = Math.abs(value - truth) <= Math.max(share * Math.abs(truth), 2.5 * sd);
      within += ok ? 1 : 0;
      if (low != null && high != null) {
        intervals++;
        covered += low <= truth && truth <= high ? 1 : 0;
      }
      return ok;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "n %d, within %d (%.3f), interval holds %d of %d, mean error %+.2f SD"
              + " (RMS %.2f), mean relative error %+.1f%%", n, within, within / (double) n, covered, intervals,
          zSum / n, Math.sqrt(zSquares / n), 100 * relSum / n);
    }
  }

  private Dataset<Row> csv(Path folder) {
    return spark.read().option("header", true).option("inferSchema", true).csv(folder.toString());
  }

  private static double number(Row r, String column) {
    return ((Number) r.getAs(column)).doubleValue();
  }

  private static double number(Row r, int i) {
    return r.get(i) == null ? 0 : ((Number) r.get(i)).doubleValue();
  }

  /** A column an older build may not write: null when absent. */
  private static Double optional(Row r, String column) {
    return java.util.Arrays.asList(r.schema().fieldNames()).contains(column) ? r.getAs(column) : null;
  }

  private static String key(String sector, double hours) {
    return sector + "@" + String.format(Locale.ROOT, "%.4f", hours);
  }
}

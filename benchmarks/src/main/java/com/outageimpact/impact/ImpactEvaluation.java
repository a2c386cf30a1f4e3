package com.outageimpact.impact;

import static org.apache.spark.sql.functions.col;

import com.outageimpact.Published;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.outageimpact.RunJob;
import com.outageimpact.SparkTestSession;
import com.outageimpact.generate.GenerateJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Impact quality over many seeded scenarios, for docs/impact.md and closing notes (not a test: it
 * prints figures). Per seed, an outage of its own (start, length, root, rebound scale); per
 * sector, the net loss error in units of the truth's σ and whether the 90% interval covers the
 * truth; per scenario, the total's signed error (for bias) beside a naive estimate: the sector's
 * average hourly revenue over the weeks before times the outage hours.
 *
 * <p>Usage: {@code ImpactEvaluation <work dir> <first seed> <seeds> [businesses] [transactions] [weeks]}.
 */
public final class ImpactEvaluation {

  private static final String[] ROOTS = {"bgp-core", "dns", "backbone", "auth", "dc-west"};
  private static final int[] MINUTES = {60, 120, 240, 330, 480};

  public static void main(String[] args) throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path work = Path.of(args[0]);
    long first = Long.parseLong(args[1]);
    int seeds = Integer.parseInt(args[2]);
    String businesses = args.length > 3 ? args[3] : "150";
    String transactions = args.length > 4 ? args[4] : "200000";
    // Weeks of history before the outage day (the generator's --weeks): fewer leave fewer baseline weeks covered.
    String weeks = args.length > 5 ? args[5] : "5";
    int pairs = 0;
    int covered = 0;
    int within = 0;
    int missed = 0;
    int services = 0;
    List<Double> startErrors = new ArrayList<>();
    List<Double> endErrors = new ArrayList<>();
    List<Double> reportEndErrors = new ArrayList<>();
    int extra = 0;
    double squares = 0;
    List<Double> totalErrors = new ArrayList<>();
    List<Double> naiveErrors = new ArrayList<>();
    for (long seed = first; seed < first + seeds; seed++) {
      SplittableRandom rng = new SplittableRandom(seed * 104_729);
      Path dir = work.resolve("seed-" + seed);
      Instant start = Instant.parse("2021-10-04T00:00:00Z").plusSeconds(60L * rng.nextLong(6 * 24 * 60));
      int minutes = MINUTES[rng.nextInt(MINUTES.length)];
      if (!Files.exists(dir.resolve("data/truth/truth.json"))) {
        GenerateJob.run(spark, GenerateJob.options().parse(new String[] {"--out", dir.resolve("data").toString(),
            "--seed", Long.toString(seed), "--businesses", businesses, "--transactions", transactions,
            "--bad-rows", "1", "--outage-start", start.toString(), "--outage-minutes", Integer.toString(minutes),
            "--root", ROOTS[rng.nextInt(ROOTS.length)],
            "--rebound-scale", String.format(Locale.ROOT, "%.2f", 0.5 + rng.nextDouble()), "--weeks", weeks}));
      }
      RunJob.run(spark, RunJob.options().parse(new String[] {
          "--data", dir.resolve("data").toString(), "--out", dir.resolve("out").toString()}));
      // The incident to compare is the generated outage (its declared id). Any other incident is a
      // false detection: counted and reported, not compared with the outage's truth.
      JsonNode truthJson = new ObjectMapper().readTree(dir.resolve("data/truth/truth.json").toFile());
      String incidentId = truthJson.get("incident").get("id").asText();
      Column outage = col("incident_id").equalTo(incidentId);
      List<Row> incidents = spark.read().parquet(Published.table(dir.resolve("out"), "incident_summary"))
          .select("incident_id").collectAsList();
      if (incidents.stream().noneMatch(r -> r.getString(0).equals(incidentId))) {
        System.out.printf("seed %d: the outage %s was not found; incidents %s%n", seed, incidentId, incidents);
        missed++;
        continue;
      }
      extra += incidents.size() - 1;
      Map<String, Row> truth = new HashMap<>();
      for (Row r : spark.read().option("header", true).option("inferSchema", true)
          .csv(dir.resolve("data/truth/sectors").toString()).collectAsList()) {
        truth.put(r.getAs("sector"), r);
      }
      for (Row e : spark.read().parquet(Published.table(dir.resolve("out"), "sector_impact")).filter(outage).collectAsList()) {
        Row t = truth.get(e.<String>getAs("sector"));
        double trueNet = ((Number) t.getAs("net_loss")).doubleValue();
        double sd = ((Number) t.getAs("counterfactual_sd")).doubleValue();
        if (sd <= 0) {
          continue; // a sector the outage did not reach: nothing to estimate
        }
        double z = (e.<Double>getAs("net_loss") - trueNet) / sd;
        pairs++;
        squares += z * z;
        within += Math.abs(e.<Double>getAs("net_loss") - trueNet) <= Math.max(0.05 * Math.abs(trueNet), 2.5 * sd) ? 1 : 0;
        covered += e.<Double>getAs("net_loss_low") <= trueNet && trueNet <= e.<Double>getAs("net_loss_high") ? 1 : 0;
      }
      // The full run's windows (refined by failed transactions) against each impaired service's truth.
      Map<String, Row> windows = new HashMap<>();
      for (Row w : spark.read().parquet(Published.table(dir.resolve("out"), "outage_windows"))
          .filter(outage.and(col("region").equalTo("ALL"))).collectAsList()) {
        windows.put(w.getAs("service"), w);
      }
      for (JsonNode c : truthJson.get("components")) {
        if ("service".equals(c.get("kind").asText()) && !"up".equals(c.get("state").asText())) {
          Row w = windows.get(c.get("id").asText());
          services++;
          if (w != null) {
            startErrors.add(minutes(c.get("impact_start").asText(), w.getAs("start")));
            endErrors.add(minutes(c.get("impact_end").asText(), w.getAs("end")));
            reportEndErrors.add(minutes(c.get("impact_end").asText(), w.getAs("report_end")));
          }
        }
      }
      JsonNode totals = truthJson.get("totals");
      Row summary = spark.read().parquet(Published.table(dir.resolve("out"), "incident_summary")).filter(outage).first();
      double trueTotal = totals.get("net_loss").asDouble();
      totalErrors.add(summary.<Double>getAs("net_loss") - trueTotal);
      // Naive: the sectors' average hourly revenue (over the analysis window) x the outage hours.
      double hours = ((Number) summary.getAs("duration_minutes")).doubleValue() / 60;
      double windowHours = hours + com.outageimpact.detect.AnalysisWindow.PAD.toMinutes() / 60.0 + 6;
      double naive = summary.<Double>getAs("expected_value") / windowHours * hours;
      naiveErrors.add(naive - trueTotal);
      System.out.printf(Locale.ROOT, "seed %d: %s, %d min; total net %.0f, true %.0f (σ %.0f), naive %.0f%n", seed,
          start, minutes, summary.<Double>getAs("net_loss"), trueTotal, totals.get("counterfactual_sd").asDouble(),
          naive);
    }
    System.out.printf(Locale.ROOT, "%nsector-scenario pairs %d: RMS error %.2fσ; within max(5%%, 2.5σ) %d (%.3f);"
        + " 90%% intervals covering the truth %d (%.3f)%n", pairs, Math.sqrt(squares / pairs), within,
        within / (double) pairs, covered, covered / (double) pairs);
    System.out.printf(Locale.ROOT, "outages not found %d; other incidents (false detections) %d%n", missed, extra);
    System.out.printf(Locale.ROOT, "total net loss: mean signed error %s; naive estimate %s%n",
        meanAndError(totalErrors), meanAndError(naiveErrors));
    System.out.printf(Locale.ROOT, "impaired services %d, with a window %d; start within 10 min %d, max |error| %.1f;"
        + " end within 30 min %d, max |error| %.1f; the reports' own end within 30 min %d%n", services,
        startErrors.size(), within(startErrors, 10), maxAbs(startErrors), within(endErrors, 30), maxAbs(endErrors),
        within(reportEndErrors, 30));
    spark.stop();
  }

  private static double minutes(String truth, java.sql.Timestamp detected) {
    return (detected.toInstant().getEpochSecond() - Instant.parse(truth).getEpochSecond()) / 60.0;
  }

  private static long within(List<Double> errors, double minutes) {
    return errors.stream().filter(e -> Math.abs(e) <= minutes).count();
  }

  private static double maxAbs(List<Double> errors) {
    return errors.stream().mapToDouble(Math::abs).max().orElse(0);
  }

  private static String meanAndError(List<Double> errors) {
    double mean = errors.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double var = errors.stream().mapToDouble(e -> (e - mean) * (e - mean)).sum() / Math.max(1, errors.size() - 1);
    return String.format(Locale.ROOT, "%+.0f ± %.0f (standard error), RMS %.0f", mean, Math.sqrt(var / errors.size()),
        Math.sqrt(errors.stream().mapToDouble(e -> e * e).average().orElse(0)));
  }
}

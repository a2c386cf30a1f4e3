package com.outageimpact.impact;

import static org.apache.spark.sql.functions.col;

import com.outageimpact.Published;
import com.outageimpact.RunJob;
import com.outageimpact.SparkTestSession;
import com.outageimpact.impact.SecondFamily.Feature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Issue #19's matrix on the second scenario family ({@link SecondFamily}): per cell (the plain
 * world, each feature alone, all together) and seed, generate, run {@code run}, and compare the
 * outputs with the truth (not a test: it prints figures).
 *
 * <p>Per sector, z = (estimate − truth) / SD with SD = the estimate's 90% half-width / 1.645
 * (the interval is Student's t, so this SD is a little larger than the one the estimator used);
 * also the error in the truth's noise SDs. Per cell: bias (mean z, with its standard error over
 * the sector-seed pairs), RMS z, RMS in noise SDs, sector and business coverage of the 90%
 * intervals, and the total's error in %, with the gross loss's and the recovered's.
 *
 * <p>Usage: {@code FamilyMatrixEvaluation <work dir> <first seed> <seeds> [cells...]}; cells are
 * {@code plain}, a feature's name in lower case with dashes ({@code sizes}, {@code day-level},
 * {@code growth}, {@code degradation}, {@code rebound}, {@code subset}, {@code currencies},
 * {@code offsets}) or {@code all}; default every one. BUSINESSES (200) and TRANSACTIONS (200000)
 * in the environment set the size. A seed's data is kept; its run is redone.
 */
public final class FamilyMatrixEvaluation {

  static final class Cell {
    final String name;
    final List<Double> sectorZ = new ArrayList<>();
    final List<Double> sectorNoiseZ = new ArrayList<>();
    int sectorCovered;
    int businesses;
    int businessCovered;
    final List<Double> totalPct = new ArrayList<>();
    final List<Double> totalZ = new ArrayList<>();
    final List<Double> totalNoiseZ = new ArrayList<>();
    final List<Double> grossPct = new ArrayList<>();
    final List<Double> recoveredPct = new ArrayList<>();
    int runs;
    int missed;
    int extra;
    double seconds;

    Cell(String name) {
      this.name = name;
    }
  }

  public static void main(String[] args) throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path work = Path.of(args[0]);
    long first = Long.parseLong(args[1]);
    int seeds = Integer.parseInt(args[2]);
    int businesses = Integer.parseInt(System.getenv().getOrDefault("BUSINESSES", "200"));
    int transactions = Integer.parseInt(System.getenv().getOrDefault("TRANSACTIONS", "200000"));
    Map<String, EnumSet<Feature>> cells = new LinkedHashMap<>();
    cells.put("plain", EnumSet.noneOf(Feature.class));
    for (Feature f : Feature.values()) {
      cells.put(name(f), EnumSet.of(f));
    }
    cells.put("all", EnumSet.allOf(Feature.class));
    List<String> chosen = args.length > 3 ? List.of(args).subList(3, args.length) : new ArrayList<>(cells.keySet());
    for (String c : chosen) {
      if (!cells.containsKey(c)) {
        throw new IllegalArgumentException("unknown cell " + c + "; cells: " + cells.keySet());
      }
    }
    Path graph = SecondFamily.sampleGraph();
    List<Cell> results = new ArrayList<>();
    for (String name : chosen) {
      Cell cell = new Cell(name);
      results.add(cell);
      for (long seed = first; seed < first + seeds; seed++) {
        long t0 = System.nanoTime();
        Path dir = work.resolve(name).resolve("seed-" + seed);
        SecondFamily.Config config = new SecondFamily.Config(seed, businesses, transactions, cells.get(name), true);
        if (!Files.exists(dir.resolve("data/truth/truth.json"))) {
          SecondFamily.write(dir.resolve("data"), config, graph);
        }
        double generated = (System.nanoTime() - t0) / 1e9;
        RunJob.run(spark, RunJob.options().parse(new String[] {
            "--data", dir.resolve("data").toString(), "--out", dir.resolve("out").toString()}));
        double ran = (System.nanoTime() - t0) / 1e9 - generated;
        evaluate(spark, dir, seed, cell);
        cell.seconds += (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "  (%s seed %d: generated in %.0f s, run in %.0f s)%n", name, seed, generated, ran);
      }
      print(List.of(cell), "cell " + name + " done");
    }
    print(results, String.format(Locale.ROOT, "second family, seeds %d to %d, %d businesses, %d transactions",
        first, first + seeds - 1, businesses, transactions));
    spark.stop();
  }

  static String name(Feature f) {
    return f.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static void evaluate(SparkSession spark, Path dir, long seed, Cell cell) throws IOException {
    Map<String, String> truthJson = flatJson(Files.readString(dir.resolve("data/truth/truth.json")));
    long outageStart = java.time.Instant.parse(truthJson.get("outage_start")).getEpochSecond();
    long outageEnd = java.time.Instant.parse(truthJson.get("outage_end")).getEpochSecond();
    // The incident to compare: the one overlapping the true outage most; any other is a false detection.
    List<Row> incidents = spark.read().parquet(Published.table(dir.resolve("out"), "incident_summary"))
        .select("incident_id", "start", "end", "net_loss", "net_loss_low", "net_loss_high", "gross_loss", "recovered")
        .collectAsList();
    Row best = null;
    long bestOverlap = 0;
    for (Row r : incidents) {
      long s = ((Timestamp) r.getAs("start")).toInstant().getEpochSecond();
      long e = ((Timestamp) r.getAs("end")).toInstant().getEpochSecond();
      long overlap = Math.min(e, outageEnd) - Math.max(s, outageStart);
      if (overlap > bestOverlap) {
        bestOverlap = overlap;
        best = r;
      }
    }
    if (best == null || best.isNullAt(3)) {
      System.out.printf("%s seed %d: the outage was not found or not estimated; incidents %s%n", cell.name, seed,
          incidents);
      cell.missed++;
      return;
    }
    cell.runs++;
    cell.extra += incidents.size() - 1;
    String id = best.getAs("incident_id");
    Map<String, String[]> sectors = readCsv(dir.resolve("data/truth/sectors.csv"));
    Map<String, String[]> truthBusinesses = readCsv(dir.resolve("data/truth/businesses.csv"));
    // sectors.csv: sector,hit,counterfactual_value,actual_value,gross_loss,recovered,net_loss,noise_sd
    StringBuilder line = new StringBuilder();
    for (Row e : spark.read().parquet(Published.table(dir.resolve("out"), "sector_impact"))
        .filter(col("incident_id").equalTo(id)).collectAsList()) {
      String[] t = sectors.get(e.<String>getAs("sector"));
      if (t == null || !Boolean.parseBoolean(t[1])) {
        continue; // no hit stream: nothing to estimate
      }
      double truth = Double.parseDouble(t[6]);
      double noise = Double.parseDouble(t[7]);
      double est = e.getAs("net_loss");
      double low = e.getAs("net_loss_low");
      double high = e.getAs("net_loss_high");
      double sd = (high - low) / 2 / 1.645;
      if (sd > 0) {
        cell.sectorZ.add((est - truth) / sd);
      }
      cell.sectorNoiseZ.add((est - truth) / noise);
      cell.sectorCovered += low <= truth && truth <= high ? 1 : 0;
      line.append(String.format(Locale.ROOT, " %s %+.1f", e.<String>getAs("sector"), (est - truth) / sd));
    }
    for (Row e : spark.read().parquet(Published.table(dir.resolve("out"), "business_impact"))
        .filter(col("incident_id").equalTo(id)).select("business_id", "net_loss_low", "net_loss_high").collectAsList()) {
      // businesses.csv: business_id,sector,hit,counterfactual_value,actual_value,gross_loss,recovered,net_loss,noise_sd
      String[] t = truthBusinesses.get(e.<String>getAs("business_id"));
      if (t == null || !Boolean.parseBoolean(t[2])) {
        continue;
      }
      double truth = Double.parseDouble(t[7]);
      cell.businesses++;
      cell.businessCovered += !e.isNullAt(1) && e.<Double>getAs("net_loss_low") <= truth
          && truth <= e.<Double>getAs("net_loss_high") ? 1 : 0;
    }
    double trueNet = Double.parseDouble(truthJson.get("total_net_loss"));
    double trueGross = Double.parseDouble(truthJson.get("total_gross_loss"));
    double trueRecovered = Double.parseDouble(truthJson.get("total_recovered"));
    double est = best.getAs("net_loss");
    double sd = (best.<Double>getAs("net_loss_high") - best.<Double>getAs("net_loss_low")) / 2 / 1.645;
    cell.totalPct.add(100 * (est - trueNet) / trueNet);
    cell.totalZ.add((est - trueNet) / sd);
    cell.totalNoiseZ.add((est - trueNet) / Double.parseDouble(truthJson.get("total_noise_sd")));
    cell.grossPct.add(100 * (best.<Double>getAs("gross_loss") - trueGross) / trueGross);
    cell.recoveredPct.add(100 * (best.<Double>getAs("recovered") - trueRecovered) / trueRecovered);
    System.out.printf(Locale.ROOT, "%s seed %d: root %s, %s to %s; total net %.0f, true %.0f (%+.1f%%, %+.2f SD);"
        + " gross %+.1f%%, recovered %+.1f%%; incidents %d; sector z:%s%n", cell.name, seed, truthJson.get("root"),
        truthJson.get("outage_start"), truthJson.get("outage_end"), est, trueNet, 100 * (est - trueNet) / trueNet,
        (est - trueNet) / sd, cell.grossPct.get(cell.grossPct.size() - 1),
        cell.recoveredPct.get(cell.recoveredPct.size() - 1), incidents.size(), line);
  }

  private static void print(List<Cell> cells, String title) {
    System.out.printf("%n%s%n%n", title);
    System.out.println("| cell | runs | sector bias (z ± SE) | sector RMS z | sector RMS (noise SD) | sector coverage"
        + " | business coverage | total error % (± SE) | total z (± SE) | total RMS (noise SD) | gross % | recovered % | other incidents |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (Cell c : cells) {
      System.out.printf(Locale.ROOT, "| %s | %d%s | %s | %.2f | %.2f | %d/%d (%.3f) | %d/%d (%.3f) | %s | %s | %.2f | %s | %s | %d |%n",
          c.name, c.runs, c.missed > 0 ? " (" + c.missed + " not found)" : "", meanSe(c.sectorZ, "%+.2f"),
          rms(c.sectorZ), rms(c.sectorNoiseZ), c.sectorCovered, c.sectorNoiseZ.size(),
          c.sectorCovered / (double) Math.max(1, c.sectorNoiseZ.size()), c.businessCovered, c.businesses,
          c.businessCovered / (double) Math.max(1, c.businesses), meanSe(c.totalPct, "%+.1f"),
          meanSe(c.totalZ, "%+.2f"), rms(c.totalNoiseZ), meanSe(c.grossPct, "%+.1f"), meanSe(c.recoveredPct, "%+.1f"), c.extra);
    }
    System.out.printf(Locale.ROOT, "(seconds per seed, generation and run: %s)%n%n",
        String.join(", ", cells.stream().map(c -> String.format(Locale.ROOT, "%s %.0f", c.name,
            c.seconds / Math.max(1, c.runs + c.missed))).toList()));
  }

  static String meanSe(List<Double> xs, String format) {
    if (xs.isEmpty()) {
      return "-";
    }
    double mean = xs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
    double var = xs.stream().mapToDouble(x -> (x - mean) * (x - mean)).sum() / Math.max(1, xs.size() - 1);
    return String.format(Locale.ROOT, format + " ± %.2f", mean, Math.sqrt(var / xs.size()));
  }

  static double rms(List<Double> xs) {
    return Math.sqrt(xs.stream().mapToDouble(x -> x * x).average().orElse(Double.NaN));
  }

  /** A CSV with a header and no quoting, keyed by its first column. */
  static Map<String, String[]> readCsv(Path file) throws IOException {
    Map<String, String[]> rows = new HashMap<>();
    List<String> lines = Files.readAllLines(file);
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",");
      rows.put(f[0], f);
    }
    return rows;
  }

  /** The top-level scalar fields of the truth's flat JSON, as text. */
  static Map<String, String> flatJson(String json) {
    Map<String, String> fields = new HashMap<>();
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("^  \"([a-z_]+)\": \"?([^\",{\n]*)\"?,?$", java.util.regex.Pattern.MULTILINE).matcher(json);
    while (m.find()) {
      fields.put(m.group(1), m.group(2));
    }
    return fields;
  }
}

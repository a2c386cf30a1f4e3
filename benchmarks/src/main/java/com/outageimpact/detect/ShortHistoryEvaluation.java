package com.outageimpact.detect;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.outageimpact.SparkTestSession;
import com.outageimpact.generate.GenerateJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Detection with only some hours of reports before a generated outage (an analyst's export of
 * the days around an incident, a new service): for each history length, the scenario's reports
 * from that long before the outage on are given to {@code detect}, and every impaired service's
 * across-regions window is compared with the truth (not a test: it prints figures).
 *
 * <p>Usage: {@code ShortHistoryEvaluation <work dir> [seed] [hours...]} (seeds as in
 * {@link DetectionEvaluation}, default 3; hours default 24 48 168 672); the generated scenario is
 * kept in the work dir and reused.
 */
public final class ShortHistoryEvaluation {

  private ShortHistoryEvaluation() {}

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 3;
    List<Integer> hours = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      hours.add(Integer.parseInt(args[i]));
    }
    if (hours.isEmpty()) {
      hours.addAll(List.of(24, 48, 168, 672));
    }
    List<String> options = new ArrayList<>(DetectionEvaluation.scenario(seed));
    int at = options.indexOf("--outage-start");
    // The generator's default outage start, for the fixed scenarios that keep it.
    Instant outage = Instant.parse(at < 0 ? "2021-10-04T15:39:00Z" : options.get(at + 1));
    SparkSession spark = SparkTestSession.get();
    Path full = work.resolve("seed-" + seed);
    if (!Files.exists(full.resolve("data/truth/truth.json"))) {
      List<String> generate = new ArrayList<>(List.of("--out", full.resolve("data").toString(), "--businesses", "30",
          "--transactions", "3000", "--bad-rows", "0", "--format", "parquet"));
      generate.addAll(options);
      GenerateJob.run(spark, GenerateJob.options().parse(generate.toArray(String[]::new)));
    }
    for (int h : hours) {
      Path dir = work.resolve("seed-" + seed + "-" + h + "h");
      if (!Files.exists(dir.resolve("data/truth/truth.json"))) {
        Dataset<Row> reports = spark.read().parquet(full.resolve("data/reports").toString());
        if (List.of(reports.columns()).contains("date")) {
          reports = reports.drop("date");
        }
        reports.filter(col("reported_at").geq(lit(Timestamp.from(outage.minus(Duration.ofHours(h))))))
            .coalesce(2).write().parquet(dir.resolve("data/reports").toString());
        Files.createDirectories(dir.resolve("data/truth"));
        Files.copy(full.resolve("data/truth/truth.json"), dir.resolve("data/truth/truth.json"));
      }
      DetectionScenarios.Outcome outcome = DetectionScenarios.detectOnly(dir);
      System.out.printf(Locale.ROOT, "%n%d h of history before the outage (%s): %d incident(s), %d false window(s)%n",
          h, String.join(" ", options), outcome.incidents().size(), outcome.falseWindows().size());
      for (DetectionScenarios.ServiceOutcome s : outcome.impaired()) {
        if (s.detected() == null) {
          System.out.printf(Locale.ROOT, "  %-14s %-8s MISSED%n", s.service(), s.state());
        } else {
          System.out.printf(Locale.ROOT, "  %-14s %-8s %-6s start %+6.1f  end %+6.1f (visible %+6.1f)  baseline %s%n",
              s.service(), s.state(), s.sparse() ? "sparse" : "", s.startErrorMinutes(), s.endErrorMinutes(),
              s.visibleEndErrorMinutes(), s.detected().baselineKind());
        }
      }
      for (OutageWindow w : outcome.falseWindows()) {
        System.out.printf("  FALSE WINDOW %s%n", w);
      }
    }
    spark.stop();
  }
}

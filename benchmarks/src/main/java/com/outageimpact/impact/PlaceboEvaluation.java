package com.outageimpact.impact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.outageimpact.SparkTestSession;
import com.outageimpact.cascade.Cascade;
import com.outageimpact.cascade.CascadeStage;
import com.outageimpact.cascade.ServiceImpacts.ComponentImpact;
import com.outageimpact.common.StageTimer;
import com.outageimpact.detect.DetectedIncident;
import com.outageimpact.detect.Footprint;
import com.outageimpact.detect.OutageWindow;
import com.outageimpact.ingest.IngestedData;
import com.outageimpact.ingest.IngestedInput;
import com.outageimpact.ingest.InputCounts;
import com.outageimpact.schema.Schemas;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Placebo tests of the loss estimate on real demand (issue 19; not a test: it prints figures).
 * NAB's NYC taxi series (passengers per 30 minutes, July 2014 to January 2015) becomes one
 * business's transactions through one service, one transaction per half hour worth its
 * passengers. Fake outages of 2 to 12 hours are placed at random where neither their analysis
 * window nor their level window meets a labelled anomaly; nothing happened there, so the true net
 * loss is zero and a 90% interval should contain zero about 90% of the time. Then the January
 * 2015 blizzard, with the window reports would have marked.
 *
 * <p>The estimate is {@link ImpactStage#estimate} itself, given the window (as the cascade would
 * hand it over): what is measured is the counterfactual and its interval, not detection.
 *
 * <p>Usage: {@code PlaceboEvaluation <nab dir> [placebos] [seed] [baseline weeks]}; passengers are
 * "money" here.
 */
public final class PlaceboEvaluation {

  private static final String SERVICE = "taxi";
  private static final DateTimeFormatter NAB_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]");
  private static final double RECOVERY_HOURS = 6;
  private static final double LEVEL_HOURS = 24;

  public static void main(String[] args) throws IOException {
    Path nab = Path.of(args[0]);
    int placebos = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
    int weeks = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    SparkSession spark = SparkTestSession.get();
    spark.sparkContext().setLogLevel("WARN");

    List<Row> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(nab.resolve("realKnownCause/nyc_taxi.csv"));
    Instant first = null;
    Instant last = null;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      Instant at = nabTime(f[0]);
      first = first == null ? at : first;
      last = at;
      rows.add(RowFactory.create("taxi-nyc", SERVICE, Timestamp.from(at), "succeeded", new BigDecimal(f[1])));
    }
    Dataset<Row> transactions = spark.createDataFrame(rows, new StructType()
            .add("business_id", DataTypes.StringType).add("service", DataTypes.StringType)
            .add("occurred_at", DataTypes.TimestampType).add("status", DataTypes.StringType)
            .add(Schemas.AMOUNT_REPORTING, Schemas.MONEY))
        .persist(StorageLevel.MEMORY_ONLY());
    Dataset<Row> businesses = spark.createDataFrame(List.of(
            RowFactory.create("taxi-nyc", "transport", "US", false, null, null)), new StructType()
            .add("business_id", DataTypes.StringType).add("sector", DataTypes.StringType)
            .add("region", DataTypes.StringType).add("critical", DataTypes.BooleanType)
            .add("sla_tier", DataTypes.StringType).add("monthly_fee", Schemas.MONEY));
    IngestedData data = new IngestedData("USD", null, null, Map.of(), null, null,
        new IngestedInput(businesses, counts("businesses", 1)), null, null,
        new IngestedInput(transactions, counts("transactions", rows.size())));

    List<Instant[]> labels = new ArrayList<>();
    JsonNode labelled = new ObjectMapper().readTree(nab.resolve("labels.json").toFile())
        .get("realKnownCause/nyc_taxi.csv");
    for (JsonNode l : labelled) {
      labels.add(new Instant[] {nabTime(l.get(0).asText()), nabTime(l.get(1).asText())});
    }

    // Room before for the baseline weeks and the level window, after for the recovery period.
    Instant earliest = first.plus(Duration.ofDays(7L * weeks + 2));
    Instant latest = last.minus(Duration.ofHours(12 + (long) RECOVERY_HOURS + 1));
    SplittableRandom rng = new SplittableRandom(seed);
    int covered = 0;
    int done = 0;
    double squares = 0;
    double relativeSquares = 0;
    double standardized = 0;
    System.out.printf("%-22s %6s %12s %12s %12s %12s %7s%n", "start", "hours", "expected", "net loss", "low", "high",
        "covers");
    while (done < placebos) {
      long span = latest.getEpochSecond() - earliest.getEpochSecond();
      // On the half-hour grid the data has; 2 to 12 hours.
      Instant start = Instant.ofEpochSecond((earliest.getEpochSecond() + rng.nextLong(span)) / 1800 * 1800);
      int halfHours = 4 + rng.nextInt(21);
      Instant end = start.plusSeconds(1800L * halfHours);
      Instant from = start.minus(com.outageimpact.detect.AnalysisWindow.PAD).minus(Duration.ofHours((long) LEVEL_HOURS));
      Instant to = end.plus(Duration.ofHours((long) RECOVERY_HOURS));
      if (labels.stream().anyMatch(l -> l[0].isBefore(to) && l[1].isAfter(from))) {
        continue;
      }
      Row r = estimate(spark, data, start, end, weeks);
      double net = r.getDouble(1);
      double half = r.getDouble(2);
      boolean covers = net - half <= 0 && 0 <= net + half;
      covered += covers ? 1 : 0;
      squares += net * net;
      relativeSquares += Math.pow(net / r.getDouble(0), 2);
      standardized += half > 0 ? Math.pow(net / (half / 1.645), 2) : 0;
      done++;
      System.out.printf("%-22s %6.1f %12.0f %12.0f %12.0f %12.0f %7s%n", start, halfHours / 2.0, r.getDouble(0), net,
          net - half, net + half, covers);
    }
    System.out.printf("%nplacebos %d, baseline weeks %d: the 90%% interval contains zero in %d (%.3f);"
        + " RMS net loss %.0f passengers (%.1f%% of expected); RMS of net loss / (half-width / 1.645) %.2f%n",
        done, weeks, covered, covered / (double) done, Math.sqrt(squares / done),
        100 * Math.sqrt(relativeSquares / done), Math.sqrt(standardized / done));

    // The blizzard: reports would mark the evening of 26 January to the end of the 27th (the travel
    // ban ran from 23:00 on the 26th to the morning of the 27th; the city was slow all that day).
    Instant blizzardStart = Instant.parse("2015-01-26T18:00:00Z");
    Instant blizzardEnd = Instant.parse("2015-01-28T00:00:00Z");
    Row b = estimate(spark, data, blizzardStart, blizzardEnd, weeks);
    System.out.printf("blizzard %s to %s (NAB local time read as UTC): expected %.0f passengers, net loss %.0f,"
        + " 90%% interval %.0f to %.0f%n", blizzardStart, blizzardEnd, b.getDouble(0), b.getDouble(1),
        b.getDouble(1) - b.getDouble(2), b.getDouble(1) + b.getDouble(2));
  }

  /** Expected value, net loss and its interval's half-width for one window of the taxi service. */
  private static Row estimate(SparkSession spark, IngestedData data, Instant start, Instant end, int weeks) {
    OutageWindow window = new OutageWindow(SERVICE, "ALL", start, start, end, end, start, 0, 0, 0);
    DetectedIncident incident = new DetectedIncident("placebo", List.of(window), null,
        new Footprint(new TreeSet<>(), new TreeSet<>(), new TreeSet<>(List.of("US"))));
    ComponentImpact impact = new ComponentImpact(SERVICE, "service", Cascade.State.DOWN, start, end, end,
        Duration.between(start, end).toSeconds() / 60.0, List.of(SERVICE), true, true);
    CascadeStage.Finding finding = new CascadeStage.Finding(incident, SERVICE, CascadeStage.RootSource.OPTION,
        null, List.of(), List.of(impact), List.of());
    ImpactStage.Impact result = ImpactStage.estimate(spark, data, finding, weeks,
        new ImpactParams(RECOVERY_HOURS, LEVEL_HOURS, null), 1800, new StageTimer());
    try {
      Row totals = result.totals();
      return RowFactory.create(totals.<Double>getAs("expected_value"), totals.<Double>getAs("net_loss"),
          result.netLossHalfWidth());
    } finally {
      result.release();
    }
  }

  private static InputCounts counts(String input, long rows) {
    return new InputCounts(input, "(in memory)", "memory", 1, null, 0, rows, rows, 0, 0, 0, Map.of());
  }

  /** NAB's timestamps carry no zone; its README says to read them as UTC. */
  private static Instant nabTime(String text) {
    return LocalDateTime.parse(text.trim(), NAB_TIME).toInstant(ZoneOffset.UTC);
  }
}

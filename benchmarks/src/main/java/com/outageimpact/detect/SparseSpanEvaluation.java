package com.outageimpact.detect;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes contract-shaped problem reports ({@code report_id,reported_at,service,region}, ISO-8601
 * with {@code Z}) for the two sizes issue 18 asks {@code detect} to handle (it prints figures
 * and asserts nothing; only the JDK is needed, so it can be compiled alone with {@code javac}):
 *
 * <ul>
 *   <li>{@code A OUTDIR [seed]}: 132 services, each reported on one day only (about 1,680 reports
 *       a service-day, a daily rhythm, a 1-2 hour surge in a third of them), the days spread
 *       uniformly over three years: about 221k reports in {@code OUTDIR/reports.csv}.
 *   <li>{@code B OUTDIR [seed]}: 500 services over one year, 10 million reports (Poisson around
 *       a daily and weekly curve, service sizes heavy-tailed (Zipf), a few multi-hour surges),
 *       partitioned by date: {@code OUTDIR/reports/date=YYYY-MM-DD/part-00000.csv}.
 * </ul>
 *
 * The planted surges go to {@code OUTDIR/truth.csv} ({@code service,region,start,end,multiplier}).
 */
public final class SparseSpanEvaluation {

  private static final String[] REGIONS = {"US", "GB", "DE", "FR", "IN"};
  private static final double[] REGION_WEIGHTS = {0.45, 0.2, 0.15, 0.1, 0.1};
  private static final int BUCKET = 300;
  private static final int BUCKETS_PER_DAY = 86_400 / BUCKET;
  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private SparseSpanEvaluation() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: SparseSpanEvaluation A|B OUTDIR [seed]");
      System.exit(2);
    }
    Path out = Path.of(args[1]);
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 18;
    Files.createDirectories(out);
    long t0 = System.nanoTime();
    long written = switch (args[0]) {
      case "A" -> caseA(out, new SplittableRandom(seed));
      case "B" -> caseB(out, new SplittableRandom(seed));
      default -> throw new IllegalArgumentException("case A or B, not " + args[0]);
    };
    System.out.printf(Locale.ROOT, "case %s: %,d reports written under %s in %.1f s%n", args[0], written, out,
        (System.nanoTime() - t0) / 1e9);
  }

  /** Daily rhythm: low at night (UTC 03:00), high in the afternoon; mean 1 over a day. */
  private static double daily(int bucketOfDay) {
    double hour = bucketOfDay * BUCKET / 3600.0;
    return 1 + 0.7 * Math.cos(2 * Math.PI * (hour - 15) / 24);
  }

  /** Case A: one day per service, the days uniform over 2022-01-01 .. 2024-12-31. */
  private static long caseA(Path out, SplittableRandom random) throws IOException {
    LocalDate from = LocalDate.of(2022, 1, 1);
    int days = (int) (LocalDate.of(2025, 1, 1).toEpochDay() - from.toEpochDay());
    long id = 0;
    try (BufferedWriter reports = Files.newBufferedWriter(out.resolve("reports.csv"), StandardCharsets.UTF_8);
        BufferedWriter truth = Files.newBufferedWriter(out.resolve("truth.csv"), StandardCharsets.UTF_8)) {
      reports.write("report_id,reported_at,service,region\n");
      truth.write("service,region,start,end,multiplier\n");
      for (int s = 0; s < 132; s++) {
        String service = String.format(Locale.ROOT, "svc-%03d", s);
        LocalDate day = from.plusDays(random.nextInt(days));
        long dayStart = day.toEpochDay() * 86_400;
        // ~1,680 a day in all: the surged third 1,320 of normal traffic and about 360 in the surge.
        boolean surged = s % 3 == 0;
        double perBucket = (surged ? 1_320 : 1_680) / (double) BUCKETS_PER_DAY;
        int surgeFrom = -1;
        int surgeTo = -1;
        double multiplier = 1;
        if (surged) {
          int length = 12 + random.nextInt(13); // 1 to 2 hours
          surgeFrom = 6 * 12 + random.nextInt(BUCKETS_PER_DAY - 6 * 12 - length - 12); // after 06:00, not at the end
          surgeTo = surgeFrom + length;
          multiplier = 1 + 360.0 / (length * perBucket * daily(surgeFrom + length / 2));
          truth.write(service + ",ALL," + ISO.format(Instant.ofEpochSecond(dayStart + (long) surgeFrom * BUCKET)) + ","
              + ISO.format(Instant.ofEpochSecond(dayStart + (long) surgeTo * BUCKET)) + ","
              + String.format(Locale.ROOT, "%.2f", multiplier) + "\n");
        }
        for (int b = 0; b < BUCKETS_PER_DAY; b++) {
          double lambda = perBucket * daily(b) * (b >= surgeFrom && b < surgeTo ? multiplier : 1);
          id = writeBucket(reports, random, "A", id, service, dayStart + (long) b * BUCKET, poisson(random, lambda));
        }
      }
    }
    return id;
  }

  private record Surge(int service, int region, long from, long to, double multiplier) {}

  /** Case B: 500 services over 2023, 10 million reports, Zipf sizes, a few multi-hour surges. */
  private static long caseB(Path out, SplittableRandom random) throws IOException {
    int services = 500;
    double total = 10_000_000;
    LocalDate from = LocalDate.of(2023, 1, 1);
    int days = 365;
    double[] weight = new double[services];
    double sum = 0;
    for (int s = 0; s < services; s++) {
      weight[s] = 1 / Math.pow(s + 1, 1.0);
      sum += weight[s];
    }
    // Mean of the daily x weekly curve is 1 (weekly: weekdays 1.08, weekends 0.8).
    double[] perBucket = new double[services];
    for (int s = 0; s < services; s++) {
      perBucket[s] = total * weight[s] / sum / (days * BUCKETS_PER_DAY);
    }
    List<Surge> surges = new ArrayList<>();
    long firstBucket = from.toEpochDay() * BUCKETS_PER_DAY;
    for (int k = 0; k < 8; k++) {
      long start = firstBucket + 35L * BUCKETS_PER_DAY + random.nextInt((days - 40) * BUCKETS_PER_DAY);
      long length = 2 * 12 + random.nextInt(5 * 12); // 2 to 7 hours
      int hit = 1 + random.nextInt(12);
      double multiplier = 4 + random.nextInt(12);
      int region = random.nextInt(3) == 0 ? random.nextInt(REGIONS.length) : -1; // a third regional
      for (int h = 0; h < hit; h++) {
        surges.add(new Surge(random.nextInt(services), region, start, start + length, multiplier));
      }
    }
    try (BufferedWriter truth = Files.newBufferedWriter(out.resolve("truth.csv"), StandardCharsets.UTF_8)) {
      truth.write("service,region,start,end,multiplier\n");
      for (Surge surge : surges) {
        truth.write(String.format(Locale.ROOT, "svc-%03d,%s,%s,%s,%.0f%n", surge.service(),
            surge.region() < 0 ? "ALL" : REGIONS[surge.region()], ISO.format(Instant.ofEpochSecond(surge.from() * BUCKET)),
            ISO.format(Instant.ofEpochSecond(surge.to() * BUCKET)), surge.multiplier()));
      }
    }
    long id = 0;
    String[] names = new String[services];
    for (int s = 0; s < services; s++) {
      names[s] = String.format(Locale.ROOT, "svc-%03d", s);
    }
    for (int d = 0; d < days; d++) {
      LocalDate day = from.plusDays(d);
      Path dir = out.resolve("reports").resolve("date=" + day);
      Files.createDirectories(dir);
      double weekly = day.getDayOfWeek().getValue() >= 6 ? 0.8 : 1.08;
      try (BufferedWriter reports = Files.newBufferedWriter(dir.resolve("part-00000.csv"), StandardCharsets.UTF_8)) {
        reports.write("report_id,reported_at,service,region\n");
        for (int b = 0; b < BUCKETS_PER_DAY; b++) {
          long bucket = day.toEpochDay() * BUCKETS_PER_DAY + b;
          double curve = daily(b) * weekly;
          for (int s = 0; s < services; s++) {
            double lambda = perBucket[s] * curve;
            double extra = 0; // a regional surge adds to its region only
            int surgeRegion = -1;
            for (Surge surge : surges) {
              if (surge.service() == s && bucket >= surge.from() && bucket < surge.to()) {
                if (surge.region() < 0) {
                  lambda *= surge.multiplier();
                } else {
                  surgeRegion = surge.region();
                  extra = lambda * REGION_WEIGHTS[surge.region()] * (surge.multiplier() - 1);
                }
              }
            }
            id = writeBucket(reports, random, "B", id, names[s], bucket * BUCKET, poisson(random, lambda));
            if (extra > 0) {
              int n = poisson(random, extra);
              for (int i = 0; i < n; i++) {
                id = writeReport(reports, random, "B", id, names[s], bucket * BUCKET, REGIONS[surgeRegion]);
              }
            }
          }
        }
      }
    }
    return id;
  }

  private static long writeBucket(BufferedWriter out, SplittableRandom random, String prefix, long id, String service,
      long bucketStart, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      double u = random.nextDouble();
      int r = 0;
      for (double acc = REGION_WEIGHTS[0]; r < REGIONS.length - 1 && u >= acc; acc += REGION_WEIGHTS[++r]) {
        // pick a region by weight
      }
      id = writeReport(out, random, prefix, id, service, bucketStart, REGIONS[r]);
    }
    return id;
  }

  private static long writeReport(BufferedWriter out, SplittableRandom random, String prefix, long id, String service,
      long bucketStart, String region) throws IOException {
    out.write(prefix);
    out.write(Long.toString(id));
    out.write(',');
    out.write(ISO.format(Instant.ofEpochSecond(bucketStart + random.nextInt(BUCKET))));
    out.write(',');
    out.write(service);
    out.write(',');
    out.write(region);
    out.write('\n');
    return id + 1;
  }

  /** Poisson: Knuth's product under 30, a rounded normal above (exact enough for counts). */
  static int poisson(SplittableRandom random, double lambda) {
    if (lambda <= 0) {
      return 0;
    }
    if (lambda < 30) {
      double limit = Math.exp(-lambda);
      double p = random.nextDouble();
      int k = 0;
      while (p > limit) {
        p *= random.nextDouble();
        k++;
      }
      return k;
    }
    double z = Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    return (int) Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
  }
}

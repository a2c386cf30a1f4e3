package com.outageimpact.detect;

import com.outageimpact.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Detection quality over many seeded scenarios, for docs/detection.md and closing notes (not a test:
 * it prints figures). Each seed draws its own outage: start anywhere in the last week, length
 * from half an hour to twelve hours, root component, and now and then one region only.
 *
 * <p>Usage: {@code DetectionEvaluation <work dir> <first seed> <seeds>}; generated data is kept
 * in the work dir and reused.
 */
public final class DetectionEvaluation {

  private static final String[] ROOTS = {"bgp-core", "dns", "backbone", "edge", "auth", "dc-east", "dc-west"};
  private static final int[] MINUTES = {30, 45, 60, 90, 120, 180, 330, 480, 720};
  private static final String[] REGIONS = {"US", "GB", "DE", "IN", "BR"};

  private static final String[] FIXED = {
      "--seed 3",
      "--seed 4 --outage-minutes 30",
      "--seed 5 --outage-minutes 720 --outage-start 2021-10-04T06:10:00Z",
      "--seed 6 --outage-start 2021-10-09T13:20:00Z --outage-minutes 150",
      "--seed 7 --outage-start 2021-10-05T02:05:00Z --outage-minutes 90 --root dns",
  };

  private DetectionEvaluation() {}

  /** The generator options of one seeded scenario; seeds from 1001 on are DetectionTest's fixed scenarios. */
  static List<String> scenario(long seed) {
    if (seed > 1000) {
      return List.of(FIXED[(int) (seed - 1001)].split(" "));
    }
    SplittableRandom rng = new SplittableRandom(seed * 7919);
    Instant weekStart = Instant.parse("2021-10-04T00:00:00Z");
    long startMinute = rng.nextLong(7 * 24 * 60 - 12 * 60);
    List<String> args = new ArrayList<>(List.of("--seed", Long.toString(seed),
        "--outage-start", weekStart.plusSeconds(startMinute * 60).toString(),
        "--outage-minutes", Integer.toString(MINUTES[rng.nextInt(MINUTES.length)]),
        "--root", ROOTS[rng.nextInt(ROOTS.length)], "--days-after", "1"));
    if (rng.nextInt(5) == 0) {
      args.addAll(List.of("--outage-regions", REGIONS[rng.nextInt(REGIONS.length)]));
    }
    return args;
  }

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    long first = Long.parseLong(args[1]);
    int seeds = Integer.parseInt(args[2]);
    int impaired = 0;
    int found = 0;
    int falseWindows = 0;
    int extraIncidents = 0;
    List<Double> startErrors = new ArrayList<>();
    List<Double> endErrors = new ArrayList<>();
    List<Double> visibleEndErrors = new ArrayList<>();
    List<Double> denseStartErrors = new ArrayList<>();
    List<Double> denseEndErrors = new ArrayList<>();
    List<Double> sparseStartErrors = new ArrayList<>();
    List<Double> sparseEndErrors = new ArrayList<>();
    for (long seed = first; seed < first + seeds; seed++) {
      Path dir = work.resolve("seed-" + seed);
      List<String> options = scenario(seed);
      long began = System.nanoTime();
      DetectionScenarios.Outcome outcome = Files.exists(dir.resolve("data/truth/truth.json"))
          ? DetectionScenarios.detectOnly(dir) : DetectionScenarios.run(dir, options.toArray(String[]::new));
      System.out.printf(Locale.ROOT, "seed %d %s: %d incident(s), %.0f s%n", seed, String.join(" ", options),
          outcome.incidents().size(), (System.nanoTime() - began) / 1e9);
      extraIncidents += Math.max(0, outcome.incidents().size() - 1);
      for (DetectionScenarios.ServiceOutcome s : outcome.impaired()) {
        impaired++;
        if (s.detected() == null) {
          System.out.printf(Locale.ROOT, "  %-14s %-8s MISSED%n", s.service(), s.state());
          continue;
        }
        found++;
        startErrors.add(s.startErrorMinutes());
        endErrors.add(s.endErrorMinutes());
        visibleEndErrors.add(s.visibleEndErrorMinutes());
        (s.sparse() ? sparseStartErrors : denseStartErrors).add(s.startErrorMinutes());
        (s.sparse() ? sparseEndErrors : denseEndErrors).add(s.visibleEndErrorMinutes());
        System.out.printf(Locale.ROOT, "  %-14s %-8s %-6s start %+6.1f  end %+6.1f (visible %+6.1f)%s%n",
            s.service(), s.state(), s.sparse() ? "sparse" : "", s.startErrorMinutes(), s.endErrorMinutes(),
            s.visibleEndErrorMinutes(),
            Math.abs(s.startErrorMinutes()) > 10 || Math.abs(s.visibleEndErrorMinutes()) > 30
                ? "  <-- out of tolerance" : "");
      }
      for (OutageWindow w : outcome.falseWindows()) {
        falseWindows++;
        System.out.printf("  FALSE WINDOW %s%n", w);
      }
    }
    int windows = found + falseWindows;
    System.out.printf(Locale.ROOT, "%nimpaired services %d, found %d (recall %.3f); false windows %d (precision %.3f);"
        + " extra incidents %d%n", impaired, found, found / (double) impaired, falseWindows,
        windows == 0 ? 1.0 : found / (double) windows, extraIncidents);
    System.out.printf(Locale.ROOT, "start error (min): %s%nend error (min): %s%n"
        + "end error against the end reports can show (min): %s%n", summary(startErrors, 10),
        summary(endErrors, 30), summary(visibleEndErrors, 30));
    System.out.printf(Locale.ROOT, "series with a report a bucket or more (%d): start %s; visible end %s%n",
        denseStartErrors.size(), summary(denseStartErrors, 10), summary(denseEndErrors, 30));
    System.out.printf(Locale.ROOT, "sparse series (%d): start %s; visible end %s%n", sparseStartErrors.size(),
        summary(sparseStartErrors, 30), summary(sparseEndErrors, 150));
    SparkTestSession.get().stop();
  }

  private static String summary(List<Double> errors, double tolerance) {
    if (errors.isEmpty()) {
      return "none";
    }
    double[] sorted = errors.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double[] absolute = errors.stream().mapToDouble(Math::abs).sorted().toArray();
    long within = Arrays.stream(absolute).filter(e -> e <= tolerance).count();
    return String.format(Locale.ROOT, "median %+.1f, mean %+.1f, |error| p90 %.1f, max %.1f; within %.0f min: %d/%d",
        sorted[sorted.length / 2], Arrays.stream(sorted).average().orElse(0), absolute[(int) (absolute.length * 0.9)],
        absolute[absolute.length - 1], tolerance, within, absolute.length);
  }
}

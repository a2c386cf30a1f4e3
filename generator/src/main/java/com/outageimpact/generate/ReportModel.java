package com.outageimpact.generate;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What drives user problem reports: a seasonal background per (service, region), a surge for each
 * impaired user-facing service in each affected region, and one false-alarm blip.
 */
final class ReportModel implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Share of reports without a region. */
  static final double MISSING_REGION = 0.04;
  /** Share of reports with a reporter hash. */
  static final double WITH_REPORTER = 0.8;
  /** Distinct potential reporters per unit of region population: small enough that some report twice. */
  static final long REPORTERS_PER_POPULATION = 1_000_000L;
  static final long RAMP_SECONDS = 300;

  /**
   * A surge: users notice {@code lagSeconds} after the service is hit, reports ramp up over five
   * minutes to {@code peak} x background while down (lower while degraded), then drain
   * exponentially after recovery.
   */
  record Surge(int service, int region, double peak, double degradedPeak, long lagSeconds, double decaySeconds,
      long[] starts, long[] ends, boolean[] down) implements Serializable {

    /** Reports above background, as a multiple of background, at {@code t}. */
    double excess(long t) {
      double x = 0;
      for (int i = 0; i < starts.length; i++) {
        long a = starts[i] + lagSeconds;
        long b = ends[i];
        if (t < a) {
          continue;
        }
        double level = (down[i] ? peak : degradedPeak) - 1;
        double v;
        if (t < b) {
          v = level * Math.min(1, (t - a) / (double) RAMP_SECONDS);
        } else {
          double atEnd = b > a ? level * Math.min(1, (b - a) / (double) RAMP_SECONDS) : 0;
          v = atEnd * Math.exp(-(t - b) / decaySeconds);
        }
        x = Math.max(x, v);
      }
      return x;
    }

    boolean downAt(long t) {
      for (int i = 0; i < starts.length; i++) {
        if (down[i] && t >= starts[i] && t < ends[i] + (long) decaySeconds) {
          return true;
        }
      }
      return false;
    }
  }

  /** A false alarm: {@code multiplier} x background on one service in one region for 10-15 minutes. */
  record Blip(int service, int region, long start, long end, double multiplier) implements Serializable {
    double excess(long t) {
      return t >= start && t < end ? multiplier - 1 : 0;
    }
  }

  final double[][] background; // [service][region]: reports per minute at mean daily activity
  final Surge[][] surges; // [service][region], null where none
  final Blip blip;
  final String[][] problems; // [service]

  private ReportModel(double[][] background, Surge[][] surges, Blip blip, String[][] problems) {
    this.background = background;
    this.surges = surges;
    this.blip = blip;
    this.problems = problems;
  }

  static ReportModel build(ScenarioConfig config, OutageSimulation sim, Timeline time, List<String> services,
      boolean[] regionAffected) {
    int nr = Catalog.REGIONS.length;
    double[][] background = new double[services.size()][nr];
    Surge[][] surges = new Surge[services.size()][nr];
    String[][] problems = new String[services.size()][];
    for (int s = 0; s < services.size(); s++) {
      String id = services.get(s);
      problems[s] = Catalog.problems(id);
      OutageSimulation.Outcome o = sim.outcome(id);
      List<OutageSimulation.Window> windows = o.windows();
      for (int r = 0; r < nr; r++) {
        background[s][r] = Catalog.reportBase(id) * Catalog.REPORT_POPULATION[r] * config.reportScale();
        if (windows.isEmpty() || !regionAffected[r]) {
          continue;
        }
        SplittableRandom rng = Rng.rng(config.seed(), Rng.tag("surge"), s, r);
        double peak = Rng.uniform(rng, 20, 100);
        long lag = 120 + rng.nextLong(181);
        double decay = Rng.uniform(rng, 1800, 2700);
        long[] starts = new long[windows.size()];
        long[] ends = new long[windows.size()];
        boolean[] down = new boolean[windows.size()];
        for (int i = 0; i < windows.size(); i++) {
          starts[i] = windows.get(i).start();
          ends[i] = windows.get(i).end();
          down[i] = windows.get(i).state() == OutageSimulation.State.DOWN;
        }
        surges[s][r] = new Surge(s, r, peak, 3 + 0.08 * peak, lag, decay, starts, ends, down);
      }
    }
    return new ReportModel(background, surges, blip(config, time, services), problems);
  }

  /**
   * The false alarm: on a day away from the outage, in local office hours of one region, on a
   * (service, region) with at least half the largest background, so that the blip is big enough
   * to fool a naive detector.
   */
  private static Blip blip(ScenarioConfig config, Timeline time, List<String> services) {
    SplittableRandom rng = Rng.rng(config.seed(), Rng.tag("blip"));
    double max = 0;
    for (String s : services) {
      for (double pop : Catalog.REPORT_POPULATION) {
        max = Math.max(max, Catalog.reportBase(s) * pop);
      }
    }
    List<int[]> candidates = new ArrayList<>();
    for (int s = 0; s < services.size(); s++) {
      for (int r = 0; r < Catalog.REGIONS.length; r++) {
        if (Catalog.reportBase(services.get(s)) * Catalog.REPORT_POPULATION[r] >= 0.5 * max) {
          candidates.add(new int[] {s, r});
        }
      }
    }
    int[] pick = candidates.get(rng.nextInt(candidates.size()));
    int service = pick[0];
    int region = pick[1];
    List<Integer> days = new ArrayList<>();
    for (int d = Math.max(1, time.outageDay() - 12); d <= time.outageDay() - 2; d++) {
      days.add(d);
    }
    int afterWindow = (int) Math.floorDiv(time.windowEnd() - time.dataStart(), 86400L) + 1;
    if (days.isEmpty()) {
      for (int d = afterWindow; d < time.days(); d++) {
        days.add(d);
      }
    }
    if (days.isEmpty()) {
      return null;
    }
    int day = days.get(rng.nextInt(days.size()));
    long localStartMinute = 600 + rng.nextInt(420);
    long start = time.dayStart(day) + (localStartMinute - Catalog.REGION_OFFSET_MINUTES[region]) * 60;
    long duration = 600 + rng.nextInt(301);
    double multiplier = Rng.uniform(rng, 3, 5);
    return new Blip(service, region, start, start + duration, multiplier);
  }

  /** Background reports per minute for (service, region) at {@code t}: daily shape by local time. */
  double backgroundAt(int service, int region, long t) {
    double base = background[service][region];
    if (base <= 0) {
      return 0;
    }
    long localSecond = Math.floorMod(t + Catalog.REGION_OFFSET_MINUTES[region] * 60L, 86400L);
    double x = localSecond / 3600.0 - 0.5; // hourly shape values sit at half past the hour
    int i0 = (int) Math.floor(x);
    double frac = x - i0;
    double[] p = Catalog.REPORT_DAILY;
    return base * (p[Math.floorMod(i0, 24)] * (1 - frac) + p[Math.floorMod(i0 + 1, 24)] * frac);
  }

  long reporterPool(int region) {
    return Math.max(1000, (long) (REPORTERS_PER_POPULATION * Catalog.REPORT_POPULATION[region]));
  }
}

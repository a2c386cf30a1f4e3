package com.outageimpact.generate;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * The read-only scenario that Spark executors generate rows from: broadcast once, then every
 * task (a business x day, or a service x region x day) derives its rows from it and its own
 * seeded random streams alone.
 */
final class World implements Serializable {

  private static final long serialVersionUID = 1L;

  static final int UP = 0;
  static final int DEGRADED = 1;
  static final int DOWN = 2;
  static final long NEVER = Long.MIN_VALUE;

  static final long TAG_TXN = Rng.tag("txn");
  static final long TAG_OUTAGE = Rng.tag("txn-outage");
  static final long TAG_LEVEL = Rng.tag("level");
  static final long TAG_WEEK = Rng.tag("busy-week");
  static final long TAG_DUP = Rng.tag("duplicate");
  static final long TAG_OFFSET = Rng.tag("text-offset");
  static final long TAG_REPORT = Rng.tag("report");

  /** Log-sd of the per-(business, day) level factor. */
  static final double LEVEL_SIGMA = 0.12;
  static final double BUSY_WEEK_PROBABILITY = 0.08;
  static final double BUSY_WEEK_FACTOR = 1.3;
  /** Share of valid text timestamps written with a non-UTC offset. */
  static final double OFFSET_SHARE = 0.10;

  final long seed;
  /** Seed of the per-(business, day) level factors: the scenario seed, except in {@link #withSeed}. */
  final long levelSeed;
  final boolean text;
  final Timeline time;
  final Business[] businesses;
  final String[] services;
  final long[][] down;
  final long[][] degraded;
  final long[] impactStart;
  final long[] impactEnd;
  final boolean[] regionAffected;
  final double degradedLoss;
  final double[] reboundProbability;
  final double txnDuplicateShare;
  final double reportDuplicateShare;
  final ReportModel reports;
  private final String[] dates;

  World(long seed, boolean text, Timeline time, Business[] businesses, String[] services, long[][] down,
      long[][] degraded, long[] impactStart, long[] impactEnd, boolean[] regionAffected, double degradedLoss,
      double[] reboundProbability, double txnDuplicateShare, double reportDuplicateShare, ReportModel reports) {
    this.seed = seed;
    this.levelSeed = seed;
    this.text = text;
    this.time = time;
    this.businesses = businesses;
    this.services = services;
    this.down = down;
    this.degraded = degraded;
    this.impactStart = impactStart;
    this.impactEnd = impactEnd;
    this.regionAffected = regionAffected;
    this.degradedLoss = degradedLoss;
    this.reboundProbability = reboundProbability;
    this.txnDuplicateShare = txnDuplicateShare;
    this.reportDuplicateShare = reportDuplicateShare;
    this.reports = reports;
    this.dates = new String[time.days() + 3];
    for (int d = -1; d <= time.days() + 1; d++) {
      dates[d + 1] = Iso.date(time.dayStart(d));
    }
  }

  private World(World base, long seed) {
    this.seed = seed;
    this.levelSeed = base.levelSeed;
    this.text = base.text;
    this.time = base.time;
    this.businesses = base.businesses;
    this.services = base.services;
    this.down = base.down;
    this.degraded = base.degraded;
    this.impactStart = base.impactStart;
    this.impactEnd = base.impactEnd;
    this.regionAffected = base.regionAffected;
    this.degradedLoss = base.degradedLoss;
    this.reboundProbability = base.reboundProbability;
    this.txnDuplicateShare = base.txnDuplicateShare;
    this.reportDuplicateShare = base.reportDuplicateShare;
    this.reports = base.reports;
    this.dates = base.dates;
  }

  /**
   * The same scenario with other random draws but the same per-day level factors: the
   * replicates the counterfactual variance model describes (used to check it by simulation).
   */
  World withSeed(long otherSeed) {
    return new World(this, otherSeed);
  }

  /** Up, degraded or down at {@code t}. */
  int stateAt(int service, long t) {
    if (contains(down[service], t)) {
      return DOWN;
    }
    return contains(degraded[service], t) ? DEGRADED : UP;
  }

  private static boolean contains(long[] bounds, long t) {
    for (int i = 0; i < bounds.length; i += 2) {
      if (t >= bounds[i] && t < bounds[i + 1]) {
        return true;
      }
    }
    return false;
  }

  /**
   * The per-(business, day) level factor: a lognormal day-to-day wobble times an occasional busy
   * week. Its own seeded stream, so the variance model can recompute it without replaying a task.
   */
  double level(int business, int day) {
    SplittableRandom r = Rng.rng(levelSeed, TAG_LEVEL, business, day);
    double daily = Rng.lognormalMeanOne(r, LEVEL_SIGMA);
    int week = Math.floorDiv(day, 7);
    boolean busy = Rng.unit(Rng.hash(levelSeed, TAG_WEEK, business, week)) < BUSY_WEEK_PROBABILITY;
    return daily * (busy ? BUSY_WEEK_FACTOR : 1.0);
  }

  /** Expected transactions in UTC hour {@code hour} of day {@code day} for one stream, before the level factor and noise. */
  double rate(Business b, double share, int day, int hour) {
    return b.baseRate() * share * time.shape(b.sector(), b.offsetMinutes(), day, hour);
  }

  boolean isDuplicate(long kindTag, long id, double share) {
    return share > 0 && Rng.unit(Rng.hash(seed, TAG_DUP, kindTag, id)) < share;
  }

  /** Offset (minutes) a valid text timestamp is written with: 0 (Z) for ~90% of rows. */
  int textOffset(long kindTag, long id) {
    long h = Rng.hash(seed, TAG_OFFSET, kindTag, id);
    if (Rng.unit(h) >= OFFSET_SHARE) {
      return 0;
    }
    return Catalog.TEXT_OFFSETS_MINUTES[(int) ((h & 0x7fffffffL) % Catalog.TEXT_OFFSETS_MINUTES.length)];
  }

  /** The UTC date partition of an instant. */
  String date(long t) {
    long day = Math.floorDiv(t - time.dataStart(), 86400L);
    if (day >= -1 && day <= time.days() + 1) {
      return dates[(int) day + 1];
    }
    return Iso.date(t);
  }
}

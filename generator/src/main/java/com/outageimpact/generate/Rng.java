package com.outageimpact.generate;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Seeded randomness that does not depend on how Spark partitions the work: every random stream
 * is seeded from (scenario seed, a tag, the key of the thing being generated), never from a
 * partition index or a shared generator. Also the few distributions the generator needs.
 */
final class Rng {

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final double[] LOG_FACTORIAL = new double[256];

  static {
    for (int k = 1; k < LOG_FACTORIAL.length; k++) {
      LOG_FACTORIAL[k] = LOG_FACTORIAL[k - 1] + Math.log(k);
    }
  }

  private Rng() {}

  /** SplitMix64's finaliser: a strong 64-bit mix. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** A stable 64-bit hash of a name (FNV-1a), so tags and ids can key random streams. */
  static long tag(String name) {
    long h = 0xcbf29ce484222325L;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h ^= (b & 0xff);
      h *= 0x100000001b3L;
    }
    return mix64(h);
  }

  static long hash(long seed, long a) {
    return mix64(mix64(seed ^ GOLDEN) ^ mix64(a + GOLDEN));
  }

  static long hash(long seed, long a, long b) {
    return mix64(hash(seed, a) ^ mix64(b + GOLDEN));
  }

  static long hash(long seed, long a, long b, long c) {
    return mix64(hash(seed, a, b) ^ mix64(c + GOLDEN));
  }

  static long hash(long seed, long a, long b, long c, long d) {
    return mix64(hash(seed, a, b, c) ^ mix64(d + GOLDEN));
  }

  static SplittableRandom rng(long seed, long a) {
    return new SplittableRandom(hash(seed, a));
  }

  static SplittableRandom rng(long seed, long a, long b) {
    return new SplittableRandom(hash(seed, a, b));
  }

  static SplittableRandom rng(long seed, long a, long b, long c) {
    return new SplittableRandom(hash(seed, a, b, c));
  }

  static SplittableRandom rng(long seed, long a, long b, long c, long d) {
    return new SplittableRandom(hash(seed, a, b, c, d));
  }

  /** A hash as a uniform double in [0, 1). */
  static double unit(long hash) {
    return (hash >>> 11) * 0x1.0p-53;
  }

  static double uniform(SplittableRandom r, double low, double high) {
    return low + (high - low) * r.nextDouble();
  }

  /** Lognormal with mean 1 and log-sd sigma. */
  static double lognormalMeanOne(SplittableRandom r, double sigma) {
    return Math.exp(sigma * r.nextGaussian() - sigma * sigma / 2);
  }

  /** Gamma(shape, 1) by Marsaglia and Tsang; shape below 1 via the usual boost. */
  static double gamma(SplittableRandom r, double shape) {
    if (shape < 1) {
      double u = r.nextDouble();
      return gamma(r, shape + 1) * Math.pow(u, 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        x = r.nextGaussian();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = r.nextDouble();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v;
      }
    }
  }

  /** Poisson: multiplication method for small means, Hormann's PTRS rejection for large ones. */
  static int poisson(SplittableRandom r, double lambda) {
    if (!(lambda > 0)) {
      return 0;
    }
    if (lambda < 12) {
      double limit = Math.exp(-lambda);
      double p = r.nextDouble();
      int k = 0;
      while (p > limit) {
        k++;
        p *= r.nextDouble();
      }
      return k;
    }
    double slam = Math.sqrt(lambda);
    double loglam = Math.log(lambda);
    double b = 0.931 + 2.53 * slam;
    double a = -0.059 + 0.02483 * b;
    double invalpha = 1.1239 + 1.1328 / (b - 3.4);
    double vr = 0.9277 - 3.6224 / (b - 2);
    while (true) {
      double u = r.nextDouble() - 0.5;
      double v = r.nextDouble();
      double us = 0.5 - Math.abs(u);
      long k = (long) Math.floor((2 * a / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) {
        return (int) k;
      }
      if (k < 0 || (us < 0.013 && v > us)) {
        continue;
      }
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b)
          <= -lambda + k * loglam - logFactorial(k)) {
        return (int) k;
      }
    }
  }

  static double logFactorial(long k) {
    if (k < LOG_FACTORIAL.length) {
      return LOG_FACTORIAL[(int) k];
    }
    double x = k + 1.0;
    return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI)
        + 1 / (12 * x) - 1 / (360 * x * x * x) + 1 / (1260 * x * x * x * x * x);
  }

  /**
   * An exponential delay with the given mean, conditioned to fall in [0, limit): inverse CDF of
   * the truncated distribution, so one uniform draw always gives a value inside the window.
   */
  static double truncatedExponential(double u, double mean, double limit) {
    if (limit <= 0) {
      return 0;
    }
    double delay = -mean * Math.log(1 - u * (1 - Math.exp(-limit / mean)));
    return Math.min(delay, Math.nextDown(limit));
  }

  /** Index drawn from unnormalised weights. */
  static int pick(SplittableRandom r, double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double x = r.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }
}

package com.outageimpact.impact;

import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/**
 * 90% intervals from variances estimated on a few baseline weeks. A business's variance comes
 * from {@code weeks} leave-one-out errors, about {@code weeks - 1} degrees of freedom, so its
 * interval takes Student's t, not the normal quantile. A sum over businesses has more: by
 * Welch-Satterthwaite, (sum v)^2 / sum(v^2 / df), which is many when the variance is spread over
 * many businesses and few when one or two dominate it (a sector of a few large firms).
 */
final class StudentT {

  /** Two-sided 90% quantiles for 1 to 10 degrees of freedom. */
  private static final double[] TABLE = {6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812};
  /** z of a two-sided 90% interval. */
  static final double Z90 = 1.6449;
  /** Beyond the table, t = z + A / df + B / df^2: the first two terms of the expansion in 1/df (within 0.1%). */
  private static final double A = (Z90 * Z90 * Z90 + Z90) / 4;
  private static final double B = (5 * Math.pow(Z90, 5) + 16 * Z90 * Z90 * Z90 + 3 * Z90) / 96;

  private StudentT() {}

  /**
   * Two-sided 90% quantile of Student's t with {@code df} degrees of freedom; within the table,
   * whole degrees of freedom rounded down (a slightly wider interval).
   */
  static double t90(double df) {
    return df > TABLE.length ? Z90 + A / df + B / (df * df) : TABLE[(int) Math.max(1, Math.floor(df)) - 1];
  }

  /**
   * Half-width of the 90% interval of a sum of independent estimates, each with a variance of
   * {@code weeks - 1} degrees of freedom.
   *
   * @param variance the sum of their variances
   * @param squares the sum of their variances' squares
   */
  static double halfWidth(double variance, double squares, int weeks) {
    if (variance <= 0) {
      return 0;
    }
    double df = (weeks - 1) * variance * variance / squares;
    return t90(df) * Math.sqrt(variance);
  }

  /** {@link #halfWidth(double, double, int)} as a column expression. */
  static Column halfWidth(Column variance, Column squares, int weeks) {
    Column df = greatest(lit(1.0), lit((double) (weeks - 1)).multiply(variance).multiply(variance).divide(squares));
    return when(variance.gt(0), t90(df).multiply(sqrt(variance))).otherwise(0.0);
  }

  /** {@link #t90(double)} as a column expression, for degrees of freedom of at least 1. */
  static Column t90(Column df) {
    Column t = when(df.gt(TABLE.length), lit(Z90).plus(lit(A).divide(df)).plus(lit(B).divide(df.multiply(df))));
    for (int i = TABLE.length; i >= 1; i--) {
      t = t.when(floor(df).equalTo(i), lit(TABLE[i - 1]));
    }
    return t;
  }

}

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

  private StudentT() {}

  /** Two-sided 90% quantile of Student's t with {@code df} degrees of freedom. */
  static double t90(int df) {
    return quantile(df);
  }

  /** Beyond 10: the first two terms of the expansion in 1/df around the normal quantile (within 0.1%). */
  private static double expansion(double df) {
    double z = Z90;
    return z + (z * z * z + z) / (4.0 * df) + (5 * Math.pow(z, 5) + 16 * z * z * z + 3 * z) / (96.0 * df * df);
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
    return quantile(df) * Math.sqrt(variance);
  }

  /** {@link #halfWidth(double, double, int)} as a column expression. */
  static Column halfWidth(Column variance, Column squares, int weeks) {
    Column df = greatest(lit(1.0), lit((double) (weeks - 1)).multiply(variance).multiply(variance).divide(squares));
    // Up to the table's end, whole degrees of freedom rounded down (a slightly wider interval).
    Column t = when(df.gt(TABLE.length), expansionColumn(df));
    for (int i = TABLE.length; i >= 1; i--) {
      t = t.when(floor(df).equalTo(i), lit(TABLE[i - 1]));
    }
    return when(variance.gt(0), t.multiply(sqrt(variance))).otherwise(0.0);
  }

  private static double quantile(double df) {
    return df > TABLE.length ? expansion(df) : TABLE[(int) Math.max(1, Math.floor(df)) - 1];
  }

  private static Column expansionColumn(Column df) {
    double z = Z90;
    return lit(z).plus(lit(z * z * z + z).divide(df.multiply(4.0)))
        .plus(lit(5 * Math.pow(z, 5) + 16 * z * z * z + 3 * z).divide(df.multiply(df).multiply(96.0)));
  }
}

package com.outageimpact.generate;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.SplittableRandom;

/**
 * One valid business and everything its transaction stream needs on an executor: where it is,
 * which services its transactions go through (and what share of them), how busy it is and what
 * its tickets look like.
 *
 * @param services service indexes (into {@link World#services}) its transactions may need
 * @param shares fraction of its transactions that need each service, in hundredths
 * @param unservedShare the rest: transactions that need no platform service
 * @param baseRate expected transactions per hour at the seasonal mean
 * @param amountMu log of the median ticket in the business's currency (major units)
 * @param microsPerMinor value of one minor currency unit in millionths of USD (exact)
 */
record Business(
    int index,
    String id,
    int sector,
    int region,
    boolean critical,
    String tier,
    BigDecimal monthlyFee,
    String currency,
    int currencyDecimals,
    long microsPerMinor,
    double usdRate,
    int[] services,
    double[] shares,
    double unservedShare,
    double baseRate,
    double amountMu,
    double amountSigma,
    int offsetMinutes) implements Serializable {

  String sectorName() {
    return Catalog.SECTORS[sector];
  }

  String regionCode() {
    return Catalog.REGIONS[region];
  }

  /** A ticket in minor units (cents, or yen), lognormal around the business's median. */
  long amountMinor(SplittableRandom rng) {
    double major = Math.exp(amountMu + amountSigma * rng.nextGaussian());
    long minor = Math.round(major * (currencyDecimals == 0 ? 1 : 100));
    return Math.max(1, minor);
  }

  /** E[A] in USD of one ticket (before refunds and declines). */
  double meanTicketUsd() {
    return Math.exp(amountMu + amountSigma * amountSigma / 2) * usdRate;
  }

  /** E[A^2] in USD^2 of one ticket. */
  double secondMomentTicketUsd() {
    return Math.exp(2 * amountMu + 2 * amountSigma * amountSigma) * usdRate * usdRate;
  }

  Business withBaseRate(double rate) {
    return new Business(index, id, sector, region, critical, tier, monthlyFee, currency, currencyDecimals,
        microsPerMinor, usdRate, services, shares, unservedShare, rate, amountMu, amountSigma, offsetMinutes);
  }
}

package com.outageimpact.generate;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws the businesses on the driver (they are few: one object per business, however many
 * transactions). Business i is drawn from its own seeded stream, so adding businesses does not
 * change the earlier ones.
 */
final class BusinessGenerator {

  private static final double[] SERVICE_COUNT_WEIGHTS = {0.35, 0.40, 0.25};
  /** Log-sd of business size: a few large businesses carry much of the volume. */
  private static final double SIZE_SIGMA = 1.1;

  private BusinessGenerator() {}

  static String businessId(int index) {
    return String.format("biz-%05d", index + 1);
  }

  static List<Business> generate(ScenarioConfig config, List<String> serviceIds, Timeline timeline) {
    int n = config.businesses();
    List<Business> drafts = new ArrayList<>(n);
    double[] size = new double[n];
    for (int i = 0; i < n; i++) {
      SplittableRandom rng = Rng.rng(config.seed(), Rng.tag("business"), i);
      int sector = Rng.pick(rng, Catalog.SECTOR_WEIGHTS);
      int region = Rng.pick(rng, Catalog.REGION_WEIGHTS);
      boolean critical = rng.nextDouble() < Catalog.CRITICAL_PROBABILITY[sector];
      int tier = Rng.pick(rng, Catalog.TIER_MIX[sector]);
      double[] feeRange = Catalog.FEE_RANGE[tier];
      BigDecimal fee = BigDecimal.valueOf(Math.round(Rng.uniform(rng, feeRange[0], feeRange[1]) * 100), 2);
      String currency = Catalog.REGION_CURRENCY[region];
      int decimals = Catalog.currencyDecimals(currency);
      BigDecimal rate = Catalog.FX.get(currency);
      long microsPerMinor = rate.movePointRight(6 - decimals).longValueExact();

      // Services: 1-3 distinct ones, weighted by what the sector uses (iterated in graph order).
      int count = Rng.pick(rng, SERVICE_COUNT_WEIGHTS) + 1;
      double[] weights = new double[serviceIds.size()];
      for (int s = 0; s < weights.length; s++) {
        weights[s] = Catalog.SECTOR_SERVICES.get(sector).getOrDefault(serviceIds.get(s), 0.0);
      }
      List<Integer> chosen = new ArrayList<>();
      while (chosen.size() < count && Arrays.stream(weights).sum() > 0) {
        int s = Rng.pick(rng, weights);
        chosen.add(s);
        weights[s] = 0;
      }
      chosen.sort(Integer::compare);
      // Shares in hundredths, summing to a coverage of 55-95%; each at least ~6% by construction.
      double coverage = Rng.uniform(rng, 0.55, 0.95);
      double[] raw = new double[chosen.size()];
      double rawSum = 0;
      for (int j = 0; j < raw.length; j++) {
        raw[j] = 0.3 + rng.nextDouble();
        rawSum += raw[j];
      }
      int[] services = new int[chosen.size()];
      double[] shares = new double[chosen.size()];
      int hundredths = 0;
      for (int j = 0; j < raw.length; j++) {
        int h = (int) Math.floor(coverage * raw[j] / rawSum * 100);
        services[j] = chosen.get(j);
        shares[j] = h / 100.0;
        hundredths += h;
      }
      double unserved = (100 - hundredths) / 100.0;

      size[i] = Math.exp(SIZE_SIGMA * rng.nextGaussian());
      double median = Catalog.MEDIAN_AMOUNT_USD[sector] * Math.exp(0.35 * rng.nextGaussian()) / rate.doubleValue();
      double sigma = Rng.uniform(rng, 0.55, 0.9);
      drafts.add(new Business(i, businessId(i), sector, region, critical, Catalog.TIERS[tier], fee, currency,
          decimals, microsPerMinor, rate.doubleValue(), services, shares, unserved, 0, Math.log(median), sigma,
          Catalog.REGION_OFFSET_MINUTES[region]));
    }
    // Scale base rates so that the expected number of transactions over all days is the target.
    double[][] seasonalSum = new double[Catalog.SECTORS.length][Catalog.REGIONS.length];
    for (double[] row : seasonalSum) {
      Arrays.fill(row, -1);
    }
    double expected = 0;
    for (int i = 0; i < n; i++) {
      Business b = drafts.get(i);
      if (seasonalSum[b.sector()][b.region()] < 0) {
        double sum = 0;
        for (int d = 0; d < timeline.days(); d++) {
          for (int h = 0; h < 24; h++) {
            sum += timeline.shape(b.sector(), b.offsetMinutes(), d, h);
          }
        }
        seasonalSum[b.sector()][b.region()] = sum;
      }
      expected += size[i] * seasonalSum[b.sector()][b.region()];
    }
    double scale = expected > 0 ? config.transactions() / expected : 0;
    List<Business> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(drafts.get(i).withBaseRate(size[i] * scale));
    }
    return out;
  }
}

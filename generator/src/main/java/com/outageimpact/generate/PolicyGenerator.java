package com.outageimpact.generate;

import com.outageimpact.ingest.RejectReason;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Business-interruption policies, drawn on the driver (one per insured business, a few thousand
 * at most): about 70% of businesses insured, about a third of them parametric, waiting periods of
 * 4 to 12 hours in half hours, retentions, limits and hourly payouts sized on each business's
 * usual value per hour, in its own currency. Each business's policy comes from its own seeded
 * stream, so the transactions and every other input are the same with or without them.
 */
final class PolicyGenerator {

  static final double INSURED_SHARE = 0.7;
  static final double PARAMETRIC_SHARE = 0.35;

  /**
   * One valid policy; money in the business's currency (null: none). Kinds as the contract spells them.
   */
  record Policy(String id, Business business, String kind, double waitingHours, BigDecimal retention,
      BigDecimal limit, BigDecimal payoutPerHour) {

    boolean parametric() {
      return "parametric".equals(kind);
    }

    String[] values() {
      return new String[] {id, business.id(), kind, Double.toString(waitingHours), plain(retention), plain(limit),
          plain(payoutPerHour), business.currency()};
    }

    /** A money value in USD, exactly as ingestion converts it (rates have at most 4 decimals). */
    BigDecimal usd(BigDecimal amount) {
      return amount == null ? null
          : amount.multiply(Catalog.FX.get(business.currency())).setScale(6, RoundingMode.HALF_UP);
    }
  }

  private PolicyGenerator() {}

  static List<Policy> generate(long seed, List<Business> businesses) {
    List<Policy> out = new ArrayList<>();
    for (Business b : businesses) {
      SplittableRandom r = Rng.rng(seed, Rng.tag("policy"), b.index());
      if (r.nextDouble() >= INSURED_SHARE) {
        continue;
      }
      boolean parametric = r.nextDouble() < PARAMETRIC_SHARE;
      double waiting = 4 + 0.5 * r.nextInt(17);
      // The business's value per hour at its seasonal mean, in its own currency (major units).
      double hourly = b.baseRate() * Math.exp(b.amountMu() + b.amountSigma() * b.amountSigma() / 2);
      int decimals = b.currencyDecimals();
      BigDecimal retention = r.nextDouble() < 0.3 ? BigDecimal.ZERO.setScale(decimals)
          : money(hourly * Rng.uniform(r, 0.1, parametric ? 0.5 : 2.0), decimals);
      BigDecimal limit = r.nextDouble() < 0.2 ? null : money(hourly * Rng.uniform(r, 1.0, 6.0), decimals);
      BigDecimal payout = parametric ? money(hourly * Rng.uniform(r, 0.3, 1.2), decimals) : null;
      out.add(new Policy(String.format("pol-%05d", b.index() + 1), b, parametric ? "parametric" : "indemnity",
          waiting, retention, limit, payout));
    }
    return out;
  }

  /** One bad row per applicable reason, {@code perReason} times, each with exactly one defect. */
  static List<BadRow> badRows(long seed, List<Business> businesses, int perReason, boolean text) {
    List<BadRow> out = new ArrayList<>();
    List<RejectReason> reasons = new ArrayList<>(List.of(RejectReason.MISSING_REQUIRED, RejectReason.BAD_VALUE,
        RejectReason.UNKNOWN_BUSINESS, RejectReason.UNKNOWN_CURRENCY));
    if (text) {
      reasons.add(RejectReason.BAD_NUMBER);
    }
    int n = 0;
    for (RejectReason reason : reasons) {
      for (int k = 0; k < perReason; k++) {
        SplittableRandom r = Rng.rng(seed, Rng.tag("bad-policy"), reason.ordinal(), k);
        Business b = businesses.get(r.nextInt(businesses.size()));
        String id = String.format("pol-bad-%04d", ++n);
        String[] v = {id, b.id(), "indemnity", "6.0", "100.00", "1000.00", null, b.currency()};
        switch (reason) {
          case MISSING_REQUIRED -> v[k % 2 == 0 ? 3 : 1] = null;
          case BAD_VALUE -> {
            if (k % 2 == 0) {
              v[2] = "cyber";
            } else {
              v[4] = "-100.00";
            }
          }
          case UNKNOWN_BUSINESS -> v[1] = "biz-unknown-" + k;
          case UNKNOWN_CURRENCY -> v[7] = "XAU";
          case BAD_NUMBER -> v[3] = "six";
          default -> throw new IllegalStateException(reason.code());
        }
        out.add(BadRow.of(reason, v));
      }
    }
    return out;
  }

  private static BigDecimal money(double major, int decimals) {
    return BigDecimal.valueOf(major).setScale(decimals, RoundingMode.HALF_UP);
  }

  private static String plain(BigDecimal value) {
    return value == null ? null : value.toPlainString();
  }
}

package com.outageimpact.generate;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The generator's fixed world knowledge: sectors, regions, currencies, seasonality shapes, SLA
 * tiers, which services each sector leans on, what users complain about. Plain constants, so a
 * reader can see every modelling choice in one place.
 */
final class Catalog {

  private Catalog() {}

  static final String REPORTING_CURRENCY = "USD";

  // ---- sectors (index = sector index everywhere) ----
  static final String[] SECTORS = {
      "retail", "finance", "health_care", "emergency_services", "media", "gaming", "logistics", "hospitality"};
  static final double[] SECTOR_WEIGHTS = {0.22, 0.12, 0.10, 0.05, 0.12, 0.12, 0.12, 0.15};
  /** Share of the sector's businesses that provide critical public services. */
  static final double[] CRITICAL_PROBABILITY = {0, 0, 0.85, 0.95, 0, 0, 0, 0};
  /** Chance that a transaction lost to the outage is retried and succeeds after recovery. */
  static final double[] REBOUND_PROBABILITY = {0.35, 0.60, 0.50, 0.20, 0.10, 0.15, 0.50, 0.25};
  /** Median ticket in USD; each business draws its own around it. */
  static final double[] MEDIAN_AMOUNT_USD = {45, 220, 120, 60, 12, 9, 85, 70};
  /** Saturday/Sunday volume relative to a weekday. */
  static final double[] WEEKEND_FACTOR = {1.20, 0.50, 0.70, 1.00, 1.15, 1.30, 0.60, 1.35};
  /** Share of businesses on gold / standard / basic. */
  static final double[][] TIER_MIX = {
      {0.15, 0.45, 0.40}, {0.50, 0.35, 0.15}, {0.50, 0.35, 0.15}, {0.55, 0.35, 0.10},
      {0.15, 0.45, 0.40}, {0.20, 0.45, 0.35}, {0.25, 0.45, 0.30}, {0.10, 0.45, 0.45}};

  /** Daily shape by local hour: floor plus Gaussian bumps (centre, width, height), mean 1. */
  private static final double[][][] SECTOR_BUMPS = {
      {{0.10}, {12.5, 2.5, 0.8}, {19, 2.5, 1.0}},
      {{0.08}, {11, 3, 1.0}, {15, 2, 0.6}},
      {{0.10}, {10, 3, 1.0}, {15, 2.5, 0.7}},
      {{0.45}, {14, 5, 0.5}},
      {{0.15}, {13, 3, 0.4}, {21, 2.5, 1.0}},
      {{0.20}, {17, 3, 0.5}, {22, 2.5, 1.0}},
      {{0.08}, {9, 2.5, 1.0}, {14, 3, 0.8}},
      {{0.08}, {12.5, 1.5, 0.7}, {19.5, 2, 1.0}}};
  static final double[][] SECTOR_DAILY = new double[SECTORS.length][];
  static final double[] REPORT_DAILY = profile(new double[][] {{0.10}, {13, 3.5, 0.7}, {20.5, 2.5, 1.0}});

  static {
    for (int s = 0; s < SECTORS.length; s++) {
      SECTOR_DAILY[s] = profile(SECTOR_BUMPS[s]);
    }
  }

  // ---- regions (index = region index everywhere) ----
  static final String[] REGIONS = {"US", "GB", "DE", "IN", "BR", "JP"};
  static final double[] REGION_WEIGHTS = {0.34, 0.12, 0.12, 0.18, 0.14, 0.10};
  /** Standard UTC offsets used for local seasonality. */
  static final int[] REGION_OFFSET_MINUTES = {-300, 0, 60, 330, -180, 540};
  static final String[] REGION_CURRENCY = {"USD", "GBP", "EUR", "INR", "BRL", "JPY"};
  /** Relative number of users who would file a problem report. */
  static final double[] REPORT_POPULATION = {1.0, 0.35, 0.30, 0.80, 0.50, 0.25};

  /**
   * Rates to USD with at most 4 decimals, so amount (2 decimals) x rate is exact at the 6
   * decimals of Schemas.MONEY whatever decimal arithmetic a reader uses.
   */
  static final Map<String, BigDecimal> FX = new LinkedHashMap<>();

  static {
    FX.put("USD", new BigDecimal("1"));
    FX.put("GBP", new BigDecimal("1.36"));
    FX.put("EUR", new BigDecimal("1.16"));
    FX.put("INR", new BigDecimal("0.0135"));
    FX.put("BRL", new BigDecimal("0.183"));
    FX.put("JPY", new BigDecimal("0.009"));
    for (BigDecimal rate : FX.values()) {
      if (rate.stripTrailingZeros().scale() > 4) {
        throw new IllegalStateException("fx rates need at most 4 decimals: " + rate);
      }
    }
  }

  static int currencyDecimals(String currency) {
    return "JPY".equals(currency) ? 0 : 2;
  }

  static int regionIndex(String code) {
    for (int i = 0; i < REGIONS.length; i++) {
      if (REGIONS[i].equals(code)) {
        return i;
      }
    }
    return -1;
  }

  // ---- SLA tiers ----
  record SlaRow(String tier, BigDecimal belowAvailabilityPct, BigDecimal creditPct) {}

  static final String[] TIERS = {"gold", "standard", "basic"};
  static final List<SlaRow> SLA_ROWS = List.of(
      new SlaRow("gold", new BigDecimal("99.95"), new BigDecimal("10")),
      new SlaRow("gold", new BigDecimal("99.5"), new BigDecimal("25")),
      new SlaRow("gold", new BigDecimal("99"), new BigDecimal("50")),
      new SlaRow("standard", new BigDecimal("99.9"), new BigDecimal("10")),
      new SlaRow("standard", new BigDecimal("99"), new BigDecimal("25")),
      new SlaRow("basic", new BigDecimal("99.5"), new BigDecimal("5")));
  /** Monthly fee range in USD per tier. */
  static final double[][] FEE_RANGE = {{2000, 8000}, {300, 1500}, {29, 199}};

  // ---- services ----
  /** Which services each sector's transactions go through, as unnormalised weights. */
  static final List<Map<String, Double>> SECTOR_SERVICES = List.of(
      Map.of("payments-api", 5.0, "messaging", 3.0, "helpdesk", 2.0, "cloud-storage", 1.0, "status-page", 0.5),
      Map.of("payments-api", 5.0, "sms-gateway", 3.0, "messaging", 2.0, "helpdesk", 1.0, "cloud-storage", 1.0),
      Map.of("video-calls", 4.0, "messaging", 3.0, "cloud-storage", 2.0, "sms-gateway", 2.0),
      Map.of("messaging", 4.0, "sms-gateway", 4.0, "video-calls", 2.0, "status-page", 1.0),
      Map.of("cloud-storage", 4.0, "video-calls", 3.0, "messaging", 2.0, "payments-api", 1.0),
      Map.of("gaming", 6.0, "payments-api", 3.0, "messaging", 2.0),
      Map.of("messaging", 4.0, "sms-gateway", 3.0, "cloud-storage", 2.0, "helpdesk", 2.0),
      Map.of("messaging", 4.0, "payments-api", 4.0, "helpdesk", 2.0, "sms-gateway", 1.0));

  /** Background problem reports per minute for a service, in a population-1 region, at mean daily activity. */
  static double reportBase(String service) {
    return switch (service) {
      case "messaging" -> 0.5;
      case "video-calls" -> 0.15;
      case "cloud-storage" -> 0.12;
      case "gaming" -> 0.15;
      case "payments-api" -> 0.05;
      case "helpdesk" -> 0.025;
      case "status-page" -> 0.015;
      case "sms-gateway" -> 0.03;
      default -> 0.03;
    };
  }

  /** What users say is wrong with a service. */
  static String[] problems(String service) {
    return switch (service) {
      case "messaging" -> new String[] {"messages", "login", "connection", "notifications"};
      case "video-calls" -> new String[] {"connection", "call_quality", "login"};
      case "cloud-storage" -> new String[] {"upload", "download", "login", "sync"};
      case "gaming" -> new String[] {"login", "connection", "matchmaking"};
      case "payments-api" -> new String[] {"payment_failed", "checkout", "login"};
      case "helpdesk" -> new String[] {"chat", "website"};
      case "status-page" -> new String[] {"website"};
      case "sms-gateway" -> new String[] {"sms_delivery", "verification_code"};
      default -> new String[] {"connection"};
    };
  }

  static final String TOTAL_BLACKOUT = "total_blackout";

  /** Offsets used for the share of text timestamps written as local time rather than Z. */
  static final int[] TEXT_OFFSETS_MINUTES = {-240, -300, -180, 60, 120, 330, 540, -420};

  private static double[] profile(double[][] spec) {
    double floor = spec[0][0];
    double[] p = new double[24];
    double sum = 0;
    for (int h = 0; h < 24; h++) {
      double x = h + 0.5;
      double v = floor;
      for (int i = 1; i < spec.length; i++) {
        double dist = Math.abs(x - spec[i][0]);
        dist = Math.min(dist, 24 - dist);
        v += spec[i][2] * Math.exp(-dist * dist / (2 * spec[i][1] * spec[i][1]));
      }
      p[h] = v;
      sum += v;
    }
    for (int h = 0; h < 24; h++) {
      p[h] = p[h] * 24 / sum;
    }
    return p;
  }
}

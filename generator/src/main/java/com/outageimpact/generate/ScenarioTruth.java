package com.outageimpact.generate;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a generate run produced and its ground truth (the same content as truth/truth.json), for
 * callers and tests.
 *
 * @param document the full truth.json tree
 */
public record ScenarioTruth(
    String outDir,
    String incidentId,
    String root,
    Instant start,
    Instant end,
    Instant windowStart,
    Instant windowEnd,
    List<String> outageRegions,
    List<Component> components,
    Map<String, Input> inputs,
    Totals totals,
    Map<String, Object> document) {

  /** A component's truth; times and path are null for a component that stays up. */
  public record Component(String id, String kind, String state, Instant impactStart, Instant impactEnd,
      List<String> path, List<Window> windows) {}

  public record Window(String state, Instant start, Instant end) {}

  /** One tabular input: read = accepted + rejected + duplicates. */
  public record Input(long read, Map<String, Long> rejectedByReason, long duplicates, long accepted) {
    public long rejected() {
      return rejectedByReason.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Totals over all businesses, in the reporting currency. */
  public record Totals(long businesses, long affectedBusinesses, long criticalAffected,
      BigDecimal counterfactualValue, BigDecimal actualValue, BigDecimal grossLoss, BigDecimal recovered,
      BigDecimal netLoss, long failedTxns, BigDecimal failedValue, double downtimeBusinessMinutes,
      BigDecimal slaCredits, double counterfactualSd, long lostTxns, long reboundTxns) {}

  public Component component(String id) {
    return components.stream().filter(c -> c.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no component " + id));
  }
}

package com.outageimpact.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The counterfactual_sd of the truth against the simulation itself: replicate the scenario with
 * other random draws (same per-day level factors) and measure the spread of the counterfactual
 * value over the impaired streams. No Spark: the task code runs on the test thread.
 */
class CounterfactualVarianceTest {

  @Test
  void modelledSdMatchesTheSpreadOfReplicates() {
    ScenarioConfig config = ScenarioConfig.from(ScenarioConfig.options().parse(new String[] {
        "--out", "unused", "--seed", "7", "--businesses", "60", "--weeks", "2", "--transactions", "50000"}));
    World world = Scenario.build(config).world();
    double[] modelled = TruthWriter.counterfactualVariance(world);
    double modelledTotal = 0;
    for (double v : modelled) {
      modelledTotal += v;
    }
    long recovery = world.time.windowEnd() - world.time.incidentEnd();
    int firstDay = (int) ((world.time.t0() - world.time.dataStart()) / 86400);
    int lastDay = (int) ((world.time.windowEnd() - world.time.dataStart()) / 86400);

    int replicates = 400;
    double sum = 0;
    double sumSq = 0;
    for (int rep = 0; rep < replicates; rep++) {
      World w = world.withSeed(10_000 + rep);
      double[] value = new double[1];
      for (int day = firstDay; day <= lastDay; day++) {
        for (int b = 0; b < w.businesses.length; b++) {
          Business biz = w.businesses[b];
          long task = (long) day * w.businesses.length + b;
          TransactionGenerator.generate(w, task, (kind, id, t, minor, status, svc) -> {
            boolean counterfactual = kind == TransactionGenerator.CF || kind == TransactionGenerator.LOST_ATTEMPT
                || kind == TransactionGenerator.LOST_SILENT;
            if (!counterfactual || svc < 0 || w.impactStart[svc] == World.NEVER
                || status != TransactionGenerator.SUCCEEDED && kind == TransactionGenerator.CF) {
              return;
            }
            if (t >= w.impactStart[svc] && t < w.impactEnd[svc] + recovery) {
              value[0] += minor * biz.microsPerMinor() / 1e6;
            }
          });
        }
      }
      sum += value[0];
      sumSq += value[0] * value[0];
    }
    double mean = sum / replicates;
    double empiricalSd = Math.sqrt((sumSq - replicates * mean * mean) / (replicates - 1));
    double modelledSd = Math.sqrt(modelledTotal);
    assertTrue(modelledSd > 0);
    // 400 replicates of a heavy-ish tailed sum: the sample sd is within ~10% of the truth.
    assertEquals(1.0, empiricalSd / modelledSd, 0.15,
        "empirical " + empiricalSd + " vs modelled " + modelledSd + " (mean " + mean + ")");
  }
}

package com.outageimpact.generate;

import java.util.List;

/**
 * The driver-side scenario before any row exists: the graph, what failed when, the calendar, the
 * businesses, and the {@link World} that executors generate rows from.
 */
record Scenario(
    ScenarioConfig config,
    PenLightGraph graph,
    OutageSimulation simulation,
    Timeline timeline,
    List<Business> businesses,
    World world,
    List<IncidentTimeline.Update> incidentUpdates) {

  static Scenario build(ScenarioConfig config) {
    PenLightGraph graph = PenLightGraph.penlight();
    OutageSimulation sim = OutageSimulation.run(graph, config.root(), config.outageStart().getEpochSecond(),
        config.outageMinutes() * 60L, config.seed());
    Timeline time = Timeline.of(config, sim);
    List<String> services = graph.serviceIds();
    List<Business> businesses = BusinessGenerator.generate(config, services, time);
    for (Business b : businesses) {
      // Ids pack a per-business-day sequence in 23 bits; stay far below it.
      if (b.baseRate() * 24 * 4 > (1 << 22)) {
        throw new IllegalArgumentException("--transactions " + config.transactions() + " over "
            + config.businesses() + " businesses is too many per business and day: raise --businesses");
      }
    }

    int ns = services.size();
    long[][] down = new long[ns][];
    long[][] degraded = new long[ns][];
    long[] impactStart = new long[ns];
    long[] impactEnd = new long[ns];
    for (int s = 0; s < ns; s++) {
      OutageSimulation.Outcome o = sim.outcome(services.get(s));
      down[s] = o.down().toArray();
      degraded[s] = o.degraded().toArray();
      impactStart[s] = o.impactStart() == null ? World.NEVER : o.impactStart();
      impactEnd[s] = o.impactEnd() == null ? World.NEVER : o.impactEnd();
    }
    boolean[] regionAffected = new boolean[Catalog.REGIONS.length];
    for (int r = 0; r < regionAffected.length; r++) {
      regionAffected[r] = config.outageRegions() == null || config.outageRegions().contains(Catalog.REGIONS[r]);
    }
    double[] rebound = new double[Catalog.SECTORS.length];
    for (int i = 0; i < rebound.length; i++) {
      rebound[i] = Math.min(1, Catalog.REBOUND_PROBABILITY[i] * config.reboundScale());
    }
    ReportModel reports = ReportModel.build(config, sim, time, services, regionAffected);
    double expectedReports = expectedReports(reports, time);
    World world = new World(config.seed(), config.text(), time, businesses.toArray(new Business[0]),
        services.toArray(new String[0]), down, degraded, impactStart, impactEnd, regionAffected,
        config.degradedLoss(), rebound, duplicateShare(config.duplicates(), config.transactions()),
        duplicateShare(config.duplicates(), expectedReports), reports);
    return new Scenario(config, graph, sim, time, businesses, world, IncidentTimeline.updates(sim, config.seed()));
  }

  /**
   * Duplicates are chosen by hashing row ids, so their number is random; a floor of ~16 expected
   * rows makes "at least a handful" near certain on small scenarios.
   */
  static double duplicateShare(double requested, double expectedRows) {
    if (requested <= 0 || expectedRows <= 0) {
      return 0;
    }
    return Math.min(0.5, Math.max(requested, 16.0 / expectedRows));
  }

  /** Background reports expected over the whole calendar (the daily shape has mean 1). */
  static double expectedReports(ReportModel reports, Timeline time) {
    double perMinute = 0;
    for (double[] row : reports.background) {
      for (double v : row) {
        perMinute += v;
      }
    }
    return perMinute * 1440 * time.days();
  }

  String incidentId() {
    return IncidentTimeline.incidentId(simulation.start());
  }
}

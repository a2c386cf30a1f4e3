package com.outageimpact.cascade;

import com.outageimpact.cascade.Cascade.State;
import com.outageimpact.graph.ServiceGraph;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Where redundancy would pay most: for every component, what its failure alone would take down
 * or degrade (user-facing services, businesses, sectors, critical businesses) and the value per
 * hour of the streams through those services at their normal rates. Ranked by value at risk,
 * then by critical businesses hit, then by services hit.
 *
 * <p>A business's value at risk is capped at its whole normal rate: shares from
 * {@code business_services} may overlap.
 */
public final class ComponentExposure {

  /** What one component's failure would put at risk. */
  public record Exposure(String component, String kind, int rank, List<String> servicesDown,
      List<String> servicesDegraded, int businesses, List<String> sectors, int criticalBusinesses,
      double valuePerHourDown, double valuePerHourDegraded) {
    public double valuePerHourAtRisk() {
      return valuePerHourDown + valuePerHourDegraded;
    }
  }

  private ComponentExposure() {}

  public static List<Exposure> rank(ServiceGraph graph, Cascade cascade, List<NormalRates.Stream> streams) {
    Map<String, List<NormalRates.Stream>> byService = new HashMap<>();
    for (NormalRates.Stream s : streams) {
      byService.computeIfAbsent(s.service(), k -> new ArrayList<>()).add(s);
    }
    List<Exposure> exposures = new ArrayList<>();
    for (String component : cascade.order()) {
      TreeSet<String> down = new TreeSet<>();
      TreeSet<String> degraded = new TreeSet<>();
      cascade.visitImpaired(List.of(component), (id, state) -> {
        if (graph.components().get(id).userFacing()) {
          (state == State.DOWN ? down : degraded).add(id);
        }
      });
      // Per business: value down, value degraded, whole rate, critical, sector.
      Map<String, double[]> atRisk = new HashMap<>();
      Map<String, NormalRates.Stream> anyStream = new HashMap<>();
      for (String service : down) {
        add(byService.get(service), 0, atRisk, anyStream);
      }
      for (String service : degraded) {
        add(byService.get(service), 1, atRisk, anyStream);
      }
      double valueDown = 0;
      double valueDegraded = 0;
      int critical = 0;
      TreeSet<String> sectors = new TreeSet<>();
      for (Map.Entry<String, double[]> e : atRisk.entrySet()) {
        double[] v = e.getValue();
        NormalRates.Stream s = anyStream.get(e.getKey());
        double scale = Math.min(1, s.businessValuePerHour() / Math.max(v[0] + v[1], Double.MIN_VALUE));
        valueDown += v[0] * scale;
        valueDegraded += v[1] * scale;
        critical += s.critical() ? 1 : 0;
        sectors.add(s.sector());
      }
      exposures.add(new Exposure(component, graph.components().get(component).kind(), 0, List.copyOf(down),
          List.copyOf(degraded), atRisk.size(), List.copyOf(sectors), critical, valueDown, valueDegraded));
    }
    exposures.sort(Comparator.comparingDouble(Exposure::valuePerHourAtRisk).reversed()
        .thenComparing(Comparator.comparingInt(Exposure::criticalBusinesses).reversed())
        .thenComparing(Comparator.comparingInt((Exposure e) -> e.servicesDown().size() + e.servicesDegraded().size())
            .reversed())
        .thenComparing(Exposure::component));
    List<Exposure> ranked = new ArrayList<>();
    for (int i = 0; i < exposures.size(); i++) {
      Exposure e = exposures.get(i);
      ranked.add(new Exposure(e.component(), e.kind(), i + 1, e.servicesDown(), e.servicesDegraded(), e.businesses(),
          e.sectors(), e.criticalBusinesses(), e.valuePerHourDown(), e.valuePerHourDegraded()));
    }
    return ranked;
  }

  private static void add(List<NormalRates.Stream> streams, int slot, Map<String, double[]> atRisk,
      Map<String, NormalRates.Stream> anyStream) {
    if (streams == null) {
      return;
    }
    for (NormalRates.Stream s : streams) {
      atRisk.computeIfAbsent(s.businessId(), k -> new double[2])[slot] += s.valuePerHour();
      anyStream.putIfAbsent(s.businessId(), s);
    }
  }
}

package com.outageimpact.cascade;

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
    return rank(graph, new Footprints(graph, cascade), streams);
  }

  public static List<Exposure> rank(ServiceGraph graph, Footprints footprints, List<NormalRates.Stream> streams) {
    StreamIndex index = new StreamIndex(streams, footprints);
    // Per business, reset lazily: the component that last touched it, and its values at risk.
    int[] touchedBy = new int[index.businesses()];
    java.util.Arrays.fill(touchedBy, -1);
    double[] down = new double[index.businesses()];
    double[] degraded = new double[index.businesses()];
    int[] touched = new int[index.businesses()];
    int[] sectorTouchedBy = new int[index.sectors.size()];
    java.util.Arrays.fill(sectorTouchedBy, -1);
    List<Exposure> exposures = new ArrayList<>();
    // Components with the same footprint (a chain's links, often) put the same at risk.
    Map<Footprint, Exposure> byFootprint = new HashMap<>();
    for (int c = 0; c < footprints.components.size(); c++) {
      String component = footprints.components.get(c);
      Footprint footprint = new Footprint(footprints.down[c], footprints.degraded[c]);
      Exposure same = byFootprint.get(footprint);
      if (same != null) {
        exposures.add(new Exposure(component, graph.components().get(component).kind(), 0, same.servicesDown(),
            same.servicesDegraded(), same.businesses(), same.sectors(), same.criticalBusinesses(),
            same.valuePerHourDown(), same.valuePerHourDegraded()));
        continue;
      }
      int count = 0;
      for (int pass = 0; pass < 2; pass++) {
        double[] into = pass == 0 ? down : degraded;
        for (int service : pass == 0 ? footprints.down[c] : footprints.degraded[c]) {
          int[] businesses = index.businessesOf[service];
          double[] rates = index.ratesOf[service];
          for (int k = 0; k < businesses.length; k++) {
            int b = businesses[k];
            if (touchedBy[b] != c) {
              touchedBy[b] = c;
              down[b] = 0;
              degraded[b] = 0;
              touched[count++] = b;
            }
            into[b] += rates[k];
          }
        }
      }
      double valueDown = 0;
      double valueDegraded = 0;
      int critical = 0;
      TreeSet<String> sectors = new TreeSet<>();
      for (int k = 0; k < count; k++) {
        int b = touched[k];
        double scale = Math.min(1, index.wholeRate[b] / Math.max(down[b] + degraded[b], Double.MIN_VALUE));
        valueDown += down[b] * scale;
        valueDegraded += degraded[b] * scale;
        critical += index.critical[b] ? 1 : 0;
        if (sectorTouchedBy[index.sector[b]] != c) {
          sectorTouchedBy[index.sector[b]] = c;
          sectors.add(index.sectors.get(index.sector[b]));
        }
      }
      Exposure exposure = new Exposure(component, graph.components().get(component).kind(), 0,
          footprints.userFacingNames(footprints.down[c]), footprints.userFacingNames(footprints.degraded[c]),
          count,
          List.copyOf(sectors), critical, valueDown, valueDegraded);
      exposures.add(exposure);
      byFootprint.put(footprint, exposure);
    }
    // Value at risk to the micro-unit (the contract's money precision): components whose footprints
    // reach the same businesses carry the same value, summed in another order, and the last bit of
    // a double must not decide their ranks (the criteria after it do).
    exposures.sort(Comparator.comparingDouble((Exposure e) -> Math.rint(e.valuePerHourAtRisk() * 1e6)).reversed()
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

  /** The services a component's failure takes down and degrades, compared by content. */
  private record Footprint(int[] down, int[] degraded) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Footprint f && java.util.Arrays.equals(down, f.down)
          && java.util.Arrays.equals(degraded, f.degraded);
    }

    @Override
    public int hashCode() {
      return 31 * java.util.Arrays.hashCode(down) + java.util.Arrays.hashCode(degraded);
    }
  }

  /** Streams indexed by business number and by service, so each component's sums run on arrays. */
  private static final class StreamIndex {
    /** Per service number: the businesses with a stream through it, and those streams' rates. */
    final int[][] businessesOf;
    final double[][] ratesOf;
    final List<String> sectors = new ArrayList<>();
    final int[] sector;
    final boolean[] critical;
    final double[] wholeRate;

    StreamIndex(List<NormalRates.Stream> streams, Footprints footprints) {
      Map<String, Integer> businessIndex = new HashMap<>();
      Map<String, Integer> sectorIndex = new HashMap<>();
      Map<String, List<NormalRates.Stream>> byService = new HashMap<>();
      for (NormalRates.Stream s : streams) {
        businessIndex.putIfAbsent(s.businessId(), businessIndex.size());
        sectorIndex.computeIfAbsent(s.sector(), k -> {
          sectors.add(k);
          return sectors.size() - 1;
        });
        byService.computeIfAbsent(s.service(), k -> new ArrayList<>()).add(s);
      }
      sector = new int[businessIndex.size()];
      critical = new boolean[businessIndex.size()];
      wholeRate = new double[businessIndex.size()];
      for (NormalRates.Stream s : streams) {
        int b = businessIndex.get(s.businessId());
        sector[b] = sectorIndex.get(s.sector());
        critical[b] = s.critical();
        wholeRate[b] = s.businessValuePerHour();
      }
      businessesOf = new int[footprints.services.size()][];
      ratesOf = new double[footprints.services.size()][];
      for (int s = 0; s < footprints.services.size(); s++) {
        List<NormalRates.Stream> list = byService.getOrDefault(footprints.services.get(s), List.of());
        businessesOf[s] = list.stream().mapToInt(x -> businessIndex.get(x.businessId())).toArray();
        ratesOf[s] = list.stream().mapToDouble(NormalRates.Stream::valuePerHour).toArray();
      }
    }

    int businesses() {
      return wholeRate.length;
    }
  }
}

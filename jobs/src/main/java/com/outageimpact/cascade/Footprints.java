package com.outageimpact.cascade;

import com.outageimpact.cascade.Cascade.State;
import com.outageimpact.graph.ServiceGraph;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What each component's failure alone does to the user-facing services (and to any other
 * component that drew reports), computed once for every
 * component: the root-cause ranking and the exposure ranking both need it, for every incident.
 * Services are numbered in id order, so a footprint read in order is already sorted by name.
 */
public final class Footprints {

  final List<String> components;
  final List<String> services;
  final Map<String, Integer> serviceIndex = new HashMap<>();
  /** Per component (in {@link #components} order): the services it takes down, and those it degrades. */
  final int[][] down;
  final int[][] degraded;
  /** Per component: how many components its failure impairs, itself included. */
  final int[] impaired;
  /** Per service number: user-facing (not merely a component that drew reports). */
  private final boolean[] userFacing;

  public Footprints(ServiceGraph graph, Cascade cascade) {
    this(graph, cascade, List.of());
  }

  /**
   * @param alsoReported components that are not user-facing but drew reports of their own
   *     (reports may name any component); they are compared like services
   */
  public Footprints(ServiceGraph graph, Cascade cascade, Collection<String> alsoReported) {
    this.components = cascade.order();
    TreeSet<String> observable = new TreeSet<>(graph.serviceIds());
    observable.addAll(alsoReported);
    this.services = List.copyOf(observable);
    userFacing = new boolean[services.size()];
    for (int i = 0; i < services.size(); i++) {
      serviceIndex.put(services.get(i), i);
      userFacing[i] = graph.components().get(services.get(i)).userFacing();
    }
    int n = components.size();
    down = new int[n][];
    degraded = new int[n][];
    impaired = new int[n];
    for (int c = 0; c < n; c++) {
      List<Integer> d = new ArrayList<>();
      List<Integer> g = new ArrayList<>();
      int[] count = {0};
      cascade.visitImpaired(List.of(components.get(c)), (id, state) -> {
        count[0]++;
        Integer s = serviceIndex.get(id);
        if (s != null) {
          (state == State.DOWN ? d : g).add(s);
        }
      });
      down[c] = d.stream().mapToInt(Integer::intValue).sorted().toArray();
      degraded[c] = g.stream().mapToInt(Integer::intValue).sorted().toArray();
      impaired[c] = count[0];
    }
  }

  /** The user-facing services among {@code serviceIndices}, by name. */
  List<String> userFacingNames(int[] serviceIndices) {
    return Arrays.stream(serviceIndices).filter(s -> userFacing[s]).mapToObj(services::get).toList();
  }
}

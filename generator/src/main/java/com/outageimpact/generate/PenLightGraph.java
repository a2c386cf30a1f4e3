package com.outageimpact.generate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The template platform: a PenLight-like social network whose BGP core takes down DNS, the
 * backbone and, through them, almost everything users touch. Built so that the scenarios the tests
 * care about exist: a redundancy group that is not independent of the root (both data centres hang
 * off the backbone), soft edges that leave services degraded rather than down, and services that
 * do not depend on the core at all.
 */
final class PenLightGraph {

  static final String SERVICE = "service";
  static final String INFRASTRUCTURE = "infrastructure";

  record Component(String id, String name, String kind) {}

  /** {@code from} needs {@code to}; group and minUp are null outside a redundancy group. */
  record Dependency(String from, String to, String type, String group, Integer minUp) {
    boolean hard() {
      return "hard".equals(type);
    }
  }

  private final List<Component> components;
  private final List<Dependency> dependencies;
  private final Map<String, Component> byId = new LinkedHashMap<>();

  PenLightGraph(List<Component> components, List<Dependency> dependencies) {
    this.components = List.copyOf(components);
    this.dependencies = List.copyOf(dependencies);
    for (Component c : components) {
      byId.put(c.id(), c);
    }
    for (Dependency d : dependencies) {
      if (!byId.containsKey(d.from()) || !byId.containsKey(d.to())) {
        throw new IllegalStateException("dependency names an unknown component: " + d);
      }
    }
    topologicalOrder(); // fails on a cycle
  }

  static PenLightGraph penlight() {
    List<Component> c = new ArrayList<>();
    c.add(new Component("bgp-core", "Core routing (BGP)", INFRASTRUCTURE));
    c.add(new Component("backbone", "Backbone network", INFRASTRUCTURE));
    c.add(new Component("dns", "Authoritative DNS", INFRASTRUCTURE));
    c.add(new Component("edge", "Edge proxies", INFRASTRUCTURE));
    c.add(new Component("dc-east", "Data centre East", INFRASTRUCTURE));
    c.add(new Component("dc-west", "Data centre West", INFRASTRUCTURE));
    c.add(new Component("storage-backend", "Storage backend", INFRASTRUCTURE));
    c.add(new Component("auth", "Authentication", INFRASTRUCTURE));
    c.add(new Component("media-relay", "Media relay", INFRASTRUCTURE));
    c.add(new Component("notifications", "Push notifications", INFRASTRUCTURE));
    c.add(new Component("external-cdn", "External CDN", INFRASTRUCTURE));
    c.add(new Component("carrier-interconnect", "Carrier interconnect", INFRASTRUCTURE));
    c.add(new Component("messaging", "Messaging", SERVICE));
    c.add(new Component("video-calls", "Video calls", SERVICE));
    c.add(new Component("cloud-storage", "Cloud storage", SERVICE));
    c.add(new Component("gaming", "Gaming", SERVICE));
    c.add(new Component("payments-api", "Payments API", SERVICE));
    c.add(new Component("helpdesk", "Helpdesk", SERVICE));
    c.add(new Component("status-page", "Status page", SERVICE));
    c.add(new Component("sms-gateway", "SMS gateway", SERVICE));

    List<Dependency> d = new ArrayList<>();
    d.add(hard("backbone", "bgp-core"));
    d.add(hard("dns", "bgp-core"));
    d.add(hard("edge", "dns"));
    d.add(hard("dc-east", "backbone"));
    d.add(hard("dc-west", "backbone"));
    // Redundant across data centres, but both sit behind the backbone: a common cause.
    d.add(new Dependency("storage-backend", "dc-east", "hard", "storage-dcs", 1));
    d.add(new Dependency("storage-backend", "dc-west", "hard", "storage-dcs", 1));
    d.add(hard("auth", "edge"));
    d.add(hard("auth", "storage-backend"));
    d.add(hard("media-relay", "edge"));
    d.add(hard("notifications", "edge"));
    d.add(hard("messaging", "auth"));
    d.add(hard("messaging", "storage-backend"));
    d.add(soft("messaging", "notifications"));
    d.add(hard("video-calls", "auth"));
    d.add(hard("video-calls", "media-relay"));
    d.add(hard("cloud-storage", "auth"));
    d.add(hard("cloud-storage", "storage-backend"));
    d.add(hard("gaming", "auth"));
    d.add(hard("gaming", "dc-east"));
    d.add(soft("gaming", "messaging"));
    // Runs in dc-west and only soft-needs auth: down with the backbone, degraded when only DNS fails.
    d.add(hard("payments-api", "dc-west"));
    d.add(soft("payments-api", "auth"));
    // Hosted on the external CDN; its chat widget needs messaging, so it degrades with it.
    d.add(hard("helpdesk", "external-cdn"));
    d.add(soft("helpdesk", "messaging"));
    d.add(hard("status-page", "external-cdn"));
    d.add(hard("sms-gateway", "carrier-interconnect"));
    return new PenLightGraph(c, d);
  }

  private static Dependency hard(String from, String to) {
    return new Dependency(from, to, "hard", null, null);
  }

  private static Dependency soft(String from, String to) {
    return new Dependency(from, to, "soft", null, null);
  }

  List<Component> components() {
    return components;
  }

  List<Dependency> dependencies() {
    return dependencies;
  }

  boolean has(String id) {
    return byId.containsKey(id);
  }

  Component component(String id) {
    Component c = byId.get(id);
    if (c == null) {
      throw new IllegalArgumentException("unknown component '" + id + "': use one of " + byId.keySet());
    }
    return c;
  }

  /** User-facing services, in declaration order: the index used for streams and reports. */
  List<String> serviceIds() {
    return components.stream().filter(c -> SERVICE.equals(c.kind())).map(Component::id).toList();
  }

  /** What {@code id} depends on, in declaration order. */
  List<Dependency> dependenciesOf(String id) {
    return dependencies.stream().filter(d -> d.from().equals(id)).toList();
  }

  /** Parents before dependents; ties in declaration order, so the result is stable. */
  List<String> topologicalOrder() {
    Map<String, Integer> pending = new HashMap<>();
    Map<String, List<String>> dependents = new HashMap<>();
    for (Component c : components) {
      pending.put(c.id(), 0);
      dependents.put(c.id(), new ArrayList<>());
    }
    for (Dependency d : dependencies) {
      pending.merge(d.from(), 1, Integer::sum);
      dependents.get(d.to()).add(d.from());
    }
    List<String> order = new ArrayList<>();
    Deque<String> ready = new ArrayDeque<>();
    for (Component c : components) {
      if (pending.get(c.id()) == 0) {
        ready.add(c.id());
      }
    }
    while (!ready.isEmpty()) {
      String id = ready.poll();
      order.add(id);
      for (String next : dependents.get(id)) {
        if (pending.merge(next, -1, Integer::sum) == 0) {
          ready.add(next);
        }
      }
    }
    if (order.size() != components.size()) {
      throw new IllegalStateException("the template graph has a cycle");
    }
    return order;
  }

  /** The contract's graph JSON document. */
  Map<String, Object> toJson() {
    List<Map<String, Object>> comps = new ArrayList<>();
    for (Component c : components) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", c.id());
      m.put("name", c.name());
      m.put("kind", c.kind());
      comps.add(m);
    }
    List<Map<String, Object>> deps = new ArrayList<>();
    for (Dependency d : dependencies) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("from", d.from());
      m.put("to", d.to());
      m.put("type", d.type());
      if (d.group() != null) {
        m.put("group", d.group());
        m.put("min_up", d.minUp());
      }
      deps.add(m);
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("components", comps);
    doc.put("dependencies", deps);
    return doc;
  }
}

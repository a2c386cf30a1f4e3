package com.outageimpact.graph;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The platform's components and what depends on what, validated (see {@link GraphLoader}): every
 * id known, no self-edges, no cycles, consistent redundancy groups. Small by nature, so it lives
 * on the driver and is shipped to executors as plain data (mutable JDK collections, which every
 * serializer handles).
 */
public final class ServiceGraph implements Serializable {

  public static final String KIND_SERVICE = "service";

  public enum DependencyType { HARD, SOFT }

  /** A component: infrastructure, an internal system, or a {@code service} that users and businesses use. */
  public record Component(String id, String name, String kind) implements Serializable {
    public boolean userFacing() {
      return KIND_SERVICE.equals(kind);
    }
  }

  /** {@code from} needs {@code to}. Edges of one {@code from} sharing a group form a redundancy set. */
  public record Dependency(String from, String to, DependencyType type, String group, Integer minUp)
      implements Serializable {}

  private final Map<String, Component> components;
  private final List<Dependency> dependencies;

  ServiceGraph(List<Component> components, List<Dependency> dependencies) {
    Map<String, Component> byId = new LinkedHashMap<>();
    for (Component component : components) {
      byId.put(component.id(), component);
    }
    this.components = byId;
    this.dependencies = new ArrayList<>(dependencies);
  }

  public Map<String, Component> components() {
    return Collections.unmodifiableMap(components);
  }

  public List<Dependency> dependencies() {
    return Collections.unmodifiableList(dependencies);
  }

  public boolean has(String id) {
    return components.containsKey(id);
  }

  public List<String> componentIds() {
    return new ArrayList<>(components.keySet());
  }

  public List<String> serviceIds() {
    return components.values().stream().filter(Component::userFacing).map(Component::id).toList();
  }

  /** Edges leaving {@code from} (what it needs). */
  public List<Dependency> needs(String from) {
    return dependencies.stream().filter(d -> d.from().equals(from)).toList();
  }
}

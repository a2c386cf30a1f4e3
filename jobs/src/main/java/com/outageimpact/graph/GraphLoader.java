package com.outageimpact.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.outageimpact.common.InputException;
import com.outageimpact.common.JsonDocuments;
import com.outageimpact.graph.ServiceGraph.Component;
import com.outageimpact.graph.ServiceGraph.Dependency;
import com.outageimpact.graph.ServiceGraph.DependencyType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Reads the graph JSON on the driver and validates it. Every problem found is reported at once,
 * each naming the ids involved, so that a graph can be fixed in one go.
 */
public final class GraphLoader {

  private GraphLoader() {}

  public static ServiceGraph load(String pathText, Configuration hadoopConf) {
    return parse(JsonDocuments.read("graph", pathText, hadoopConf), new Path(pathText).toString());
  }

  /** Parses and validates a graph document; {@code source} names it in errors. */
  public static ServiceGraph parse(JsonNode root, String source) {
    List<String> problems = new ArrayList<>();
    if (root == null || !root.isObject()) {
      throw invalid(source, List.of("the document must be a JSON object with components and dependencies"));
    }
    List<Component> components = new ArrayList<>();
    Set<String> ids = new LinkedHashSet<>();
    JsonNode componentNodes = root.path("components");
    if (!componentNodes.isArray() || componentNodes.isEmpty()) {
      problems.add("components must be a non-empty array");
    } else {
      int index = 0;
      for (JsonNode node : componentNodes) {
        String id = text(node, "id");
        if (id == null) {
          problems.add("components[" + index + "] has no id");
        } else if (!ids.add(id)) {
          problems.add("component id '" + id + "' is declared more than once");
        } else {
          String name = text(node, "name");
          String kind = text(node, "kind");
          components.add(new Component(id, name == null ? id : name, kind == null ? "internal" : kind));
        }
        index++;
      }
    }

    List<Dependency> dependencies = new ArrayList<>();
    JsonNode dependencyNodes = root.path("dependencies");
    if (!dependencyNodes.isMissingNode() && !dependencyNodes.isArray()) {
      problems.add("dependencies must be an array");
    } else {
      int index = 0;
      for (JsonNode node : dependencyNodes) {
        String where = "dependencies[" + index++ + "]";
        String from = text(node, "from");
        String to = text(node, "to");
        String typeText = text(node, "type");
        if (from == null || to == null) {
          problems.add(where + " needs both from and to");
          continue;
        }
        String edge = where + " " + from + " -> " + to;
        if (!ids.contains(from)) {
          problems.add(edge + ": unknown component id '" + from + "'");
        }
        if (!ids.contains(to)) {
          problems.add(edge + ": unknown component id '" + to + "'");
        }
        if (from.equals(to)) {
          problems.add(edge + ": self-edge on '" + from + "'");
        }
        DependencyType type = DependencyType.HARD;
        if (typeText != null) {
          try {
            type = DependencyType.valueOf(typeText.toUpperCase(Locale.ROOT));
          } catch (IllegalArgumentException e) {
            problems.add(edge + ": type '" + typeText + "' is neither hard nor soft");
          }
        }
        String group = text(node, "group");
        Integer minUp = null;
        JsonNode minUpNode = node.get("min_up");
        if (minUpNode != null && !minUpNode.isNull()) {
          if (!minUpNode.canConvertToInt() || !minUpNode.isIntegralNumber()) {
            problems.add(edge + ": min_up must be an integer");
          } else {
            minUp = minUpNode.intValue();
          }
        }
        if (minUp != null && group == null) {
          problems.add(edge + ": min_up without a group");
        }
        dependencies.add(new Dependency(from, to, type, group, minUp));
      }
    }
    problems.addAll(groupProblems(dependencies));
    if (problems.isEmpty()) {
      List<String> cycle = findCycle(ids, dependencies);
      if (cycle != null) {
        problems.add("dependency cycle: " + describeCycle(cycle));
      }
    }
    if (!problems.isEmpty()) {
      throw invalid(source, problems);
    }
    return new ServiceGraph(components, dependencies);
  }

  /** A redundancy group (one from, one group name): one min_up, between 1 and the group's size, one type. */
  private static List<String> groupProblems(List<Dependency> dependencies) {
    Map<String, List<Dependency>> groups = new LinkedHashMap<>();
    for (Dependency d : dependencies) {
      if (d.group() != null) {
        groups.computeIfAbsent(d.from() + "\u0000" + d.group(), k -> new ArrayList<>()).add(d);
      }
    }
    List<String> problems = new ArrayList<>();
    for (List<Dependency> members : groups.values()) {
      Dependency first = members.get(0);
      String name = "group '" + first.group() + "' of '" + first.from() + "'";
      Set<Integer> minUps = new LinkedHashSet<>();
      Set<DependencyType> types = new LinkedHashSet<>();
      Set<String> targets = new HashSet<>();
      for (Dependency d : members) {
        minUps.add(d.minUp() == null ? 1 : d.minUp());
        types.add(d.type());
        if (!targets.add(d.to())) {
          problems.add(name + " lists '" + d.to() + "' twice");
        }
      }
      if (minUps.size() > 1) {
        problems.add(name + " has inconsistent min_up " + minUps);
      } else {
        int minUp = minUps.iterator().next();
        if (minUp < 1 || minUp > members.size()) {
          problems.add(name + " has min_up " + minUp + " but " + members.size() + " member(s) "
              + members.stream().map(Dependency::to).toList());
        }
      }
      if (types.size() > 1) {
        problems.add(name + " mixes hard and soft edges");
      }
    }
    return problems;
  }

  /** A cycle as a list of ids that starts and ends with the same id, or null when there is none. */
  static List<String> findCycle(Set<String> ids, List<Dependency> dependencies) {
    Map<String, List<String>> needs = new HashMap<>();
    for (Dependency d : dependencies) {
      needs.computeIfAbsent(d.from(), k -> new ArrayList<>()).add(d.to());
    }
    Map<String, Integer> state = new HashMap<>(); // 1 = on the current path, 2 = done
    for (String start : ids) {
      if (state.containsKey(start)) {
        continue;
      }
      // Iterative depth-first search: a 10,000-component chain must not overflow the stack.
      Deque<String> path = new ArrayDeque<>();
      Deque<Integer> nextChild = new ArrayDeque<>();
      path.push(start);
      nextChild.push(0);
      state.put(start, 1);
      while (!path.isEmpty()) {
        String node = path.peek();
        List<String> children = needs.getOrDefault(node, List.of());
        int i = nextChild.pop();
        if (i < children.size()) {
          nextChild.push(i + 1);
          String child = children.get(i);
          Integer childState = state.get(child);
          if (childState == null) {
            state.put(child, 1);
            path.push(child);
            nextChild.push(0);
          } else if (childState == 1) {
            List<String> cycle = new ArrayList<>();
            List<String> onPath = new ArrayList<>(path);
            java.util.Collections.reverse(onPath);
            cycle.addAll(onPath.subList(onPath.indexOf(child), onPath.size()));
            cycle.add(child);
            return cycle;
          }
        } else {
          state.put(node, 2);
          path.pop();
        }
      }
    }
    return null;
  }

  /** A cycle as "a -> b -> a"; a very long one keeps its ends and says how many it skipped. */
  private static String describeCycle(List<String> cycle) {
    int keep = 12;
    if (cycle.size() <= 2 * keep + 1) {
      return String.join(" -> ", cycle);
    }
    return String.join(" -> ", cycle.subList(0, keep)) + " -> ... (" + (cycle.size() - 2 * keep)
        + " more) ... -> " + String.join(" -> ", cycle.subList(cycle.size() - keep, cycle.size()));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull() || !value.isValueNode()) {
      return null;
    }
    String text = value.asText().trim();
    return text.isEmpty() ? null : text;
  }

  private static InputException invalid(String source, List<String> problems) {
    return new InputException("input 'graph': " + source + " is invalid: " + String.join("; ", problems));
  }
}

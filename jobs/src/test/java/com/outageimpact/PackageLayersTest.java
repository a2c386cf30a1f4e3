package com.outageimpact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Imports flow one way: the jobs, then publish, then the stages in pipeline order (impact, cascade,
 * detect), then ingest and graph, then schema and common. Read from the main sources of the jobs and
 * of the generator (a module of its own, whose sources the tests compile): any mention of another
 * package of the product (an import or a qualified name) must be one its layer allows.
 */
class PackageLayersTest {

  /** What each package may use besides itself; the jobs (the root package) may use every package. */
  static final Map<String, Set<String>> ALLOWED = Map.of(
      "schema", Set.of(),
      "common", Set.of(),
      "graph", Set.of("common", "schema"),
      "ingest", Set.of("common", "schema", "graph"),
      "detect", Set.of("common", "schema", "ingest"),
      "cascade", Set.of("common", "schema", "graph", "ingest", "detect"),
      "impact", Set.of("common", "schema", "graph", "ingest", "detect", "cascade"),
      "publish", Set.of("common", "schema", "graph", "ingest", "detect", "cascade", "impact"),
      // The generator writes inputs as the contract declares them; no stage may use it.
      "generate", Set.of("common", "schema", "ingest"));

  private static final List<Path> MAIN = List.of(
      Path.of("src/main/java/com/outageimpact"), Path.of("../generator/src/main/java/com/outageimpact"));
  private static final Pattern MENTION = Pattern.compile("com\\.outageimpact\\.([a-z]+)\\.");

  @Test
  void noPackageUsesOneAboveIt() throws IOException {
    List<String> violations = new ArrayList<>();
    Set<String> packages = new TreeSet<>();
    for (Path root : MAIN) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          Path relative = root.relativize(file);
          if (relative.getNameCount() > 1) { // the jobs (the root package) may use every package
            String pkg = relative.getName(0).toString();
            packages.add(pkg);
            violations.addAll(usesOutsideItsLayer(pkg, relative, Files.readAllLines(file)));
          }
        }
      }
    }
    assertEquals(ALLOWED.keySet(), packages, "every package has a layer, and every layer a package");
    assertEquals(List.of(), violations);
  }

  private static List<String> usesOutsideItsLayer(String pkg, Path file, List<String> lines) {
    Set<String> allowed = ALLOWED.get(pkg);
    assertTrue(allowed != null, "package " + pkg + " has no layer in ALLOWED");
    List<String> violations = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("package ")) {
        continue;
      }
      Matcher m = MENTION.matcher(line);
      while (m.find()) {
        String used = m.group(1);
        if (!used.equals(pkg) && !allowed.contains(used)) {
          violations.add(file + " uses " + used + ": " + line.trim());
        }
      }
    }
    return violations;
  }
}

package com.outageimpact.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.outageimpact.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same seed and options give the same content whatever the Spark partitioning; another seed gives
 * another scenario. JSON Lines, so that format is exercised end to end too.
 */
class GeneratorDeterminismTest {

  @TempDir
  static Path dir;

  static Map<String, List<String>> first;
  static Map<String, List<String>> repartitioned;
  static Map<String, List<String>> otherSeed;

  static String[] args(Path out, String seed, String... extra) {
    List<String> a = new ArrayList<>(List.of("--out", out.toString(), "--seed", seed, "--format", "json",
        "--businesses", "20", "--weeks", "1", "--transactions", "5000", "--report-scale", "0.05"));
    a.addAll(List.of(extra));
    return a.toArray(new String[0]);
  }

  @BeforeAll
  static void generate() throws IOException {
    for (String[] run : new String[][] {args(dir.resolve("a"), "5"), args(dir.resolve("b"), "5", "--partitions", "3"),
        args(dir.resolve("c"), "6")}) {
      GenerateJob.run(SparkTestSession.get(), GenerateJob.options().parse(run));
    }
    first = content(dir.resolve("a"));
    repartitioned = content(dir.resolve("b"));
    otherSeed = content(dir.resolve("c"));
  }

  /**
   * Content by table: the sorted lines of every data file under it, keyed by the table and its
   * partition folder (part file names carry a per-job UUID, so they are not compared).
   */
  static Map<String, List<String>> content(Path root) throws IOException {
    Map<String, List<String>> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(".") || name.startsWith("_")) {
          continue;
        }
        String key = root.relativize(p.getParent()).toString();
        if (p.getParent().equals(root)) {
          key = name;
        }
        out.computeIfAbsent(key, k -> new ArrayList<>()).addAll(Files.readAllLines(p));
      }
    }
    out.values().forEach(lines -> lines.sort(String::compareTo));
    return out;
  }

  @Test
  void sameSeedGivesTheSameFilesWhateverThePartitioning() {
    assertEquals(first.keySet(), repartitioned.keySet());
    for (String key : first.keySet()) {
      assertEquals(first.get(key), repartitioned.get(key), key);
    }
    assertTrue(first.containsKey("truth.json") || first.containsKey("truth"));
    assertTrue(first.get("transactions/date=2021-10-04").size() > 100);
  }

  @Test
  void anotherSeedGivesAnotherScenario() {
    assertNotEquals(first.get("transactions/date=2021-10-04"), otherSeed.get("transactions/date=2021-10-04"));
    assertNotEquals(first.get("businesses"), otherSeed.get("businesses"));
    assertNotEquals(first.get("truth"), otherSeed.get("truth"));
    // The graph is a template: the same for every seed.
    assertEquals(first.get("graph.json"), otherSeed.get("graph.json"));
  }

  @Test
  void jsonLinesAreOneObjectPerLineExceptTheMalformedRows() {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String table : List.of("transactions", "reports", "businesses", "business_services")) {
      long broken = 0;
      long lines = 0;
      for (Map.Entry<String, List<String>> e : first.entrySet()) {
        if (!e.getKey().equals(table) && !e.getKey().startsWith(table + "/")) {
          continue;
        }
        for (String line : e.getValue()) {
          lines++;
          try {
            if (!json.readTree(line).isObject()) {
              broken++;
            }
          } catch (IOException ex) {
            broken++;
          }
        }
      }
      assertTrue(lines > 20, table);
      assertEquals(3, broken, table + ": --bad-rows 3 malformed lines");
    }
  }
}

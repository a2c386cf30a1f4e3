package com.outageimpact;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.outageimpact.common.InputException;
import com.outageimpact.common.JobOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the jobs check before any Spark work (issue 24, point 8): the inputs are there and --out
 * can be written, each failure one line; and the launcher exits 2 with that line alone. No Spark
 * session here: the checks need none.
 */
class EarlyChecksTest {

  private static final Configuration CONF = new Configuration();

  @TempDir Path tmp;

  private Path inputs() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("graph.json"), "{\"components\": [{\"id\": \"chat\", \"kind\": \"service\"}]}");
    Files.writeString(data.resolve("businesses.csv"), "business_id,sector\nb1,retail\n");
    Files.writeString(data.resolve("reports.csv"), "report_id,reported_at,service\nr1,2021-10-04T15:40:00Z,chat\n");
    Files.writeString(data.resolve("transactions.csv"), "txn_id,business_id,occurred_at,amount\nt1,b1,2021-10-04T15:00:00Z,10\n");
    return data;
  }

  private static void checkRun(String... args) {
    JobOptions options = RunJob.options().parse(args);
    RunJob.checkInputsAndOutput(options, CONF);
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void completeInputsAndANewOutputFolderPassAndLeaveNothingBehind() throws Exception {
    Path data = inputs();
    checkRun("--data", data.toString(), "--out", tmp.resolve("out/deeper").toString());
    assertEquals(List.of("data"), names(tmp), "no output folder and no write-check file");
    Files.createDirectories(tmp.resolve("existing"));
    checkRun("--data", data.toString(), "--out", tmp.resolve("existing").toString());
    assertEquals(List.of(), names(tmp.resolve("existing")));
  }

  @Test
  void eachRequiredInputIsNamedWhenMissing() throws Exception {
    for (String missing : new String[] {"graph.json", "businesses.csv", "reports.csv", "transactions.csv"}) {
      Path data = inputs();
      Files.delete(data.resolve(missing));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> checkRun("--data", data.toString(), "--out", tmp.resolve("out").toString()));
      String input = missing.substring(0, missing.indexOf('.'));
      assertTrue(e.getMessage().startsWith("input '" + input + "' is required: give --" + input), e.getMessage());
    }
  }

  @Test
  void aGivenPathThatDoesNotExistIsNamed() throws Exception {
    Path data = inputs();
    InputException e = assertThrows(InputException.class, () -> checkRun("--data", data.toString(),
        "--sla-tiers", tmp.resolve("nope.csv").toString(), "--out", tmp.resolve("out").toString()));
    assertEquals("input 'sla_tiers': path does not exist: " + tmp.resolve("nope.csv"), e.getMessage());
  }

  @Test
  void anOutputThatIsAFileOrUnderAFileIsRefused() throws Exception {
    Path data = inputs();
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    InputException isFile = assertThrows(InputException.class,
        () -> checkRun("--data", data.toString(), "--out", file.toString()));
    assertEquals("output " + file + ": is a file, not a folder", isFile.getMessage());
    InputException under = assertThrows(InputException.class,
        () -> checkRun("--data", data.toString(), "--out", file.resolve("out").toString()));
    assertEquals("output " + file.resolve("out") + ": cannot be created, " + file + " is a file", under.getMessage());
  }

  /** /proc takes no new files, even from root (these tests run as root here, which chmod does not stop). */
  @Test
  void anOutputFolderThatCannotBeWrittenIsRefused() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux's /proc");
    Path data = inputs();
    InputException e = assertThrows(InputException.class,
        () -> checkRun("--data", data.toString(), "--out", "/proc/outage-impact-out"));
    assertTrue(e.getMessage().startsWith("output /proc/outage-impact-out: cannot write in /proc ("), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void detectChecksItsReportsAndOutput() throws Exception {
    Path data = inputs();
    Files.delete(data.resolve("reports.csv"));
    JobOptions options = DetectJob.options().parse(new String[] {"--data", data.toString(), "--out", tmp.resolve("o").toString()});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DetectJob.checkInputsAndOutput(options, CONF));
    assertTrue(e.getMessage().startsWith("input 'reports' is required"), e.getMessage());
  }

  /** The shared settings (JobSettings) are checked with the inputs, before Spark starts. */
  @Test
  void aBadFormatOrReportingCurrencyIsNamed() throws Exception {
    Path data = inputs();
    String out = tmp.resolve("out").toString();
    IllegalArgumentException format = assertThrows(IllegalArgumentException.class,
        () -> checkRun("--data", data.toString(), "--out", out, "--format", "xlsx"));
    assertEquals("unknown format 'xlsx': use csv, json or parquet", format.getMessage());
    IllegalArgumentException currency = assertThrows(IllegalArgumentException.class,
        () -> checkRun("--data", data.toString(), "--out", out, "--reporting-currency", "US$"));
    assertEquals("option --reporting-currency 'US$' is not a three-letter ISO 4217 currency code", currency.getMessage());
    checkRun("--data", data.toString(), "--out", out, "--reporting-currency", "eur");
    assertEquals("EUR", JobSettings.from(RunJob.options().parse(new String[] {"--reporting-currency", "eur"}))
        .reportingCurrency());
    // detect reads no money: it has no currency to set.
    assertEquals(null, JobSettings.from(DetectJob.options().parse(new String[] {})).reportingCurrency());
    assertThrows(IllegalArgumentException.class,
        () -> DetectJob.options().parse(new String[] {"--reporting-currency", "EUR"}));
  }

  /** Through Main, as the launchers start it: exit 2, one line on stderr, and no Spark started. */
  @Test
  void theJobExitsTwoWithOneLineBeforeSparkStarts() throws Exception {
    Path data = inputs();
    Path file = Files.writeString(tmp.resolve("a-file"), "x");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
    for (String flag : System.getProperty("spark.jvm.flags.for.tests", "").split(" ")) {
      if (!flag.isBlank()) {
        command.add(flag);
      }
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "run",
        "--data", data.toString(), "--out", file.toString()));
    Process process = new ProcessBuilder(command).start();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the job did not finish");
    String stderr = new String(process.getErrorStream().readAllBytes());
    assertEquals(2, process.exitValue(), stderr);
    assertEquals("run failed: output " + file + ": is a file, not a folder", stderr.strip(),
        "one line, and nothing from Spark: no session was started");
  }
}

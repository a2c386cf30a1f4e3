package com.outageimpact;

import com.outageimpact.publish.PublishedRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** Where a test finds an output of the run committed in a local output folder (through its manifest). */
public final class Published {

  private Published() {}

  /** e.g. {@code Published.table(out, "sector_impact")} or {@code "rejects/reports"}. */
  public static String table(Path out, String table) {
    try {
      return PublishedRun.read(out).table(table);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

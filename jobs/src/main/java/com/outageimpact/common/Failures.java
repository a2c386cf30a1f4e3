package com.outageimpact.common;

import org.apache.spark.SparkThrowable;

/** Turning exceptions into the one-line reasons that jobs print and input errors carry. */
public final class Failures {

  private Failures() {}

  /** The innermost cause: Spark wraps the message that names the file several layers deep. */
  public static Throwable rootCause(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  /**
   * The file a failed Spark read names, or null: Spark names it in an error's parameters
   * ({@code FAILED_READ_FILE}: path, {@code CANNOT_READ_FILE_FOOTER}: file) a few layers above the
   * root cause, whose message (a corrupt Parquet footer, a broken gzip stream) often does not.
   */
  public static String failedFile(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof SparkThrowable spark && spark.getMessageParameters() != null) {
        for (String key : new String[] {"path", "file"}) {
          String file = spark.getMessageParameters().get(key);
          if (file != null && !file.isBlank()) {
            return file;
          }
        }
      }
    }
    return null;
  }

  /** The first line of a message (or the exception's class name when it has none). */
  public static String firstLine(Throwable t) {
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}

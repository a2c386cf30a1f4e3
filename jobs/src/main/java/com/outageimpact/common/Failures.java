package com.outageimpact.common;

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

  /** The first line of a message (or the exception's class name when it has none). */
  public static String firstLine(Throwable t) {
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}

package com.outageimpact;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Entry point for the embedded launcher and {@code spark-submit --class com.outageimpact.Main}:
 * the first argument names the job, the rest are that job's options.
 */
public final class Main {

  private static final Map<String, Consumer<String[]>> JOBS = new LinkedHashMap<>();

  static {
    JOBS.put("run", RunJob::main);
    JOBS.put("detect", DetectJob::main);
    JOBS.put("generate", Main::generate);
  }

  private Main() {}

  public static void main(String[] args) {
    if (args.length == 0 || !JOBS.containsKey(args[0])) {
      System.err.println("usage: Main <job> [options], where <job> is one of " + JOBS.keySet()
          + "; '<job> --help' lists the job's options");
      System.exit(args.length == 0 || args[0].equals("--help") ? 0 : 2);
    }
    JOBS.get(args[0]).accept(Arrays.copyOfRange(args, 1, args.length));
  }

  /**
   * The generator is not in the jobs jar analysts submit (it is test tooling): it is looked up
   * when asked for, from the build's classes or the generator jar.
   */
  private static void generate(String[] args) {
    Class<?> job;
    try {
      job = Class.forName("com.outageimpact.generate.GenerateJob");
    } catch (ClassNotFoundException e) {
      System.err.println("generate failed: the generator is not on the classpath; add its jar "
          + "(generator/target/outage-impact-generator-<version>.jar, e.g. spark-submit --jars) or run it "
          + "with mvn -q compile exec:exec -Djob=generate");
      System.exit(2);
      return;
    }
    try {
      job.getMethod("main", String[].class).invoke(null, (Object) args);
    } catch (ReflectiveOperationException e) {
      Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ? e.getCause() : e;
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    }
  }
}

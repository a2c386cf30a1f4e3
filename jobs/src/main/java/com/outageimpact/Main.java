package com.outageimpact;

import com.outageimpact.generate.GenerateJob;
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
    JOBS.put("generate", GenerateJob::main);
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
}

package com.outageimpact.common;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line options of a job: {@code --name value} pairs and {@code --flag}s, declared up
 * front so that {@code --help} can list every option with its default and meaning, and so that
 * a misspelt option is an error rather than silently ignored.
 */
public final class JobOptions {

  /** One declared option. A flag takes no value; its value is "true" when present. */
  public record Option(String name, String defaultValue, boolean flag, String help) {}

  private final String job;
  private final String summary;
  private final Map<String, Option> declared = new LinkedHashMap<>();
  private final Map<String, String> values = new LinkedHashMap<>();
  private boolean helpRequested;

  public JobOptions(String job, String summary) {
    this.job = job;
    this.summary = summary;
  }

  public JobOptions option(String name, String defaultValue, String help) {
    declared.put(name, new Option(name, defaultValue, false, help));
    return this;
  }

  public JobOptions flag(String name, String help) {
    declared.put(name, new Option(name, "false", true, help));
    return this;
  }

  /** Parses {@code args}; throws {@link IllegalArgumentException} naming the bad argument. */
  public JobOptions parse(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        helpRequested = true;
        continue;
      }
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "' (see --help)");
      }
      String name = arg.substring(2);
      String inlineValue = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        inlineValue = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      Option option = declared.get(name);
      if (option == null) {
        throw new IllegalArgumentException("unknown option --" + name + " (see --help)");
      }
      if (option.flag()) {
        values.put(name, inlineValue == null ? "true" : inlineValue);
      } else if (inlineValue != null) {
        values.put(name, inlineValue);
      } else {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("option --" + name + " needs a value");
        }
        values.put(name, args[++i]);
      }
    }
    return this;
  }

  public boolean helpRequested() {
    return helpRequested;
  }

  /** The value given, else the declared default (which may be null: option not set). */
  public String get(String name) {
    Option option = declared.get(name);
    if (option == null) {
      throw new IllegalStateException("option --" + name + " is not declared by " + job);
    }
    return values.getOrDefault(name, option.defaultValue());
  }

  /** Whether the job declares this option (a shared setting some jobs have and others not). */
  public boolean declares(String name) {
    return declared.containsKey(name);
  }

  public boolean isSet(String name) {
    return get(name) != null;
  }

  public String require(String name) {
    String value = get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("option --" + name + " is required (see --help)");
    }
    return value;
  }

  public boolean getFlag(String name) {
    return Boolean.parseBoolean(get(name));
  }

  public int getInt(String name) {
    String value = require(name);
    try {
      return Integer.parseInt(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option --" + name + " needs an integer, got '" + value + "'");
    }
  }

  public long getLong(String name) {
    String value = require(name);
    try {
      return Long.parseLong(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option --" + name + " needs an integer, got '" + value + "'");
    }
  }

  public double getDouble(String name) {
    String value = require(name);
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option --" + name + " needs a number, got '" + value + "'");
    }
  }

  /** Every option with its effective value, for the manifest's parameters. */
  public Map<String, String> effectiveValues() {
    Map<String, String> effective = new LinkedHashMap<>();
    for (Option option : declared.values()) {
      effective.put(option.name(), get(option.name()));
    }
    return Collections.unmodifiableMap(effective);
  }

  public String usage() {
    StringBuilder out = new StringBuilder();
    out.append("usage: ").append(job).append(" [options]\n\n").append(summary).append("\n\noptions:\n");
    List<Option> options = new ArrayList<>(declared.values());
    for (Option option : options) {
      String left = "  --" + option.name() + (option.flag() ? "" : " VALUE");
      out.append(String.format("%-32s %s", left, option.help()));
      if (!option.flag() && option.defaultValue() != null) {
        out.append(" (default: ").append(option.defaultValue()).append(')');
      }
      out.append('\n');
    }
    out.append(String.format("%-32s %s%n", "  --help", "print this help and exit"));
    return out.toString();
  }
}

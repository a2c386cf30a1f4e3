package com.outageimpact.impact;

import static org.apache.spark.sql.functions.expr;

import org.apache.spark.sql.Column;

/**
 * A business's downtime: the union of the down intervals of the services it relies on, and a
 * policy's cover, the part of that union past a waiting period. One sweep over the intervals sorted
 * by start (an {@code intervals} array column of structs whose first field is {@code down_start}),
 * keeping the furthest end so far ({@code e}) and the union's seconds so far ({@code t}); with a
 * waiting period it also keeps the cover ({@code c}, an array of {@code s}, {@code e} in epoch
 * seconds), which may have gaps where the intervals do. Built-in higher-order functions only: the
 * intervals of one business are few.
 */
final class Downtime {

  private Downtime() {}

  /**
   * The union's seconds, each interval taken as [from, to): only what extends past the furthest end
   * so far counts. Clipping or moving an interval's end keeps the order by start, and an empty one
   * (to before from) adds nothing.
   *
   * @param from an interval's start, a SQL expression over the element {@code x}
   * @param to its end, likewise
   */
  static Column unionSeconds(String from, String to) {
    return expr("aggregate(array_sort(coalesce(intervals, array())), named_struct('e', 0L, 't', 0L),"
        + " (acc, x) -> named_struct('e', greatest(acc.e, " + to + "),"
        + " 't', acc.t + greatest(0L, " + to + " - greatest(acc.e, " + from + "))), acc -> acc.t)");
  }

  /**
   * The union's seconds ({@code t}) and the cover past {@code waiting} seconds of it ({@code c}), as
   * a struct.
   *
   * @param from an interval's start, a SQL expression over the element {@code x}
   * @param to its end, likewise
   * @param waiting the waiting period in seconds, a SQL expression (bigint)
   */
  static Column cover(String from, String to, String waiting) {
    String start = "greatest(acc.e, " + from + ")";
    String wait = "greatest(0L, " + waiting + " - acc.t)";
    return expr("aggregate(array_sort(coalesce(intervals, array())),"
        + " named_struct('e', 0L, 't', 0L, 'c', cast(array() as array<struct<s:bigint,e:bigint>>)),"
        + " (acc, x) -> named_struct("
        + "  'e', greatest(acc.e, " + to + "),"
        + "  't', acc.t + greatest(0L, " + to + " - " + start + "),"
        + "  'c', case when " + to + " > " + start + " + " + wait
        + "    then array_append(acc.c, named_struct('s', " + start + " + " + wait + ", 'e', " + to + "))"
        + "    else acc.c end))");
  }
}

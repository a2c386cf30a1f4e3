package com.outageimpact.generate;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An immutable set of half-open time intervals [start, end) in epoch seconds, kept sorted and
 * disjoint. Component windows are sets rather than single intervals because a redundancy group or
 * two parents with different lags can make a dependent flap.
 */
final class Intervals implements Serializable {

  private static final long serialVersionUID = 1L;
  static final Intervals EMPTY = new Intervals(new long[0]);

  /** start0, end0, start1, end1, ... */
  private final long[] bounds;

  private Intervals(long[] bounds) {
    this.bounds = bounds;
  }

  static Intervals of(long start, long end) {
    return end > start ? new Intervals(new long[] {start, end}) : EMPTY;
  }

  /** Normalises arbitrary (possibly overlapping, unsorted) pairs. */
  static Intervals ofPairs(List<long[]> pairs) {
    List<long[]> sorted = new ArrayList<>();
    for (long[] p : pairs) {
      if (p[1] > p[0]) {
        sorted.add(p);
      }
    }
    sorted.sort((a, b) -> Long.compare(a[0], b[0]));
    List<Long> out = new ArrayList<>();
    for (long[] p : sorted) {
      int n = out.size();
      if (n > 0 && p[0] <= out.get(n - 1)) {
        out.set(n - 1, Math.max(out.get(n - 1), p[1]));
      } else {
        out.add(p[0]);
        out.add(p[1]);
      }
    }
    return new Intervals(out.stream().mapToLong(Long::longValue).toArray());
  }

  int size() {
    return bounds.length / 2;
  }

  long start(int i) {
    return bounds[2 * i];
  }

  long end(int i) {
    return bounds[2 * i + 1];
  }

  boolean isEmpty() {
    return bounds.length == 0;
  }

  /** First start; only for a non-empty set. */
  long first() {
    return bounds[0];
  }

  /** Last end; only for a non-empty set. */
  long last() {
    return bounds[bounds.length - 1];
  }

  boolean contains(long t) {
    for (int i = 0; i < bounds.length; i += 2) {
      if (t >= bounds[i] && t < bounds[i + 1]) {
        return true;
      }
    }
    return false;
  }

  long measure() {
    long total = 0;
    for (int i = 0; i < bounds.length; i += 2) {
      total += bounds[i + 1] - bounds[i];
    }
    return total;
  }

  List<long[]> pairs() {
    List<long[]> pairs = new ArrayList<>();
    for (int i = 0; i < bounds.length; i += 2) {
      pairs.add(new long[] {bounds[i], bounds[i + 1]});
    }
    return pairs;
  }

  /** The flat bounds array (a copy), for compact broadcast to executors. */
  long[] toArray() {
    return bounds.clone();
  }

  Intervals union(Intervals other) {
    List<long[]> all = pairs();
    all.addAll(other.pairs());
    return ofPairs(all);
  }

  Intervals intersect(Intervals other) {
    List<long[]> out = new ArrayList<>();
    for (long[] a : pairs()) {
      for (long[] b : other.pairs()) {
        long s = Math.max(a[0], b[0]);
        long e = Math.min(a[1], b[1]);
        if (e > s) {
          out.add(new long[] {s, e});
        }
      }
    }
    return ofPairs(out);
  }

  Intervals minus(Intervals other) {
    List<long[]> current = pairs();
    for (long[] cut : other.pairs()) {
      List<long[]> next = new ArrayList<>();
      for (long[] p : current) {
        if (cut[1] <= p[0] || cut[0] >= p[1]) {
          next.add(p);
          continue;
        }
        if (cut[0] > p[0]) {
          next.add(new long[] {p[0], cut[0]});
        }
        if (cut[1] < p[1]) {
          next.add(new long[] {cut[1], p[1]});
        }
      }
      current = next;
    }
    return ofPairs(current);
  }

  /**
   * What is left once the first {@code seconds} of the set's total length have passed: the part
   * of the downtime a policy with that waiting period covers.
   */
  Intervals afterFirst(long seconds) {
    List<long[]> out = new ArrayList<>();
    long seen = 0;
    for (long[] p : pairs()) {
      long from = Math.max(p[0], p[0] + (seconds - seen));
      if (from < p[1]) {
        out.add(new long[] {from, p[1]});
      }
      seen += p[1] - p[0];
    }
    return ofPairs(out);
  }

  /** Each interval shifted: onset later by {@code startLag}, recovery later by {@code endLag}. */
  Intervals lagged(long startLag, long endLag) {
    List<long[]> out = new ArrayList<>();
    for (long[] p : pairs()) {
      out.add(new long[] {p[0] + startLag, p[1] + endLag});
    }
    return ofPairs(out);
  }

  /**
   * Times at which more than {@code maxDown} of the given sets hold at once (a redundancy group
   * with n members and min_up k is hit when more than n - k members are down).
   */
  static Intervals moreThan(List<Intervals> sets, int maxDown) {
    List<long[]> events = new ArrayList<>();
    for (Intervals set : sets) {
      for (long[] p : set.pairs()) {
        events.add(new long[] {p[0], +1});
        events.add(new long[] {p[1], -1});
      }
    }
    // At equal times, ends before starts: half-open intervals that touch do not overlap.
    events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    List<long[]> out = new ArrayList<>();
    int depth = 0;
    long openedAt = 0;
    for (long[] e : events) {
      int before = depth;
      depth += (int) e[1];
      if (before <= maxDown && depth > maxDown) {
        openedAt = e[0];
      } else if (before > maxDown && depth <= maxDown) {
        out.add(new long[] {openedAt, e[0]});
      }
    }
    return ofPairs(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Intervals other && Arrays.equals(bounds, other.bounds);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bounds);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < bounds.length; i += 2) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(Iso.format(bounds[i], 0)).append(" .. ").append(Iso.format(bounds[i + 1], 0));
    }
    return sb.append(']').toString();
  }
}

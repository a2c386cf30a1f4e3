package com.outageimpact.ingest;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.apache.hadoop.fs.Path;

/**
 * The dates, first to last inclusive, whose Hive-style partitions ({@code date=YYYY-MM-DD}) of an
 * input a run reads. Files outside it are not opened at all; files whose path names no date
 * partition are always read (nothing says which day they hold).
 */
public record DateSpan(LocalDate first, LocalDate last) {

  /**
   * Days of margin on either side of the instants a run needs: partitions may be cut on a local
   * day rather than the UTC one, and a day of margin costs little against weeks of baseline.
   */
  static final int MARGIN_DAYS = 2;

  public DateSpan {
    if (last.isBefore(first)) {
      throw new IllegalArgumentException("date span ends (" + last + ") before it starts (" + first + ")");
    }
  }

  /** The UTC dates from {@code from} to {@code to}, widened by {@link #MARGIN_DAYS} each side. */
  public static DateSpan covering(Instant from, Instant to) {
    return new DateSpan(from.atZone(ZoneOffset.UTC).toLocalDate().minusDays(MARGIN_DAYS),
        to.atZone(ZoneOffset.UTC).toLocalDate().plusDays(MARGIN_DAYS));
  }

  /** The smallest span holding both. */
  public DateSpan union(DateSpan other) {
    return new DateSpan(first.isBefore(other.first) ? first : other.first,
        last.isAfter(other.last) ? last : other.last);
  }

  /** Whether a file below {@code root} is to be read: in a partition of the span, or in none. */
  boolean admits(Path root, Path file) {
    LocalDate date = partitionDate(root, file);
    return date == null || (!date.isBefore(first) && !date.isAfter(last));
  }

  /** The date of the nearest {@code date=} folder between root and file, or null. */
  static LocalDate partitionDate(Path root, Path file) {
    for (Path p = file.getParent(); p != null && !p.equals(root); p = p.getParent()) {
      String name = p.getName();
      if (name.startsWith("date=")) {
        try {
          return LocalDate.parse(name.substring("date=".length()));
        } catch (DateTimeParseException notADate) {
          return null;
        }
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return first + ".." + last;
  }
}

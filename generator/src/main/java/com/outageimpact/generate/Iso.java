package com.outageimpact.generate;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** ISO-8601 text for epoch seconds, written by hand because it runs once per generated row. */
final class Iso {

  private Iso() {}

  /** {@code 2021-10-04T15:39:00Z}, or the same instant as local time with an offset. */
  static String format(long epochSecond, int offsetMinutes) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.ofTotalSeconds(offsetMinutes * 60));
    StringBuilder sb = new StringBuilder(25);
    int year = t.getYear();
    sb.append(year);
    sb.append('-');
    two(sb, t.getMonthValue());
    sb.append('-');
    two(sb, t.getDayOfMonth());
    sb.append('T');
    two(sb, t.getHour());
    sb.append(':');
    two(sb, t.getMinute());
    sb.append(':');
    two(sb, t.getSecond());
    if (offsetMinutes == 0) {
      sb.append('Z');
    } else {
      int abs = Math.abs(offsetMinutes);
      sb.append(offsetMinutes < 0 ? '-' : '+');
      two(sb, abs / 60);
      sb.append(':');
      two(sb, abs % 60);
    }
    return sb.toString();
  }

  /** The UTC date of an instant, {@code yyyy-MM-dd}: the Hive partition value. */
  static String date(long epochSecond) {
    return LocalDate.ofEpochDay(Math.floorDiv(epochSecond, 86400L)).toString();
  }

  static String utc(long epochSecond) {
    return format(epochSecond, 0);
  }

  private static void two(StringBuilder sb, int v) {
    if (v < 10) {
      sb.append('0');
    }
    sb.append(v);
  }
}

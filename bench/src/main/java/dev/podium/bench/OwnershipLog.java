package dev.podium.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one room-service's or presence-service's log says, read as the file grows: per event,
 * whether its latest word is "owns event" or "no longer owns event" (the readable log format's
 * {@code event_id="..."} field), and at what time of day the line was written. Every complete line
 * is kept, so that the drill can look for others ("stepped down", "event ended") after a mark.
 */
final class OwnershipLog {
  private static final Pattern EVENT_ID = Pattern.compile("event_id=\"((?:[^\"\\\\]|\\\\.)*)\"");

  /** The latest ownership line about one event. */
  record Word(boolean owns, LocalTime at) {}

  private final Path file;
  private long offset;
  private final List<String> lines = new ArrayList<>();
  private final Map<String, Word> events = new HashMap<>();

  OwnershipLog(Path file) {
    this.file = file;
  }

  /**
   * Reads what was appended since the last call; a line still being written waits for its newline.
   */
  synchronized void refresh() {
    if (!Files.exists(file)) {
      return;
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      if (length <= offset) {
        return;
      }
      byte[] bytes = new byte[(int) Math.min(length - offset, 64L * 1024 * 1024)];
      in.seek(offset);
      in.readFully(bytes);
      int end = bytes.length;
      while (end > 0 && bytes[end - 1] != '\n') {
        end--;
      }
      if (end == 0) {
        return;
      }
      offset += end;
      accept(new String(bytes, 0, end, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Takes complete lines of text (each ending with a newline). */
  synchronized void accept(String text) {
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      lines.add(line);
      if (line.contains("owns event")) {
        Matcher m = EVENT_ID.matcher(line);
        if (m.find()) {
          events.put(m.group(1), new Word(!line.contains("no longer owns event"), timeOf(line)));
        }
      }
    }
  }

  /** The {@code HH:mm:ss.SSS} a readable log line starts with, or null. */
  static LocalTime timeOf(String line) {
    if (line.length() < 12) {
      return null;
    }
    try {
      return LocalTime.parse(line.substring(0, 12));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * When the last of these Hazelcast members (by cluster port) was first said to have left, in
   * {@code ClusterWatch}'s "cluster member left or lost: host:port; ..." lines; null when one of
   * them never was.
   */
  static LocalTime lastLeft(List<String> lines, java.util.Collection<Integer> clusterPorts) {
    LocalTime last = null;
    for (int port : clusterPorts) {
      String fragment = ":" + port + ";";
      LocalTime at =
          lines.stream()
              .filter(l -> l.contains("cluster member left or lost") && l.contains(fragment))
              .map(OwnershipLog::timeOf)
              .filter(java.util.Objects::nonNull)
              .findFirst()
              .orElse(null);
      if (at == null) {
        return null;
      }
      if (last == null || at.isAfter(last)) {
        last = at;
      }
    }
    return last;
  }

  /** Whether the latest ownership line about this event says this instance owns it. */
  synchronized boolean owns(String eventId) {
    Word w = events.get(eventId);
    return w != null && w.owns();
  }

  /** The latest ownership line about this event, or null. */
  synchronized Word word(String eventId) {
    return events.get(eventId);
  }

  /** Every event whose latest word here is "owns event", sorted. */
  synchronized Set<String> owned() {
    Set<String> out = new TreeSet<>();
    events.forEach(
        (id, w) -> {
          if (w.owns()) {
            out.add(id);
          }
        });
    return out;
  }

  /** A mark: the number of lines read so far. */
  synchronized int mark() {
    return lines.size();
  }

  /** The lines read after {@code mark} that contain every fragment. */
  synchronized List<String> linesSince(int mark, String... fragments) {
    List<String> out = new ArrayList<>();
    for (int i = Math.min(mark, lines.size()); i < lines.size(); i++) {
      String line = lines.get(i);
      boolean all = true;
      for (String f : fragments) {
        all &= line.contains(f);
      }
      if (all) {
        out.add(line);
      }
    }
    return out;
  }
}

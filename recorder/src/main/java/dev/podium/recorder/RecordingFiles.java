package dev.podium.recorder;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where recording files live, by a relative name {@code <eventId>/<recordingId>.opus}. Blocking:
 * call on a worker thread. A local folder today ({@link LocalRecordingFiles}); object storage can
 * come later behind the same interface.
 */
interface RecordingFiles {
  /** Event and recording ids as Podium makes them; anything else is refused. */
  Pattern NAME = Pattern.compile("[a-z0-9]{1,64}/[a-z0-9]{1,64}\\.opus");

  static String name(String eventId, String recordingId) {
    String name = eventId + "/" + recordingId + ".opus";
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a recording name: " + name);
    }
    return name;
  }

  /**
   * Opens the file for writing, creating it if needed, under an exclusive lock; empty while another
   * writer (another recorder process) holds the lock.
   */
  Optional<Locked> openLocked(String name) throws IOException;

  /**
   * Up to {@code length} bytes from {@code offset}, and the file's size; empty when there is no
   * such file.
   */
  Optional<Read> read(String name, long offset, int length) throws IOException;

  /** An open file this process alone writes; closing it releases the lock. */
  interface Locked extends AutoCloseable {
    FileChannel channel();

    @Override
    void close() throws IOException;
  }

  record Read(byte[] bytes, long size) {}
}

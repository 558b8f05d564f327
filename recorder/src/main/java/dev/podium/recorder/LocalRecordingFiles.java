package dev.podium.recorder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Recording files in a local (or mounted, shared) folder. The write lock is an OS file lock: it
 * falls when its process dies (SIGKILL included), and a paused process keeps it, so a recorder that
 * took an event over cannot write beside a stale one that still holds the file.
 */
final class LocalRecordingFiles implements RecordingFiles {
  private final Path root;

  LocalRecordingFiles(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  Path root() {
    return root;
  }

  @Override
  public Optional<Locked> openLocked(String name) throws IOException {
    Path file = resolve(name);
    Files.createDirectories(file.getParent());
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this very process (another recorder in the same JVM)
    }
    if (lock == null) {
      channel.close();
      return Optional.empty();
    }
    FileLock held = lock;
    return Optional.of(
        new Locked() {
          @Override
          public FileChannel channel() {
            return channel;
          }

          @Override
          public void close() throws IOException {
            try {
              held.release();
            } finally {
              channel.close();
            }
          }
        });
  }

  @Override
  public Optional<Read> read(String name, long offset, int length) throws IOException {
    Path file = resolve(name);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      int n = (int) Math.max(0, Math.min(length, size - offset));
      ByteBuffer buffer = ByteBuffer.allocate(n);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, offset + buffer.position()) < 0) {
          break;
        }
      }
      byte[] bytes = new byte[buffer.position()];
      buffer.flip().get(bytes);
      return Optional.of(new Read(bytes, size));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private Path resolve(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a recording name: " + name);
    }
    Path file = root.resolve(name).normalize();
    if (!file.startsWith(root)) {
      throw new IllegalArgumentException("not a recording name: " + name);
    }
    return file;
  }
}

package dev.podium.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/**
 * The flush batching on Netty test channels, whose event loop runs queued tasks only when told
 * (and, a quirk of the test channel, before each write): what reaches the socket, and when.
 */
class FlushBatchingTest {
  private static EmbeddedChannel socket() {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.pipeline().addFirst(new FlushBatching());
    return channel;
  }

  @Test
  void aFlushWaitsForTheLoopsQueuedWork() {
    EmbeddedChannel channel = socket();
    channel.pipeline().writeAndFlush("one");
    assertNull(
        channel.readOutbound(),
        "not on the socket yet: the flush is a task behind the loop's queued work");
    channel.runPendingTasks();
    assertEquals("one", channel.readOutbound());
    assertNull(channel.readOutbound());
  }

  @Test
  void aCloseFlushesWhatIsPendingFirst() {
    EmbeddedChannel channel = socket();
    channel.pipeline().writeAndFlush("last words");
    channel.close();
    assertEquals("last words", channel.readOutbound(), "nothing written is lost to a close");
  }

  @Test
  void oneTaskFlushesEverySocketOfTheLoop() {
    EmbeddedChannel a = socket();
    EmbeddedChannel b = socket();
    a.pipeline().writeAndFlush("to a");
    b.pipeline().writeAndFlush("to b");
    // the task was queued on a's loop; it flushes b too (all sockets of this thread's loop)
    a.runPendingTasks();
    assertEquals("to a", a.readOutbound());
    assertEquals("to b", b.readOutbound());
  }
}

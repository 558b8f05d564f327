package dev.podium.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {

  @Test
  void rotatesThroughTheBases() {
    assertEquals(1, ReconnectPolicy.nextBase(0, 2));
    assertEquals(0, ReconnectPolicy.nextBase(1, 2));
    assertEquals(0, ReconnectPolicy.nextBase(0, 1));
    assertEquals(2, ReconnectPolicy.nextBase(1, 3));
  }

  @Test
  void waitsAfterMsFirstThenBacksOffDoublingUpToTwoSeconds() {
    assertEquals(700, ReconnectPolicy.delayMs(0, 700));
    assertEquals(0, ReconnectPolicy.delayMs(0, 0));
    assertEquals(250, ReconnectPolicy.delayMs(0, -1));
    assertEquals(500, ReconnectPolicy.delayMs(1, 700));
    assertEquals(1000, ReconnectPolicy.delayMs(2, -1));
    assertEquals(2000, ReconnectPolicy.delayMs(3, -1));
    assertEquals(2000, ReconnectPolicy.delayMs(40, -1));
  }

  @Test
  void attemptsAreBounded() {
    ReconnectPolicy p = new ReconnectPolicy(2);
    assertTrue(p.mayTry(0));
    assertTrue(p.mayTry(1));
    assertFalse(p.mayTry(2));
    assertFalse(new ReconnectPolicy(0).mayTry(0));
  }

  @Test
  void readsTheGatewaysReconnectMessageAndTheEventsEnd() {
    assertEquals(
        812, ReconnectPolicy.reconnectAfterMs("{\"type\":\"reconnect\",\"after_ms\":812}"));
    assertEquals(0, ReconnectPolicy.reconnectAfterMs("{\"type\":\"reconnect\"}"));
    assertEquals(
        -1,
        ReconnectPolicy.reconnectAfterMs(
            "{\"type\":\"chat_message\",\"message\":\"\\\"reconnect\\\"\"}"));
    assertEquals(
        -1, ReconnectPolicy.reconnectAfterMs("{\"type\":\"participant_count\",\"count\":3}"));
    assertEquals(-1, ReconnectPolicy.reconnectAfterMs("\"reconnect\" but not json"));
    assertTrue(
        ReconnectPolicy.isStreamEnded(
            "{\"type\":\"stream_ended\",\"event\":{\"id\":\"e\"},\"message\":\"bye\"}"));
    assertFalse(
        ReconnectPolicy.isStreamEnded(
            "{\"type\":\"broadcast_message\",\"message\":\"stream_ended\"}"));
  }

  @Test
  void errorCodesOfRefusals() {
    assertEquals(
        "event_not_found",
        Listener.errorCode("{\"type\":\"error\",\"code\":\"event_not_found\",\"message\":\"x\"}"));
    assertEquals(null, Listener.errorCode("{\"type\":\"room_state\",\"event\":{\"id\":\"e\"}}"));
  }
}

package dev.podium.gateway.rates;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.runtime.Settings;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-user budgets on a virtual clock: no sleeping. */
class MessageRatesTest {
  private static final long MS = 1_000_000;

  private long now;
  private MessageRates rates;

  /**
   * Signalling 60/min (one a second) burst 5; everything else 60/min burst 2; flooding at 4
   * refusals in 1 s.
   */
  @BeforeEach
  void setUp() {
    Map<MessageClass, Rate> r = new EnumMap<>(MessageClass.class);
    for (MessageClass c : MessageClass.values()) {
      r.put(c, new Rate(60, 2));
    }
    r.put(MessageClass.SIGNAL_DIRECT, new Rate(60, 5));
    rates = new MessageRates(new MessageLimits(r, 4, Duration.ofSeconds(1), 4096), () -> now);
  }

  private MessageRates.Verdict take(String user, MessageClass c) {
    return rates.take(user, c);
  }

  @Test
  void theBurstPassesThenTheSenderIsLimitedWithARetryTime() {
    for (int i = 0; i < 5; i++) {
      assertInstanceOf(MessageRates.Allowed.class, take("a", MessageClass.SIGNAL_DIRECT));
    }
    MessageRates.Limited limited =
        assertInstanceOf(MessageRates.Limited.class, take("a", MessageClass.SIGNAL_DIRECT));
    assertEquals(1000, limited.retryAfterMillis());
    now += 400 * MS;
    limited = assertInstanceOf(MessageRates.Limited.class, take("a", MessageClass.SIGNAL_DIRECT));
    assertEquals(600, limited.retryAfterMillis());
  }

  @Test
  void tokensComeBackAtTheRateAndNeverBeyondTheBurst() {
    for (int i = 0; i < 5; i++) {
      take("a", MessageClass.SIGNAL_DIRECT);
    }
    now += 1000 * MS;
    assertInstanceOf(MessageRates.Allowed.class, take("a", MessageClass.SIGNAL_DIRECT));
    assertInstanceOf(MessageRates.Limited.class, take("a", MessageClass.SIGNAL_DIRECT));
    // an hour idle refills to the burst, no more
    now += 3_600_000 * MS;
    int passed = 0;
    while (take("a", MessageClass.SIGNAL_DIRECT) instanceof MessageRates.Allowed) {
      passed++;
    }
    assertEquals(5, passed);
  }

  @Test
  void classesAndUsersHaveTheirOwnBudgets() {
    take("a", MessageClass.INVITE);
    take("a", MessageClass.INVITE);
    assertInstanceOf(MessageRates.Limited.class, take("a", MessageClass.INVITE));
    assertInstanceOf(
        MessageRates.Allowed.class, take("a", MessageClass.CHAT), "another class of the same user");
    assertInstanceOf(MessageRates.Allowed.class, take("b", MessageClass.INVITE), "another user");
  }

  @Test
  void sustainedRefusalsAreFlooding() {
    take("a", MessageClass.SPEAK_REQUEST);
    take("a", MessageClass.SPEAK_REQUEST);
    for (int i = 0; i < 3; i++) {
      assertInstanceOf(MessageRates.Limited.class, take("a", MessageClass.SPEAK_REQUEST));
    }
    MessageRates.Flooding flooding =
        assertInstanceOf(MessageRates.Flooding.class, take("a", MessageClass.SPEAK_REQUEST));
    assertEquals(4, flooding.refusals());
    // every further refusal within the window is flooding too (the user's other sockets close as
    // they ask)
    assertInstanceOf(MessageRates.Flooding.class, take("a", MessageClass.SPEAK_REQUEST));
    assertInstanceOf(
        MessageRates.Allowed.class,
        take("b", MessageClass.SPEAK_REQUEST),
        "others are not affected");
  }

  @Test
  void otherRefusalsCountTowardsFloodingToo() {
    assertTrue(!rates.refused("a"));
    assertTrue(!rates.refused("a"));
    assertTrue(!rates.refused("a"));
    assertTrue(rates.refused("a"), "the fourth refusal within a second");
    now += 1000 * MS;
    assertTrue(!rates.refused("a"), "the window has passed");
  }

  @Test
  void refusalsSpreadBeyondTheWindowAreNotFlooding() {
    take("a", MessageClass.STAGE);
    take("a", MessageClass.STAGE);
    int refused = 0;
    for (int i = 0; i < 40; i++) {
      // one message every 500 ms against one a second: every other one is refused, never 4 within a
      // second
      MessageRates.Verdict v = take("a", MessageClass.STAGE);
      assertTrue(!(v instanceof MessageRates.Flooding), "message " + i + " was " + v);
      refused += v instanceof MessageRates.Limited ? 1 : 0;
      now += 500 * MS;
    }
    assertTrue(refused >= 19, "refused " + refused);
  }

  @Test
  void allSocketsOfAUserShareOneBudgetAndReconnectingResetsNothing() {
    rates.opened("a");
    rates.opened("a");
    take("a", MessageClass.INVITE);
    take("a", MessageClass.INVITE);
    rates.closed("a");
    rates.closed("a");
    assertEquals(1, rates.sweep(), "kept while it has not refilled");
    rates.opened("a");
    assertInstanceOf(MessageRates.Limited.class, take("a", MessageClass.INVITE));
    rates.closed("a");
    now += 60_000 * MS;
    assertEquals(0, rates.sweep(), "forgotten once refilled and without sockets");
  }

  @Test
  void aConnectedUserIsNeverForgotten() {
    rates.opened("a");
    now += 3_600_000 * MS;
    assertEquals(1, rates.sweep());
  }

  @Test
  void settingsAreReadRangeCheckedAndDefaultToSafeLimits() {
    MessageLimits defaults = MessageLimits.from(Settings.of(Map.of()));
    assertEquals(MessageLimits.defaults(), defaults);
    assertEquals(16 * 1024, defaults.signalBroadcastMaxBytes());
    assertTrue(defaults.rate(MessageClass.SIGNAL_DIRECT).burst() >= 30, "an ICE burst fits");
    assertTrue(
        defaults.rate(MessageClass.SIGNAL_BROADCAST).perMinute()
            < defaults.rate(MessageClass.SIGNAL_DIRECT).perMinute());
    MessageLimits set =
        MessageLimits.from(
            Settings.of(
                Map.of(
                    "PODIUM_RATE_INVITE_PER_MIN",
                    "6",
                    "PODIUM_RATE_INVITE_BURST",
                    "3",
                    "PODIUM_FLOOD_REFUSALS",
                    "7",
                    "PODIUM_FLOOD_WINDOW_MS",
                    "2000",
                    "PODIUM_SIGNAL_BROADCAST_MAX_BYTES",
                    "1024")));
    assertEquals(new Rate(6, 3), set.rate(MessageClass.INVITE));
    assertEquals(7, set.floodRefusals());
    assertEquals(Duration.ofSeconds(2), set.floodWindow());
    assertEquals(1024, set.signalBroadcastMaxBytes());
    for (Map<String, String> bad :
        java.util.List.of(
            Map.of("PODIUM_RATE_SIGNAL_BURST", "0"),
            Map.of("PODIUM_RATE_CHAT_PER_MIN", "lots"),
            Map.of("PODIUM_FLOOD_WINDOW_MS", "5"),
            Map.of("PODIUM_SIGNAL_BROADCAST_MAX_BYTES", "10"))) {
      Settings.InvalidSettingException e =
          assertThrows(
              Settings.InvalidSettingException.class, () -> MessageLimits.from(Settings.of(bad)));
      assertTrue(e.getMessage().startsWith(bad.keySet().iterator().next()), e.getMessage());
    }
  }
}

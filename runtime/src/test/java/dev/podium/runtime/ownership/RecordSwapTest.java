package dev.podium.runtime.ownership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.AbstractMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The compare-and-set that Hazelcast runs where a fenced record lives. */
class RecordSwapTest {
  private static Map.Entry<String, String> entry(String value) {
    return new AbstractMap.SimpleEntry<>("e1", value);
  }

  @Test
  void createsOnlyWhatIsAbsent() {
    Map.Entry<String, String> absent = entry(null);
    assertTrue(new RecordSwap(null, "a").process(absent));
    assertEquals("a", absent.getValue());

    Map.Entry<String, String> present = entry("b");
    assertFalse(new RecordSwap(null, "a").process(present), "a record already there");
    assertEquals("b", present.getValue());
  }

  @Test
  void replacesAndRemovesOnlyTheExactRecordExpected() {
    Map.Entry<String, String> record = entry("{\"epoch\":1}");
    assertFalse(new RecordSwap("{\"epoch\":0}", "x").process(record), "another record");
    assertFalse(new RecordSwap("{\"epoch\":0}", null).process(record), "another record");
    assertEquals("{\"epoch\":1}", record.getValue());

    assertTrue(new RecordSwap("{\"epoch\":1}", "{\"epoch\":2}").process(record));
    assertEquals("{\"epoch\":2}", record.getValue());
    assertTrue(new RecordSwap("{\"epoch\":2}", null).process(record));
    assertNull(record.getValue());
  }

  @Test
  void aMissingRecordIsNotReplacedOrRemoved() {
    Map.Entry<String, String> absent = entry(null);
    assertFalse(new RecordSwap("{\"epoch\":1}", "x").process(absent));
    assertFalse(new RecordSwap("{\"epoch\":1}", null).process(absent));
    assertNull(absent.getValue());
  }
}

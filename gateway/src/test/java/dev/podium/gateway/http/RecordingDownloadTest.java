package dev.podium.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.podium.gateway.http.RecordingDownload.Span;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which bytes a Range header asks for, as audio elements and download tools send it. */
class RecordingDownloadTest {
  private static final long SIZE = 1000;

  private static Span span(String range) {
    return RecordingDownload.span(range, SIZE).orElseThrow();
  }

  @Test
  void noRangeIsTheWholeFile() {
    assertEquals(new Span(0, 999, SIZE, false), span(null));
  }

  @Test
  void aRangeFromToAnOpenRangeAndASuffix() {
    assertEquals(new Span(100, 199, SIZE, true), span("bytes=100-199"));
    assertEquals(new Span(900, 999, SIZE, true), span("bytes=900-"));
    assertEquals(new Span(950, 999, SIZE, true), span("bytes=-50"));
    assertEquals(new Span(0, 999, SIZE, true), span("bytes=-5000"));
    assertEquals(new Span(990, 999, SIZE, true), span("bytes=990-5000"), "clipped to the end");
    assertEquals(0, span("bytes=0-0").first());
    assertEquals(1, span("bytes=0-0").length());
  }

  @Test
  void aRangeOutsideTheFileCannotBeSatisfied() {
    assertEquals(Optional.empty(), RecordingDownload.span("bytes=1000-", SIZE));
    assertEquals(Optional.empty(), RecordingDownload.span("bytes=500-100", SIZE));
    assertEquals(Optional.empty(), RecordingDownload.span("bytes=-0", SIZE));
    assertEquals(Optional.empty(), RecordingDownload.span("bytes=99999999999999999999-", SIZE));
  }

  @Test
  void malformedAndMultipleRangesAreIgnored() {
    for (String ignored :
        new String[] {"bytes=a-b", "items=0-10", "bytes=-", "bytes=0-10,20-30", ""}) {
      assertTrue(!span(ignored).partial(), ignored);
    }
  }
}

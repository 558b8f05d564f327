package dev.podium.recorder.ogg;

/**
 * Where an existing Ogg Opus file can be continued, as found by {@link OggPages#repairForAppend}.
 *
 * @param nextSequence the sequence number the next page must carry
 * @param granule the granule position of the last page: 48 kHz samples so far, pre-skip included
 * @param endsWithEos the stream was finished; resuming reopens it (see {@link
 *     OggOpusWriter#resume})
 * @param lastPageOffset where the last valid page starts
 * @param endOffset where the last valid page ends: the file's length after the repair
 */
public record ResumePoint(
    int serial,
    int nextSequence,
    long granule,
    int preSkip,
    boolean endsWithEos,
    long lastPageOffset,
    long endOffset) {}

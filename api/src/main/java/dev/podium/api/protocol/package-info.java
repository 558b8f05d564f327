/**
 * The client protocol as types: {@link dev.podium.api.protocol.ServerMessage} (gateway to client),
 * {@link dev.podium.api.protocol.ClientMessage} (client to gateway) and their one JSON codec,
 * {@link dev.podium.api.protocol.ProtocolCodec}. Services build room messages as these records and
 * publish them through the codec; the golden examples in this module's test resources are the
 * reference for every message and error code.
 */
package dev.podium.api.protocol;

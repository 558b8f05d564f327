package dev.podium.deploy;

/** An HTTP answer in a test: its status and body. */
record HttpReply(int status, String body) {
}

package coop.steward.launcher.broker;

import io.vertx.core.buffer.Buffer;

/** A message as the broker keeps it: for a subscriber's queue, in flight to it, or retained on its topic. */
record Message(String topic, Buffer payload, int qos, boolean retain) {
    long size() {
        return topic.length() + (long) payload.length();
    }

    Message at(int qos, boolean retain) {
        return qos == this.qos && retain == this.retain ? this : new Message(topic, payload, qos, retain);
    }
}

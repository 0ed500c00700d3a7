package coop.steward.config;

import java.time.Duration;

/**
 * How readings leave the device.
 *
 * @param maxBatch   readings per message
 * @param flush      waiting readings are sent at least this often
 * @param ackTimeout a message the collector has not acknowledged in this time is sent again
 */
public record PublishSettings(int maxBatch, Duration flush, Duration ackTimeout) {
    public static final PublishSettings DEFAULTS = new PublishSettings(500, Duration.ofSeconds(1), Duration.ofSeconds(30));
}

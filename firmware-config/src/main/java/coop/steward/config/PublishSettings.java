package coop.steward.config;

import java.time.Duration;

/**
 * How readings leave the device.
 *
 * @param maxBatch   readings per message
 * @param flush      waiting readings are sent at least this often
 * @param ackTimeout a message the collector has not acknowledged in this time is sent again
 * @param hold       a message waits in memory this long for the collector's acknowledgement before it is written to
 *                   the outbox; zero writes every message before it is sent
 */
public record PublishSettings(int maxBatch, Duration flush, Duration ackTimeout, Duration hold) {
    /**
     * The collector acknowledges a committed message within a fraction of a second, so a message still unconfirmed
     * after 5 s is one it is unlikely to confirm soon; until then, a message costs the SD card nothing.
     */
    public static final Duration DEFAULT_HOLD = Duration.ofSeconds(5);
    public static final PublishSettings DEFAULTS = new PublishSettings(500, Duration.ofSeconds(1), Duration.ofSeconds(30),
            DEFAULT_HOLD);

    /** With the default hold. */
    public PublishSettings(int maxBatch, Duration flush, Duration ackTimeout) {
        this(maxBatch, flush, ackTimeout, DEFAULT_HOLD);
    }
}

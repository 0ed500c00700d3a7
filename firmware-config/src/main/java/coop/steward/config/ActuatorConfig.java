package coop.steward.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A relay on a GPIO output that opens a valve or runs a pump, driven by commands on the {@code cmd} topic. The
 * agent holds it to a duty cycle whatever the commands say, since anyone who can publish to the broker can send
 * them: every opening ends by {@code maxOpen}, the valve then rests for {@code minClosed}, and it is open at most
 * {@code maxOpenPerDay} in any 24 hours.
 *
 * @param id            the actuator's name in commands, and the sensor id of its state readings
 * @param kind          the kind its state is reported as: {@code valve_state} (0 closed, 1 open)
 * @param gpio          BCM GPIO number of the relay's input
 * @param activeHigh    true when the relay switches on with the pin high; many relay boards switch on low
 * @param maxOpen       the agent closes the valve when it has been open this long, whatever it was told
 * @param interval      the state is reported on every change and at least this often
 * @param minClosed     after it closes, the valve stays closed at least this long: an {@code open} sooner is refused
 * @param maxOpenPerDay an {@code open} that would bring the valve's open time in the last 24 hours above this is
 *                      refused
 */
public record ActuatorConfig(String id, String kind, int gpio, boolean activeHigh, Duration maxOpen,
                             Duration interval, Duration minClosed, Duration maxOpenPerDay) {
    public static final String VALVE_STATE = "valve_state";
    /**
     * Long enough for a pump to cool and the water in the pipe to settle, and to stop open-close chatter that wears
     * out relays and solenoids; short against any watering schedule (cycle-and-soak pauses for minutes).
     */
    public static final Duration DEFAULT_MIN_CLOSED = Duration.ofSeconds(60);
    /**
     * Four hours: more than a bed is watered on the hottest day (drip lines run 30 to 90 minutes a day, a sprinkler
     * zone less), yet a valve held open by a stream of commands spills at most a sixth of a day's flow. A pump that
     * fills a tank for longer needs its own value, written out.
     */
    public static final Duration DEFAULT_MAX_OPEN_PER_DAY = Duration.ofHours(4);

    public ActuatorConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(maxOpen, "maxOpen");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(minClosed, "minClosed");
        Objects.requireNonNull(maxOpenPerDay, "maxOpenPerDay");
    }
}

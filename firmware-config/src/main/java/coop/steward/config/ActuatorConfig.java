package coop.steward.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A relay on a GPIO output that opens a valve or runs a pump, driven by commands on the {@code cmd} topic.
 *
 * @param id         the actuator's name in commands, and the sensor id of its state readings
 * @param kind       the kind its state is reported as: {@code valve_state} (0 closed, 1 open)
 * @param gpio       BCM GPIO number of the relay's input
 * @param activeHigh true when the relay switches on with the pin high; many relay boards switch on low
 * @param maxOpen    the agent closes the valve when it has been open this long, whatever it was told
 * @param interval   the state is reported on every change and at least this often
 */
public record ActuatorConfig(String id, String kind, int gpio, boolean activeHigh, Duration maxOpen,
                             Duration interval) {
    public static final String VALVE_STATE = "valve_state";

    public ActuatorConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(maxOpen, "maxOpen");
        Objects.requireNonNull(interval, "interval");
    }
}

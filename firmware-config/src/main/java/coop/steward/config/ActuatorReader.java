package coop.steward.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the optional {@code actuators} list: relays on GPIO outputs, each with the longest time the agent lets
 * it stay open, the rest it takes after, and its open time a day. Nothing about a relay is defaulted that could open
 * a valve by mistake: {@code activeHigh} and {@code maxOpenSeconds} must be written out; the duty cycle's defaults
 * only ever refuse an opening.
 */
final class ActuatorReader {
    static final int MAX_ACTUATORS = 16;

    private final Problems problems;
    private final SensorReader ids;
    private final WiringCheck wiring;

    ActuatorReader(Problems problems, SensorReader ids, WiringCheck wiring) {
        this.problems = problems;
        this.ids = ids;
        this.wiring = wiring;
    }

    /** The actuators (empty when the key is absent), or null when the list itself is wrong. */
    List<ActuatorConfig> read(Block top) {
        YamlNode node = top.node("actuators");
        if (node == null || node instanceof YamlNode.Scalar scalar && scalar.type() == YamlNode.Scalar.Type.NULL) {
            return List.of();
        }
        if (!(node instanceof YamlNode.Sequence list)) {
            top.error("actuators", "must be a list with one '- id: ...' block per relay, not " + node.describe());
            return null;
        }
        if (list.items().size() > MAX_ACTUATORS) {
            top.error("actuators", "has " + list.items().size() + " actuators, but one device can have at most "
                    + MAX_ACTUATORS);
        }
        List<ActuatorConfig> actuators = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            actuators.add(actuator(list.items().get(i), "actuators[" + i + "]"));
        }
        return actuators;
    }

    private ActuatorConfig actuator(YamlNode node, String path) {
        int mark = problems.count();
        Block block = Block.of(node, path, problems);
        if (block == null) {
            return null;
        }
        block.allowOnly("id", "kind", "gpio", "activeHigh", "maxOpenSeconds", "intervalSeconds", "minClosedSeconds",
                "maxOpenSecondsPerDay");
        String id = ids.uniqueId(block, path);
        String kind = block.text("kind");
        if (kind != null && !kind.equals(ActuatorConfig.VALVE_STATE)) {
            block.error("kind", "'" + kind + "' is not a kind an actuator reports; a relay reports its state as "
                    + "valve_state (0 closed, 1 open): write kind: valve_state or leave kind out");
        }
        Long gpio = SourceReader.gpio(block);
        Boolean activeHigh = block.requiredFlag("activeHigh", "activeHigh: false (most relay boards switch on "
                + "when their input is low)");
        Double maxOpen = block.requiredDecimal("maxOpenSeconds", Range.aboveZeroUpTo(86_400),
                "maxOpenSeconds: 1800");
        Double interval = block.requiredDecimal("intervalSeconds", Range.aboveZeroUpTo(86_400), "intervalSeconds: 60");
        Double minClosed = block.decimal("minClosedSeconds", Range.between(0, 86_400),
                (double) ActuatorConfig.DEFAULT_MIN_CLOSED.toSeconds());
        Double maxOpenPerDay = block.decimal("maxOpenSecondsPerDay", Range.aboveZeroUpTo(86_400),
                (double) ActuatorConfig.DEFAULT_MAX_OPEN_PER_DAY.toSeconds());
        if (maxOpen != null && maxOpenPerDay != null && maxOpenPerDay < maxOpen) {
            boolean written = block.has("maxOpenSecondsPerDay");
            block.error(written ? "maxOpenSecondsPerDay" : "maxOpenSeconds", "maxOpenSeconds (" + Range.format(maxOpen)
                    + ") is more than maxOpenSecondsPerDay (" + Range.format(maxOpenPerDay) + (written ? "" : ", its "
                    + "default") + "), so no opening could run to maxOpenSeconds; lower maxOpenSeconds or write "
                    + "maxOpenSecondsPerDay: " + Range.format(maxOpen) + " or more");
        }
        if (gpio != null) {
            wiring.gpio(gpio.intValue(), path, block.field("gpio"), block.lineOf("gpio"));
        }
        if (!problems.noneSince(mark)) {
            return null;
        }
        return new ActuatorConfig(id, ActuatorConfig.VALVE_STATE, gpio.intValue(), activeHigh,
                DeviceReader.seconds(maxOpen), DeviceReader.seconds(interval),
                Duration.ofNanos(Math.round(minClosed * 1e9)), // 0 is allowed: no rest
                DeviceReader.seconds(maxOpenPerDay));
    }
}

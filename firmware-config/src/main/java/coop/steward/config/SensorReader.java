package coop.steward.config;

import coop.steward.protocol.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code sensors} list: ids unique within the device (actuators included), kinds and units from the
 * contract, sources through {@link SourceReader}, and the calibration an ADC's raw counts need.
 */
final class SensorReader {
    static final int MAX_SENSORS = 64;

    private final Problems problems;
    private final SourceReader sources;
    /** Where each id was first used, to name it when it comes again. */
    private final Map<String, String> firstUse = new HashMap<>();

    SensorReader(Problems problems, WiringCheck wiring) {
        this.problems = problems;
        this.sources = new SourceReader(wiring);
    }

    /** The sensors, or null when the list itself is missing or wrong; items with problems are null. */
    List<SensorConfig> read(Block top) {
        YamlNode node = top.requiredNode("sensors", "sensors: [{id: soil-a, kind: soil_moisture, "
                + "intervalSeconds: 60, source: {type: simulated}}]");
        if (node == null) {
            return null;
        }
        if (node instanceof YamlNode.Scalar scalar && scalar.type() == YamlNode.Scalar.Type.NULL) {
            top.error("sensors", "has no sensors; add at least one, starting with '- id: ...'");
            return null;
        }
        if (!(node instanceof YamlNode.Sequence list)) {
            top.error("sensors", "must be a list with one '- id: ...' block per sensor, not " + node.describe());
            return null;
        }
        if (list.items().isEmpty()) {
            top.error("sensors", "has no sensors; add at least one, starting with '- id: ...'");
        } else if (list.items().size() > MAX_SENSORS) {
            top.error("sensors", "has " + list.items().size() + " sensors, but one device can have at most "
                    + MAX_SENSORS + "; split them over two device configs");
        }
        List<SensorConfig> sensors = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            sensors.add(sensor(list.items().get(i), "sensors[" + i + "]"));
        }
        return sensors;
    }

    private SensorConfig sensor(YamlNode node, String path) {
        int mark = problems.count();
        Block block = Block.of(node, path, problems);
        if (block == null) {
            return null;
        }
        block.allowOnly("id", "kind", "unit", "intervalSeconds", "source", "calibration", "conditioning");
        String id = uniqueId(block, path);
        Kind kind = kind(block);
        String unit = unit(block, kind);
        Double interval = block.requiredDecimal("intervalSeconds", Range.aboveZeroUpTo(86_400), "intervalSeconds: 60");
        Block sourceBlock = block.requiredBlock("source", "source: {type: simulated}");
        SourceConfig source = sourceBlock == null ? null : sources.read(sourceBlock, id, kind);
        Block calibrationBlock = block.block("calibration");
        Calibration calibration = calibrationBlock == null ? null
                : CalibrationReader.read(calibrationBlock, kind, unit);
        if (source != null && kind != null && !block.has("calibration")) {
            String needed = SourceReader.calibrationNeeded(source.wiring(), kind);
            if (needed != null) {
                block.report(block.line(), "calibration", "'calibration' is missing; " + needed);
            }
        }
        Block conditioningBlock = block.block("conditioning");
        Conditioning conditioning = conditioningBlock == null ? Conditioning.NONE
                : ConditioningReader.read(conditioningBlock, kind, interval);
        if (!problems.noneSince(mark)) {
            return null;
        }
        return new SensorConfig(id, kind.name(), unit, DeviceReader.seconds(interval), source, calibration,
                conditioning);
    }

    /** Claims an id for a sensor or actuator, reporting it when another already has it; null when not valid. */
    String uniqueId(Block block, String path) {
        String id = DeviceReader.requiredId(block, "id", "id: soil-a");
        if (id == null) {
            return null;
        }
        String first = firstUse.putIfAbsent(id, path + " (line " + block.lineOf("id") + ")");
        if (first != null) {
            block.error("id", "'" + id + "' is already the id of " + first + "; give each sensor of a device "
                    + "its own id");
        }
        return id;
    }

    private static Kind kind(Block block) {
        String name = block.requiredText("kind", "kind: soil_moisture");
        if (name == null) {
            return null;
        }
        Optional<Kind> kind = Kind.lookup(name);
        if (kind.isEmpty()) {
            List<String> standard = new ArrayList<>();
            Kind.standardKinds().forEach(k -> standard.add(k.name()));
            String likely = Spelling.closest(name, standard).map(k -> " (did you mean '" + k + "'?)").orElse("");
            block.error("kind", "'" + name + "' is not a known kind; use one of " + Kind.standardNames() + likely);
            return null;
        }
        return kind.get();
    }

    /** The unit readings carry: always the kind's own, except for user kinds, which take what the file says. */
    private static String unit(Block block, Kind kind) {
        String unit = block.text("unit");
        if (kind == null || kind.isUserKind()) {
            return unit;
        }
        if (unit != null && !kind.acceptsUnit(unit)) {
            block.error("unit", "'" + unit + "' is not the unit of " + kind.name() + "; write '" + kind.unit()
                    + "' or leave unit out");
        }
        return kind.unit();
    }
}

package coop.steward.config;

import coop.steward.protocol.Kind;
import java.util.ArrayList;
import java.util.List;

/** Reads a sensor's {@code calibration} block. */
final class CalibrationReader {
    static final String LINEAR = "linear";
    static final String TWO_POINT = "two-point";
    static final String TABLE = "table";
    static final int MAX_TABLE_POINTS = 64;

    private CalibrationReader() {
    }

    /**
     * The calibration, or null when something was reported.
     *
     * @param kind the sensor's kind, or null when it was wrong (then only the block itself is checked)
     * @param unit the unit the sensor's readings carry
     */
    static Calibration read(Block block, Kind kind, String unit) {
        String type = block.requiredText("type", "type: linear");
        if (type == null) {
            return null;
        }
        return switch (type) {
            case LINEAR -> linear(block.allowOnly("type", "gain", "offset"));
            case TWO_POINT -> twoPoint(block.allowOnly("type", "dry", "wet"), kind, unit);
            case TABLE -> table(block.allowOnly("type", "points"));
            default -> {
                String likely = Spelling.closest(type, List.of(LINEAR, TWO_POINT, TABLE))
                        .map(t -> " (did you mean '" + t + "'?)").orElse("");
                block.error("type", "'" + type + "' is not a calibration type; use linear, two-point or table"
                        + likely);
                yield null;
            }
        };
    }

    private static Calibration linear(Block block) {
        Double gain = block.requiredDecimal("gain", Range.anyFinite(), "gain: 1.0");
        Double offset = block.decimal("offset", Range.anyFinite(), 0.0);
        if (gain != null && gain == 0) {
            block.error("gain", "must not be 0: every reading would then be the offset, whatever the sensor "
                    + "measures");
            return null;
        }
        return gain == null || offset == null ? null : new Calibration.Linear(gain, offset);
    }

    private static Calibration twoPoint(Block block, Kind kind, String unit) {
        Double dry = block.requiredDecimal("dry", Range.anyFinite(), "dry: 520");
        Double wet = block.requiredDecimal("wet", Range.anyFinite(), "wet: 260");
        boolean usable = dry != null && wet != null;
        if (usable && dry.doubleValue() == wet.doubleValue()) {
            block.error("wet", "equals dry (" + Range.format(dry) + "); take the wet reading with the probe in "
                    + "soaked soil, so that the two differ");
            usable = false;
        }
        if (kind != null && !"%".equals(unit)) {
            String measured = unit == null ? "has no unit" : "is measured in " + unit;
            block.error("type", "two-point gives a percentage, so it only fits kinds measured in %, and "
                    + kind.name() + " " + measured + "; use type: linear");
            usable = false;
        }
        return usable ? new Calibration.TwoPoint(dry, wet) : null;
    }

    /** {@code points: [[raw, value], ...]}: at least two, raw values rising or falling strictly. */
    private static Calibration table(Block block) {
        YamlNode node = block.requiredNode("points", "points: [[520, 0], [390, 40], [260, 100]]");
        if (node == null) {
            return null;
        }
        if (!(node instanceof YamlNode.Sequence list)) {
            block.error("points", "must be a list of [raw, value] pairs, e.g. points: [[520, 0], [260, 100]], not "
                    + node.describe());
            return null;
        }
        if (list.items().size() < 2 || list.items().size() > MAX_TABLE_POINTS) {
            block.error("points", "has " + list.items().size() + " points; a table needs 2 to " + MAX_TABLE_POINTS
                    + " [raw, value] pairs");
            return null;
        }
        List<Calibration.Point> points = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            Calibration.Point point = point(block, list.items().get(i), "points[" + i + "]");
            if (point == null) {
                return null;
            }
            points.add(point);
        }
        double direction = Math.signum(points.get(1).raw() - points.get(0).raw());
        for (int i = 1; i < points.size(); i++) {
            double step = Math.signum(points.get(i).raw() - points.get(i - 1).raw());
            if (step == 0 || step != direction) {
                block.report(list.items().get(i).line(), "points[" + i + "]", "raw " + Range.format(points.get(i).raw())
                        + " does not continue the " + (direction > 0 ? "rise" : "fall") + " of the raw values "
                        + "before it (" + Range.format(points.get(i - 1).raw()) + "); a table's raw values must rise "
                        + "or fall strictly, so that each raw value has one answer");
                return null;
            }
        }
        return new Calibration.Table(points);
    }

    private static Calibration.Point point(Block block, YamlNode item, String field) {
        if (item instanceof YamlNode.Sequence pair && pair.items().size() == 2
                && pair.items().get(0) instanceof YamlNode.Scalar raw && raw.type() == YamlNode.Scalar.Type.NUMBER
                && pair.items().get(1) instanceof YamlNode.Scalar value && value.type() == YamlNode.Scalar.Type.NUMBER
                && Double.isFinite(raw.number()) && Double.isFinite(value.number())) {
            return new Calibration.Point(raw.number(), value.number());
        }
        block.report(item.line(), field, "must be a [raw, value] pair of two numbers, e.g. [520, 0], not "
                + item.describe());
        return null;
    }
}

package coop.steward.config;

import coop.steward.protocol.Kind;
import java.util.List;

/** Reads a sensor's {@code calibration} block. */
final class CalibrationReader {
    static final String LINEAR = "linear";
    static final String TWO_POINT = "two-point";

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
            default -> {
                String likely = Spelling.closest(type, List.of(LINEAR, TWO_POINT))
                        .map(t -> " (did you mean '" + t + "'?)").orElse("");
                block.error("type", "'" + type + "' is not a calibration type; use linear or two-point" + likely);
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
}

package coop.steward.config;

/** Maps a source's raw value to the value reported. */
public sealed interface Calibration {

    double apply(double raw);

    /** {@code value = raw * gain + offset}. */
    record Linear(double gain, double offset) implements Calibration {
        public Linear {
            if (gain == 0 || !Double.isFinite(gain) || !Double.isFinite(offset)) {
                throw new IllegalArgumentException("a linear calibration needs a finite, non-zero gain and a finite "
                        + "offset, not gain " + gain + " and offset " + offset);
            }
        }

        @Override
        public double apply(double raw) {
            return raw * gain + offset;
        }
    }

    /**
     * A percentage between two raw readings taken by hand: {@code dry} reads 0 %, {@code wet} 100 %.
     * Values beyond them are clamped, because a soil cannot be drier than dry.
     */
    record TwoPoint(double dry, double wet) implements Calibration {
        public TwoPoint {
            if (!Double.isFinite(dry) || !Double.isFinite(wet) || dry == wet) {
                throw new IllegalArgumentException("a two-point calibration needs two different finite raw values, "
                        + "not dry " + dry + " and wet " + wet);
            }
        }

        @Override
        public double apply(double raw) {
            double percent = 100 * (raw - dry) / (wet - dry);
            // Math.max/min keep NaN, so a broken source still shows up as one.
            return Math.min(100, Math.max(0, percent));
        }
    }
}

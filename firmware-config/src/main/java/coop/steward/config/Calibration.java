package coop.steward.config;

import java.util.List;

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

    /** One row of a {@link Table}: this raw value reads as this value. */
    record Point(double raw, double value) {
    }

    /**
     * A lookup table, such as a probe maker's curve: straight lines between the points, and the first or last
     * point's value beyond the ends (like {@link TwoPoint}, it never extrapolates). The raw values must rise or
     * fall strictly from one point to the next, so every raw value has one answer.
     */
    record Table(List<Point> points) implements Calibration {
        public Table {
            points = List.copyOf(points);
            if (points.size() < 2) {
                throw new IllegalArgumentException("a table needs at least 2 points, not " + points.size());
            }
            for (Point point : points) {
                if (!Double.isFinite(point.raw()) || !Double.isFinite(point.value())) {
                    throw new IllegalArgumentException("a table's points must be finite, not " + point);
                }
            }
            double direction = Math.signum(points.get(1).raw() - points.get(0).raw());
            for (int i = 1; i < points.size(); i++) {
                if (direction == 0 || Math.signum(points.get(i).raw() - points.get(i - 1).raw()) != direction) {
                    throw new IllegalArgumentException("a table's raw values must rise or fall strictly, not "
                            + points);
                }
            }
        }

        @Override
        public double apply(double raw) {
            if (Double.isNaN(raw)) {
                return raw;
            }
            boolean rising = points.get(1).raw() > points.get(0).raw();
            Point first = points.get(0);
            Point last = points.get(points.size() - 1);
            if (rising ? raw <= first.raw() : raw >= first.raw()) {
                return first.value();
            }
            if (rising ? raw >= last.raw() : raw <= last.raw()) {
                return last.value();
            }
            for (int i = 1; i < points.size(); i++) {
                Point a = points.get(i - 1);
                Point b = points.get(i);
                if (rising ? raw <= b.raw() : raw >= b.raw()) {
                    return a.value() + (raw - a.raw()) * (b.value() - a.value()) / (b.raw() - a.raw());
                }
            }
            return last.value();
        }
    }
}

package coop.steward.config;

import java.time.Duration;

/**
 * What happens to a sensor's raw values before they are sent.
 *
 * @param medianOf  the reported value is the median of the last this-many raw samples (odd, 1 to 15; 1: none),
 *                  so a single spike never reaches the readings
 * @param deadband  with report-by-exception, a reading is sent only when it differs from the last one sent by
 *                  more than this (in the reported unit); null: every sample is sent
 * @param heartbeat with a deadband, a reading is sent at least this often even when nothing changed, so a quiet
 *                  sensor is told apart from a dead one; null exactly when deadband is
 * @param rawMin    raw values below this are a sensor fault (reported in status, never sent); null: no limit
 * @param rawMax    raw values above this are a sensor fault; null: no limit
 */
public record Conditioning(int medianOf, Double deadband, Duration heartbeat, Double rawMin, Double rawMax) {
    public static final int MAX_MEDIAN_OF = 15;
    /** Every sample sent as it is. */
    public static final Conditioning NONE = new Conditioning(1, null, null, null, null);

    public Conditioning {
        if (medianOf < 1 || medianOf > MAX_MEDIAN_OF || medianOf % 2 == 0) {
            throw new IllegalArgumentException("medianOf must be odd, 1 to " + MAX_MEDIAN_OF + ", not " + medianOf);
        }
        if ((deadband == null) != (heartbeat == null)) {
            throw new IllegalArgumentException("deadband and heartbeat go together");
        }
        if (deadband != null && (!Double.isFinite(deadband) || deadband < 0)) {
            throw new IllegalArgumentException("deadband must be a finite number >= 0, not " + deadband);
        }
        if (rawMin != null && rawMax != null && !(rawMin < rawMax)) {
            throw new IllegalArgumentException("rawMin " + rawMin + " must be below rawMax " + rawMax);
        }
    }

    public boolean reportsByException() {
        return deadband != null;
    }

    public boolean rawInRange(double raw) {
        return (rawMin == null || raw >= rawMin) && (rawMax == null || raw <= rawMax);
    }
}

package coop.steward.config;

import coop.steward.protocol.Kind;

/** Reads a sensor's {@code conditioning} block: median filter, report-by-exception and the raw range. */
final class ConditioningReader {
    private ConditioningReader() {
    }

    /**
     * The conditioning, or null when something was reported.
     *
     * @param kind            the sensor's kind, or null when it was wrong
     * @param intervalSeconds the sensor's sampling interval, or null when it was wrong
     */
    static Conditioning read(Block block, Kind kind, Double intervalSeconds) {
        block.allowOnly("medianOf", "deadband", "heartbeatSeconds", "rawMin", "rawMax");
        Long medianOf = block.whole("medianOf", Range.between(1, Conditioning.MAX_MEDIAN_OF), 1L);
        if (medianOf != null && medianOf % 2 == 0) {
            block.error("medianOf", medianOf + " is even; use an odd number (3, 5, 7 ...), so that the median is "
                    + "one of the samples");
            medianOf = null;
        }
        if (medianOf != null && medianOf > 1 && kind != null
                && (kind.name().equals("water_total") || kind.name().equals("energy_total"))) {
            block.error("medianOf", "a median of a growing total lags behind it; leave medianOf out for "
                    + kind.name());
            medianOf = null;
        }
        Double deadband = block.decimal("deadband", Range.between(0, Double.POSITIVE_INFINITY), null);
        Double heartbeat = block.decimal("heartbeatSeconds", Range.aboveZeroUpTo(7 * 86_400), null);
        boolean usable = medianOf != null && (deadband != null || !block.has("deadband"))
                && (heartbeat != null || !block.has("heartbeatSeconds"));
        if (deadband != null && !block.has("heartbeatSeconds")) {
            block.report(block.line(), "heartbeatSeconds", "'heartbeatSeconds' is missing; with a deadband, a "
                    + "sensor whose value does not change still reports this often, so it is not taken for dead, "
                    + "e.g. heartbeatSeconds: 900");
            usable = false;
        }
        if (heartbeat != null && !block.has("deadband")) {
            block.error("heartbeatSeconds", "only applies with a deadband (readings are sent only on a change "
                    + "larger than it); add e.g. deadband: 0.5, or remove heartbeatSeconds");
            usable = false;
        }
        if (heartbeat != null && intervalSeconds != null && heartbeat < intervalSeconds) {
            block.error("heartbeatSeconds", Range.format(heartbeat) + " is shorter than the sensor's intervalSeconds ("
                    + Range.format(intervalSeconds) + "); the heartbeat must be at least one interval");
            usable = false;
        }
        Double rawMin = block.decimal("rawMin", Range.anyFinite(), null);
        Double rawMax = block.decimal("rawMax", Range.anyFinite(), null);
        if (rawMin != null && rawMax != null && rawMin >= rawMax) {
            block.error("rawMax", Range.format(rawMax) + " is not above rawMin (" + Range.format(rawMin)
                    + "); raw values between them are good, the others a sensor fault");
            usable = false;
        }
        usable &= (rawMin != null || !block.has("rawMin")) && (rawMax != null || !block.has("rawMax"));
        if (!usable) {
            return null;
        }
        return new Conditioning(medianOf.intValue(), deadband,
                heartbeat == null ? null : DeviceReader.seconds(heartbeat), rawMin, rawMax);
    }
}

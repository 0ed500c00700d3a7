package coop.steward.agent.sensor;

/** The sensor gave no usable value this time: skipped and reported in status, never sent as a reading. */
public class SensorFault extends RuntimeException {
    public SensorFault(String message) {
        super(message);
    }
}

package coop.steward.agent.sensor;

/**
 * Where a sensor's raw value comes from: simulated physics now, Pi4J drivers on real hardware. Implementations
 * may block briefly (a bus transaction) and throw {@link SensorFault} when the hardware gives no usable value.
 */
public interface SensorSource {
    double read(long t);
}

package coop.steward.agent.sensor;

import coop.steward.config.Wiring;

/** A current and power monitor chip: bus voltage (V), current (A, negative when it flows back) and power (W). */
interface PowerMonitor {
    /** Throws {@link SensorFault}. */
    double read(Wiring.Quantity quantity);
}

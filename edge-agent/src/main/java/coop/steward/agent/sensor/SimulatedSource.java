package coop.steward.agent.sensor;

import coop.steward.agent.sensor.sim.SimulatedSite;

/** A sensor that reads the simulated plot or array of its device. */
final class SimulatedSource implements SensorSource {
    private final SimulatedSite site;
    private final String kind;
    private final String sensorId;

    SimulatedSource(SimulatedSite site, String kind, String sensorId) {
        this.site = site;
        this.kind = kind;
        this.sensorId = sensorId;
    }

    @Override
    public double read(long t) {
        return site.read(kind, sensorId, t);
    }
}

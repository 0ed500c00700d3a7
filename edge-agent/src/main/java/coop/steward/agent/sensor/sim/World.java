package coop.steward.agent.sensor.sim;

/** The physical parts of one simulated site, built from its seed, and the conditions they share at an instant. */
record World(Sun sun, Clouds clouds, Weather weather, SolarArray array, Battery battery, Bed bed, Valve valve) {

    static World of(long seed, double latitudeDeg, double peakPowerW) {
        Sun sun = new Sun(latitudeDeg);
        Clouds clouds = new Clouds(seed);
        return new World(sun, clouds, new Weather(seed, latitudeDeg, sun, clouds), new SolarArray(peakPowerW),
                new Battery(seed, peakPowerW), new Bed(seed), new Valve(seed));
    }

    double irradiance(long t) {
        double clearSky = sun.clearSkyIrradiance(t);
        return clearSky == 0 ? 0 : clearSky * clouds.transmission(t);
    }

    double solarPower(long t) {
        double irradiance = irradiance(t);
        return irradiance == 0 ? 0 : array.power(irradiance, weather.airTemperature(t));
    }
}

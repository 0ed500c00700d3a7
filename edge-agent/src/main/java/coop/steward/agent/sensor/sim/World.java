package coop.steward.agent.sensor.sim;

/**
 * The physical parts of one simulated site, built from its seed, and the conditions they share at an instant.
 * {@code shade} is null when nothing shades the panels.
 */
record World(Sun sun, Clouds clouds, Weather weather, SolarArray array, Battery battery, Bed bed, Valve valve,
             Shade shade) {

    static World of(long seed, double latitudeDeg, double peakPowerW) {
        return of(seed, latitudeDeg, peakPowerW, null);
    }

    static World of(long seed, double latitudeDeg, double peakPowerW, Shade shade) {
        Sun sun = new Sun(latitudeDeg);
        Clouds clouds = new Clouds(seed);
        return new World(sun, clouds, new Weather(seed, latitudeDeg, sun, clouds), new SolarArray(peakPowerW),
                new Battery(seed, peakPowerW), new Bed(seed), new Valve(seed), shade);
    }

    /** Sunlight on open ground: what the irradiance sensor reads and what dries the bed. */
    double irradiance(long t) {
        double clearSky = sun.clearSkyIrradiance(t);
        return clearSky == 0 ? 0 : clearSky * clouds.transmission(t);
    }

    /** Sunlight on the panels: the open ground's, less what the shade holds back. */
    double panelIrradiance(long t) {
        return panelIrradiance(irradiance(t), t);
    }

    double panelIrradiance(double irradiance, long t) {
        return shade == null || irradiance == 0 ? irradiance : irradiance * shade.transmission(t);
    }

    double solarPower(long t) {
        double irradiance = panelIrradiance(t);
        return irradiance == 0 ? 0 : array.power(irradiance, weather.airTemperature(t));
    }
}

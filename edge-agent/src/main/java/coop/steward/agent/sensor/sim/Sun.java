package coop.steward.agent.sensor.sim;

/** Where the sun stands and how much light a cloudless sky lets through, with UTC noon as solar noon. */
final class Sun {
    private static final double TROPICAL_YEAR_DAYS = 365.2422;
    private static final double MAX_DECLINATION_RAD = Math.toRadians(23.44);
    /** 1970-01-01 falls ten days after the December solstice. */
    private static final double DAYS_AFTER_DECEMBER_SOLSTICE = 10;

    private final double sinLatitude;
    private final double cosLatitude;

    Sun(double latitudeDeg) {
        double latitude = Math.toRadians(latitudeDeg);
        this.sinLatitude = Math.sin(latitude);
        this.cosLatitude = Math.cos(latitude);
    }

    static double declinationRad(long t) {
        double angle = 2 * Math.PI * (SimTime.days(t) + DAYS_AFTER_DECEMBER_SOLSTICE) / TROPICAL_YEAR_DAYS;
        return -MAX_DECLINATION_RAD * Math.cos(angle);
    }

    /** Sine of the sun's elevation; negative at night. */
    double sinElevation(long t) {
        double declination = declinationRad(t);
        double hourAngle = 2 * Math.PI * (SimTime.hourOfDay(t) / 24 - 0.5);
        return sinLatitude * Math.sin(declination) + cosLatitude * Math.cos(declination) * Math.cos(hourAngle);
    }

    /**
     * Global horizontal irradiance under a clear sky in W/m2 (Haurwitz's model): about 1000 at a mid-latitude summer
     * noon, fading to zero at sunrise and sunset because the light crosses more air.
     */
    double clearSkyIrradiance(long t) {
        double sinElevation = sinElevation(t);
        return sinElevation <= 0 ? 0 : 1098 * sinElevation * Math.exp(-0.057 / sinElevation);
    }

    /** Hour of sunrise in [0, 12]; 0 under the midnight sun, 12 in polar night. */
    double sunriseHour(long t) {
        double declination = declinationRad(t);
        double across = cosLatitude * Math.cos(declination);
        double along = sinLatitude * Math.sin(declination);
        if (across < 1e-9) {
            return along > 0 ? 0 : 12;
        }
        double halfDay = Math.acos(Noise.clamp(-along / across, -1, 1));
        return 12 - halfDay * 12 / Math.PI;
    }
}

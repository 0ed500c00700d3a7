package coop.steward.collector.alert;

/** One stored reading as the rules see it. */
record Sample(Subject subject, String kind, long t, double value) {
    String site() {
        return subject.site();
    }

    String device() {
        return subject.device();
    }

    String sensor() {
        return subject.sensor();
    }
}

package coop.steward.collector.alert;

/**
 * One stored reading as the rules see it: its sensor's subject and its device's, each the same object for every
 * sample of that sensor, so that rules find their state by either without comparing names; and what the rules
 * remember of its sensor and of its device ({@link RuleMemory}).
 */
record Sample(Subject subject, Subject deviceSubject, String kind, long t, double value, RuleMemory memory,
              RuleMemory deviceMemory) {
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

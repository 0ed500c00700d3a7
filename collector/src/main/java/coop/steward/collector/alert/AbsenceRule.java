package coop.steward.collector.alert;

import coop.steward.collector.config.RuleConfig;
import coop.steward.collector.store.DeviceStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Silence, judged on the collector's clock by a periodic tick. A sensor is silent when its newest reading is older
 * than {@code intervals} of its own reporting interval (the median of its recent gaps in data time) and at least
 * {@code atLeast}. A device is silent when neither readings nor status came from it for as long, judged against its
 * most frequent sensor; then, or when every sensor of a device that still sends its status is silent, the device
 * gets one alert and its sensors none, so a dead device never makes a storm.
 * <p>
 * Nothing counts as silent while the collector was not connected to the broker (what it did not hear while deaf
 * says nothing about the devices), nor at a hub while the device's site has no link to it, and nothing while the device's own status, received within the window, says it
 * is online with readings waiting in its outbox: those readings are delayed, not missing. Readings that arrive for a
 * silent sensor or device resolve its alert; when they were taken during the silence, the alert says so.
 */
final class AbsenceRule implements Rule {
    private static final int GAPS_KEPT = 15;

    private static final class SensorTrack {
        final String kind;
        final long[] gaps = new long[GAPS_KEPT];
        int count;
        long lastT = Long.MIN_VALUE;
        private long interval = -1;

        SensorTrack(String kind) {
            this.kind = kind;
        }

        void heard(long t) {
            if (lastT != Long.MIN_VALUE && t > lastT) {
                gaps[count % GAPS_KEPT] = t - lastT;
                count++;
                interval = -1;
            }
            lastT = Math.max(lastT, t);
        }

        /** Median of the recent gaps; 0 until enough were seen. */
        long interval(int learnReadings) {
            if (count + 1 < learnReadings) {
                return 0;
            }
            if (interval < 0) {
                int n = Math.min(count, GAPS_KEPT);
                long[] sorted = Arrays.copyOf(gaps, n);
                Arrays.sort(sorted);
                interval = sorted[n / 2];
            }
            return interval;
        }
    }

    private static final class DeviceTrack {
        final Map<String, SensorTrack> sensors = new HashMap<>();
        long lastHeard = Long.MIN_VALUE;
        long lastReading = Long.MIN_VALUE;
        boolean online;
        boolean offlineByWill;
        long outbox;
        long statusAt = Long.MIN_VALUE;
    }

    private final RuleConfig.Absence config;
    private final long atLeastMs;
    private final Map<Subject, DeviceTrack> devices = new HashMap<>();

    AbsenceRule(RuleConfig.Absence config) {
        this.config = config;
        this.atLeastMs = config.atLeast().toMillis();
    }

    @Override
    public RuleConfig.Basics basics() {
        return config.basics();
    }

    @Override
    public Set<String> kinds() {
        return Set.of();
    }

    @Override
    public void accept(Sample s, AlertSink sink) {
        if (!config.basics().target().matchesDevice(s.site(), s.device())) {
            return;
        }
        Subject deviceSubject = s.deviceSubject();
        // Kept in the sample's memories as well as here, where tick() goes through them: only forget() drops them.
        DeviceTrack device = s.deviceMemory().of(this);
        if (device == null) {
            device = devices.computeIfAbsent(deviceSubject, d -> new DeviceTrack());
            s.deviceMemory().keep(this, device);
        }
        device.lastHeard = Math.max(device.lastHeard, s.t());
        device.lastReading = Math.max(device.lastReading, s.t());
        resolve(deviceSubject, s.t(), sink);
        if (!config.kinds().isEmpty() && !config.kinds().contains(s.kind())
                || !config.basics().target().matches(s.site(), s.device(), s.sensor())) {
            return;
        }
        SensorTrack sensor = s.memory().of(this);
        if (sensor == null) {
            sensor = device.sensors.get(s.sensor()); // not computeIfAbsent: its lambda holds the sample
            if (sensor == null) {
                sensor = new SensorTrack(s.kind());
                device.sensors.put(s.sensor(), sensor);
            }
            s.memory().keep(this, sensor);
        }
        sensor.heard(s.t());
        resolve(s.subject(), s.t(), sink);
    }

    private void resolve(Subject subject, long t, AlertSink sink) {
        Long opened = sink.openedAt(id(), subject);
        if (opened != null) {
            sink.clear(id(), subject, t, t < opened
                    ? "Readings taken during the silence arrived late: the device was delayed, not silent."
                    : "Readings arrive again.");
        }
    }

    /**
     * A status says whether the device is online and how much waits in its outbox. It counts as hearing from the
     * device, but resolves nothing: only readings do. A retained status that the broker re-sends is older than the
     * one already known and changes nothing; a Last Will has no time and marks the device offline.
     */
    @Override
    public void status(DeviceStatus status, AlertSink sink) {
        if (!config.basics().target().matchesDevice(status.site(), status.device())) {
            return;
        }
        DeviceTrack device = devices.computeIfAbsent(Subject.device(status.site(), status.device()),
                d -> new DeviceTrack());
        if (status.lastSeen() == null) {
            device.online = false;
            device.offlineByWill = "offline".equals(status.state());
            return;
        }
        if (status.lastSeen() >= device.statusAt) {
            device.statusAt = status.lastSeen();
            device.lastHeard = Math.max(device.lastHeard, status.lastSeen());
            device.online = "online".equals(status.state());
            device.offlineByWill = "offline".equals(status.state());
            device.outbox = status.outbox() == null ? 0 : status.outbox();
        }
    }

    @Override
    public void tick(long now, long listeningSince, AlertSink sink) {
        if (listeningSince < 0) {
            return;
        }
        devices.forEach((deviceSubject, device) -> {
            long window = windowOf(device);
            if (window == 0) {
                return; // no sensor of it has shown its interval yet
            }
            // At a hub, a site whose link is down is not heard: its devices are not silent, only far.
            long listening = sink.listeningSince(deviceSubject.site(), listeningSince);
            if (listening < 0) {
                return;
            }
            boolean delayed = device.online && device.outbox > 0 && now - device.statusAt <= window;
            if (delayed || sink.isActive(id(), deviceSubject)) {
                return;
            }
            long heardFrom = Math.max(device.lastHeard, listening);
            if (now - heardFrom > window) {
                long last = known(device.lastHeard, heardFrom);
                sink.raise(new Finding(basics(), deviceSubject, heardFrom + window, null, deviceSubject.path()
                        + " has gone silent: no readings and no status since " + Wording.time(last) + ", longer "
                        + "than " + Wording.duration(window) + (device.offlineByWill ? "; its last status said offline."
                        : "."), last));
                return;
            }
            sensors(deviceSubject, device, now, listening, sink);
        });
    }

    private void sensors(Subject deviceSubject, DeviceTrack device, long now, long listeningSince, AlertSink sink) {
        int learned = 0;
        int silent = 0;
        long oldest = Long.MAX_VALUE;
        for (Map.Entry<String, SensorTrack> e : device.sensors.entrySet()) {
            long interval = e.getValue().interval(config.learnReadings());
            if (interval > 0) {
                learned++;
                long window = Math.max(atLeastMs, config.intervals() * interval);
                long heardFrom = Math.max(e.getValue().lastT, listeningSince);
                if (now - heardFrom > window) {
                    silent++;
                    oldest = Math.min(oldest, heardFrom + window);
                }
            }
        }
        if (silent == 0) {
            return;
        }
        if (silent == learned && learned > 1) {
            long since = known(device.lastReading, listeningSince);
            sink.raise(new Finding(basics(), deviceSubject, oldest, null, deviceSubject.path() + " still sends its "
                    + "status, but none of its " + learned + " sensors has reported since " + Wording.time(since)
                    + ".", since));
            return;
        }
        device.sensors.forEach((sensor, track) -> {
            long interval = track.interval(config.learnReadings());
            if (interval == 0) {
                return;
            }
            long window = Math.max(atLeastMs, config.intervals() * interval);
            long heardFrom = Math.max(track.lastT, listeningSince);
            Subject subject = new Subject(deviceSubject.site(), deviceSubject.device(), sensor);
            if (now - heardFrom > window && !sink.isActive(id(), subject)) {
                long last = known(track.lastT, heardFrom);
                sink.raise(new Finding(basics(), subject, heardFrom + window, null, "No readings from "
                        + subject.path() + " (" + Wording.kind(track.kind) + ") since " + Wording.time(last)
                        + ", longer than " + Wording.duration(window) + "; it usually reports every "
                        + Wording.duration(interval) + ".", last));
            }
        });
    }

    private static long known(long time, long otherwise) {
        return time == Long.MIN_VALUE ? otherwise : time;
    }

    /** A device's window: that of its most frequent learned sensor; 0 while none is learned. */
    private long windowOf(DeviceTrack device) {
        long shortest = Long.MAX_VALUE;
        for (SensorTrack track : device.sensors.values()) {
            long interval = track.interval(config.learnReadings());
            if (interval > 0) {
                shortest = Math.min(shortest, interval);
            }
        }
        return shortest == Long.MAX_VALUE ? 0 : Math.max(atLeastMs, config.intervals() * shortest);
    }

    @Override
    public String saveState() {
        JsonArray list = new JsonArray();
        devices.forEach((subject, device) -> {
            JsonArray sensors = new JsonArray();
            device.sensors.forEach((sensor, track) -> sensors.add(new JsonObject().put("sensor", sensor)
                    .put("kind", track.kind).put("lastT", track.lastT)
                    .put("interval", track.interval(config.learnReadings()))));
            list.add(new JsonObject().put("site", subject.site()).put("device", subject.device())
                    .put("lastHeard", device.lastHeard).put("lastReading", device.lastReading)
                    .put("online", device.online).put("offlineByWill", device.offlineByWill)
                    .put("outbox", device.outbox).put("statusAt", device.statusAt).put("sensors", sensors));
        });
        return new JsonObject().put("devices", list).encode();
    }

    @Override
    public void restoreState(String json) {
        for (Object o : new JsonObject(json).getJsonArray("devices", new JsonArray())) {
            JsonObject d = (JsonObject) o;
            DeviceTrack device = new DeviceTrack();
            device.lastHeard = d.getLong("lastHeard");
            device.lastReading = d.getLong("lastReading");
            device.online = d.getBoolean("online");
            device.offlineByWill = d.getBoolean("offlineByWill");
            device.outbox = d.getLong("outbox");
            device.statusAt = d.getLong("statusAt");
            for (Object so : d.getJsonArray("sensors")) {
                JsonObject s = (JsonObject) so;
                SensorTrack track = new SensorTrack(s.getString("kind"));
                track.lastT = s.getLong("lastT");
                long interval = s.getLong("interval");
                if (interval > 0) {
                    Arrays.fill(track.gaps, interval);
                    track.count = Math.max(GAPS_KEPT, config.learnReadings());
                }
                device.sensors.put(s.getString("sensor"), track);
            }
            devices.put(Subject.device(d.getString("site"), d.getString("device")), device);
        }
    }

    @Override
    public void forget(String site) {
        devices.keySet().removeIf(subject -> subject.site().equals(site));
    }
}

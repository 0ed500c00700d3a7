package coop.steward.agent.config;

import coop.steward.config.DeviceConfig;
import coop.steward.config.SensorConfig;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a config pushed over MQTT may not do, against the config file on the device. Whoever can publish to the
 * broker can push one, so a push cannot cut the device off (site, device, broker), lose its outbox (storage
 * folder), wear out its SD card or flood the broker (sampling or flushing faster than once a second), fill its
 * disk (a larger outbox than the file allows) or widen what a power cut can lose (holding messages in memory longer
 * than the file allows), nor touch its valves' pins and safety limits. Whoever can edit the file on the device can set any of these.
 */
public final class PushRules {
    /** The fastest a pushed config may sample a sensor. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    /** The fastest a pushed config may write readings to the outbox (an fsync each time there are any). */
    public static final Duration MIN_FLUSH = Duration.ofSeconds(1);

    private PushRules() {
    }

    /** What {@code next} does that a push may not, one sentence each; empty when nothing. */
    static List<String> refusals(DeviceConfig local, DeviceConfig next) {
        List<String> refused = new ArrayList<>();
        if (!next.site().equals(local.site())) {
            refused.add("site: a pushed config cannot move the device to another site ('" + next.site()
                    + "'); it is '" + local.site() + "'");
        }
        if (!next.device().equals(local.device())) {
            refused.add("device: a pushed config cannot rename the device ('" + next.device() + "'); it is '"
                    + local.device() + "'");
        }
        if (!next.mqtt().equals(local.mqtt())) {
            refused.add("mqtt: a pushed config cannot change how the device reaches its broker (a mistake would "
                    + "cut it off); change mqtt in the config file on the device");
        }
        if (!next.storageDir().equals(local.storageDir())) {
            refused.add("storage.dir: a pushed config cannot move the device's storage folder (" + next.storageDir()
                    + "; it is " + local.storageDir() + "), where its outbox is; change it in the config file on "
                    + "the device");
        }
        if (!next.actuators().equals(local.actuators())) {
            // Also keeps an older last-good.yaml from bringing back other pins or a looser duty cycle at start.
            refused.add("actuators: a pushed config cannot change the valves and pumps (their pins and safety "
                    + "limits); change them in the config file on the device and restart the agent, which closes "
                    + "every valve");
        }
        if (next.maxOutboxReadings() > local.maxOutboxReadings()) {
            refused.add("storage.maxOutboxReadings: a pushed config may keep at most the " + local.maxOutboxReadings()
                    + " readings the config file on the device allows, not " + next.maxOutboxReadings()
                    + "; raise it in that file if the disk has room");
        }
        if (next.publish().hold().compareTo(local.publish().hold()) > 0) {
            refused.add("publish.holdSeconds: a pushed config may hold unconfirmed messages in memory at most the "
                    + seconds(local.publish().hold()) + " s the config file on the device allows, not "
                    + seconds(next.publish().hold()) + " s (a power cut loses what is held); raise it in that file");
        }
        List<SensorConfig> sensors = next.sensors();
        for (int i = 0; i < sensors.size(); i++) {
            if (sensors.get(i).interval().compareTo(MIN_INTERVAL) < 0) {
                refused.add("sensors[" + i + "].intervalSeconds: a pushed config may sample a sensor at most once "
                        + "a second, not every " + seconds(sensors.get(i).interval()) + " s; sample faster in the "
                        + "config file on the device");
            }
        }
        if (next.publish().flush().compareTo(MIN_FLUSH) < 0) {
            refused.add("publish.flushSeconds: a pushed config may write readings to the outbox at most once a "
                    + "second, not every " + seconds(next.publish().flush()) + " s; set it in the config file on "
                    + "the device");
        }
        return refused;
    }

    private static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toNanos(), 9).stripTrailingZeros().toPlainString();
    }
}

package coop.steward.collector.alert;

import coop.steward.protocol.Topics;
import java.util.Collection;
import java.util.function.Consumer;

/**
 * The contract's alerts topic: {@code steward/v1/{site}/alerts/{id}} holds the alert, retained, while it is open or
 * acknowledged; an empty retained message clears it when it is resolved.
 */
final class MqttAlerts implements Consumer<AlertChange> {
    private static final byte[] CLEAR = new byte[0];

    private MqttPublish publish;

    void attach(MqttPublish publish, Collection<Alert> active) {
        this.publish = publish;
        active.forEach(this::retain);
    }

    @Override
    public void accept(AlertChange change) {
        if (publish == null || change.kind() == AlertChange.Kind.REMINDER) {
            return;
        }
        if (change.alert().isActive()) {
            retain(change.alert());
        } else {
            publish.publish(Topics.alert(change.alert().site(), change.alert().id()), CLEAR, true);
        }
    }

    /** Clears an alert from the broker that is held nowhere (another collector's duplicate). */
    void retract(Alert alert) {
        if (publish != null) {
            publish.publish(Topics.alert(alert.site(), alert.id()), CLEAR, true);
        }
    }

    private void retain(Alert alert) {
        publish.publish(Topics.alert(alert.site(), alert.id()), alert.toJson().toBuffer().getBytes(), true);
    }
}

package coop.steward.collector.alert;

/** Publishes one MQTT message without blocking, QoS 1; the collector's ingest connection does it. */
@FunctionalInterface
public interface MqttPublish {
    void publish(String topic, byte[] payload, boolean retained);
}

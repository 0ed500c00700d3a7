package coop.steward.agent.publish;

import coop.steward.config.MqttSettings;
import java.util.function.UnaryOperator;

/**
 * Who the agent logs in to the broker as. The config's {@code username} and {@code passwordEnv} win; without them
 * the agent takes {@code STEWARD_MQTT_USERNAME} and {@code STEWARD_MQTT_PASSWORD}, the variables of the account
 * file {@code bin/steward identities} writes for each device, so that one file installs a device's identity.
 *
 * @param username null to connect without one
 * @param password null to connect without one
 */
public record MqttLogin(String username, String password) {
    public static final String USERNAME_VARIABLE = "STEWARD_MQTT_USERNAME";
    public static final String PASSWORD_VARIABLE = "STEWARD_MQTT_PASSWORD";

    public static final MqttLogin ANONYMOUS = new MqttLogin(null, null);

    /** @throws IllegalArgumentException when the config names a password variable that is not set */
    public static MqttLogin of(MqttSettings mqtt, UnaryOperator<String> environment) {
        String username = mqtt.username() != null ? mqtt.username() : environment.apply(USERNAME_VARIABLE);
        if (mqtt.passwordEnv() == null) {
            return new MqttLogin(username, environment.apply(PASSWORD_VARIABLE));
        }
        String password = environment.apply(mqtt.passwordEnv());
        if (password == null) {
            throw new IllegalArgumentException("mqtt.passwordEnv names " + mqtt.passwordEnv()
                    + ", but that environment variable is not set: set it to the broker password");
        }
        return new MqttLogin(username, password);
    }

    @Override
    public String toString() {
        return "MqttLogin[" + (username == null ? "anonymous" : username) + "]"; // never the password
    }
}

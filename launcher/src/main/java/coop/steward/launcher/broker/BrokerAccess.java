package coop.steward.launcher.broker;

import java.util.Optional;

/** Who may connect to the demo's broker and what each may publish and hear. */
public interface BrokerAccess {
    /** Anyone, anything: the demo on 127.0.0.1. */
    BrokerAccess OPEN = new BrokerAccess() {
        @Override
        public Optional<String> login(String clientId, String username, String password) {
            return Optional.of(clientId == null ? "" : clientId);
        }

        @Override
        public boolean mayPublish(String clientId, String topic) {
            return true;
        }

        @Override
        public boolean mayReceive(String clientId, String topic) {
            return true;
        }
    };

    /**
     * The client id a connection is held to, or empty to refuse it. With accounts the id is the user name, as with
     * Mosquitto's {@code use_username_as_clientid}, so that nobody can take another's session.
     */
    Optional<String> login(String clientId, String username, String password);

    boolean mayPublish(String clientId, String topic);

    boolean mayReceive(String clientId, String topic);
}

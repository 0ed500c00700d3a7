package coop.steward.launcher.identity;

import coop.steward.launcher.broker.BrokerAccess;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The generated password file and ACL, enforced by the demo's own broker as Mosquitto enforces them: a login needs
 * an account and its password, the client id becomes the user name, and each account publishes and hears only what
 * its ACL lines allow; what it may not publish is acknowledged and dropped, as Mosquitto does.
 */
public final class BrokerAccounts implements BrokerAccess {
    private final Map<String, String> hashes;
    private final Map<String, List<Permission>> permissions;

    BrokerAccounts(Map<String, String> hashes, Map<String, List<Permission>> permissions) {
        this.hashes = Map.copyOf(hashes);
        this.permissions = Map.copyOf(permissions);
    }

    @Override
    public Optional<String> login(String clientId, String username, String password) {
        String hash = username == null ? null : hashes.get(username);
        if (hash == null || password == null || !PasswordHash.matches(password, hash)) {
            return Optional.empty();
        }
        return Optional.of(username);
    }

    @Override
    public boolean mayPublish(String clientId, String topic) {
        return permissions.getOrDefault(clientId, List.of()).stream().anyMatch(p -> p.allowsWriting(topic));
    }

    @Override
    public boolean mayReceive(String clientId, String topic) {
        return permissions.getOrDefault(clientId, List.of()).stream().anyMatch(p -> p.allowsReading(topic));
    }
}

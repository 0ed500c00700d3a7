package coop.steward.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks a broker address: {@code tcp://host:port} or {@code ssl://host:port}, nothing more. */
final class MqttUrl {
    private static final Pattern HOST_PORT =
            Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)(:(\\d*))?");
    private static final String FORM = "write it as tcp://host:port (or ssl://host:port for TLS), "
            + "e.g. tcp://localhost:1883";

    private MqttUrl() {
    }

    /** What is wrong with the address, as a sentence, or empty when it is fine. */
    static Optional<String> problem(String url) {
        if (url.contains("@")) {
            // Not echoed: the part before '@' may be a password.
            return Optional.of("the address must not hold a user name or password; give them as username and "
                    + "passwordEnv, and " + FORM);
        }
        int separator = url.indexOf("://");
        if (separator < 0) {
            return Optional.of("'" + url + "' is not a broker address; " + FORM);
        }
        String scheme = url.substring(0, separator);
        if (!scheme.equals("tcp") && !scheme.equals("ssl")) {
            return Optional.of("'" + url + "' starts with " + scheme + "://, which Steward does not speak; " + FORM);
        }
        Matcher hostPort = HOST_PORT.matcher(url.substring(separator + 3));
        if (!hostPort.matches()) {
            return Optional.of("'" + url + "' must be a host name and a port and nothing else; " + FORM);
        }
        String port = hostPort.group(4);
        String usualPort = scheme.equals("ssl") ? "8883" : "1883";
        if (port == null || port.isEmpty()) {
            return Optional.of("'" + url + "' has no port; add one, e.g. " + scheme + "://" + hostPort.group(1) + ":"
                    + usualPort);
        }
        if (port.length() > 5 || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            return Optional.of("port " + port + " is out of range; use 1 to 65535 (brokers usually listen on "
                    + usualPort + ")");
        }
        return Optional.empty();
    }
}

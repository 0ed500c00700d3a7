package coop.steward.collector.ingest;

import java.net.URI;
import java.net.URISyntaxException;

/** Where the broker is: {@code tcp://host:port}, or {@code ssl://host:port} for TLS. */
public record BrokerAddress(String host, int port, boolean tls) {
    public static BrokerAddress parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(problem(url));
        }
        boolean tls = "ssl".equals(uri.getScheme());
        if (!tls && !"tcp".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1
                || uri.getPort() > 65_535 || uri.getUserInfo() != null) {
            throw new IllegalArgumentException(problem(url));
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        return new BrokerAddress(host, uri.getPort(), tls);
    }

    private static String problem(String url) {
        // Not echoed when it holds '@': the part before it may be a password.
        return (url.contains("@") ? "the broker address" : "'" + url + "'")
                + " is not a broker address: write tcp://host:port, or ssl://host:port for TLS, with no user name "
                + "or password in it";
    }
}

package coop.steward.collector.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where the InfluxDB store lives: {@code url} is the server ({@code http://host:port}) and {@code database} a
 * database on it. {@code username} is null when the server does not ask for credentials.
 */
public record InfluxSettings(String url, String database, String username, String password) {
    private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_-]+");
    private static final String FORM = "http://host:port/database, such as http://localhost:8086/steward";

    public InfluxSettings {
        if (url == null || database == null || !DATABASE.matcher(database).matches()) {
            throw new IllegalArgumentException("InfluxDB settings need a server URL and a database name of letters, "
                    + "digits, '_' and '-'; got " + url + " and " + database);
        }
        if (username != null && username.isBlank()) {
            username = null;
        }
    }

    /** Reads the {@code http://host:port/database} form that {@code --influxdb} takes. */
    public static InfluxSettings parse(String url, String username, String password) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("The InfluxDB URL is empty; write " + FORM);
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw bad(url, "is not a URL (" + e.getReason() + " at index " + e.getIndex() + ")");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw bad(url, uri.getScheme() == null ? "has no scheme" : "has the scheme '" + uri.getScheme()
                    + "', but InfluxDB's HTTP API takes http or https");
        }
        if (uri.getRawUserInfo() != null) {
            throw bad(url, "holds a username or password; give those as the InfluxDB username and password "
                    + "settings instead, which keeps them out of command lines and logs");
        }
        if (uri.getHost() == null) {
            throw bad(url, "names no host, or a host name that is not valid");
        }
        if (uri.getPort() < 1 || uri.getPort() > 65_535) {
            throw bad(url, uri.getPort() < 0 ? "names no port (InfluxDB listens on 8086 unless told otherwise)"
                    : "has the port " + uri.getPort() + ", which is not between 1 and 65535");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw bad(url, "has a '?' query or '#' fragment, which InfluxDB settings do not use");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String database = path.replaceFirst("^/", "").replaceFirst("/$", "");
        if (database.isEmpty()) {
            throw bad(url, "names no database after the port");
        }
        if (!DATABASE.matcher(database).matches()) {
            throw bad(url, "has the database name '" + database + "', which may hold only letters, digits, '_' "
                    + "and '-'");
        }
        return new InfluxSettings(scheme + "://" + uri.getHost() + ":" + uri.getPort(), database, username, password);
    }

    private static IllegalArgumentException bad(String url, String problem) {
        return new IllegalArgumentException("The InfluxDB URL '" + url + "' " + problem + "; write " + FORM);
    }

    /** Keeps the password out of logs. */
    @Override
    public String toString() {
        return "InfluxSettings[url=" + url + ", database=" + database + ", username=" + username + ", password="
                + (password == null ? "none" : "****") + "]";
    }
}

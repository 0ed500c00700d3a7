package coop.steward.collector.config;

import java.net.URI;
import java.util.Map;

/** A URL that gets every alert change as a JSON POST, with extra request headers (such as a token). */
public record WebhookConfig(URI url, Map<String, String> headers) {
    public WebhookConfig {
        headers = Map.copyOf(headers);
    }

    /** Scheme, host and port only: paths of hooks often hold secrets, so logs and metrics never show them. */
    public String safeName() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }
}

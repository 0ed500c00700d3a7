package coop.steward.collector.notify;

/**
 * The SMTP server alerts are e-mailed through.
 *
 * @param startTls upgrade to TLS before logging in (port 587); plain SMTP otherwise (a relay on the same machine)
 * @param username null to send without logging in
 */
public record MailSettings(String host, int port, String from, boolean startTls, String username, String password) {
    @Override
    public String toString() {
        return "MailSettings[" + host + ":" + port + " from " + from + "]"; // never the password
    }
}

package coop.steward.agent.outbox;

/**
 * The outbox's disk refused a read or a write (full, read-only, gone), or its folder is in use by another agent.
 * The agent keeps what it has in memory and tries again at the next flush.
 */
public final class OutboxException extends RuntimeException {
    public OutboxException(String message, Throwable cause) {
        super(message, cause);
    }
}

package coop.steward.collector.store;

/** The store could not do what was asked; a write that failed committed nothing and may be retried. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

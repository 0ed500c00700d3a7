package coop.steward.collector.alert;

import coop.steward.collector.config.RuleConfig;

/**
 * A rule's conclusion that its condition holds: at data time {@code t} (the reading that completed it), for the
 * subject, with the value that showed it. {@code since} is when the condition began (data time), when known.
 */
record Finding(RuleConfig.Basics rule, Subject subject, long t, Double value, String message, Long since) {
}

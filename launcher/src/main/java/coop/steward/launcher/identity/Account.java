package coop.steward.launcher.identity;

import java.util.List;

/**
 * A broker login and what it may do.
 *
 * @param purpose what the account is for, said in the generated files
 */
public record Account(String username, String purpose, List<Permission> permissions) {
    public Account {
        permissions = List.copyOf(permissions);
    }
}

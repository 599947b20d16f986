package dev.parley.core.account;

import dev.parley.core.ChatException;
import dev.parley.core.limit.KeyedAllowance;

import java.time.Clock;
import java.time.Duration;

/**
 * Failed logins, throttled per account name and per client address. Every attempt takes one from
 * both allowances before the password is checked (so a burst of concurrent guesses is cut off as
 * surely as a sequence of them), and a successful or unjudged attempt gives them back: only
 * failures count. Unknown account names are throttled like known ones, or the throttle would tell
 * which names exist.
 */
final class LoginThrottle {
    private final KeyedAllowance perAccount;
    private final KeyedAllowance perAddress;

    LoginThrottle(AccountLimits limits, Clock clock) {
        this.perAccount = new KeyedAllowance(limits.loginFailuresPerAccount(), limits.trackedKeys(), clock);
        this.perAddress = new KeyedAllowance(limits.loginFailuresPerAddress(), limits.trackedKeys(), clock);
    }

    /** One attempt at logging in to {@code account} from {@code origin} (null: not from the network). */
    final class Attempt {
        private final String account;
        private final String origin;

        private Attempt(String account, String origin) {
            this.account = account;
            this.origin = origin;
        }

        /** The attempt succeeded, or was not judged (the node was too busy): it does not count. */
        void doesNotCount() {
            perAccount.giveBack(account);
            if (origin != null) {
                perAddress.giveBack(origin);
            }
        }
    }

    /** Starts an attempt, or refuses it ({@code RATE_LIMITED}, with when to retry) while either allowance is used up. */
    Attempt begin(String account, String origin) {
        // Look before taking, so a refusal on one key does not spend the other.
        Duration wait = perAccount.waitFor(account);
        if (origin != null) {
            Duration addressWait = perAddress.waitFor(origin);
            wait = addressWait.compareTo(wait) > 0 ? addressWait : wait;
        }
        if (wait.isZero()) {
            Duration a = perAccount.tryTake(account);
            Duration b = origin == null ? Duration.ZERO : perAddress.tryTake(origin);
            if (a.isZero() && b.isZero()) {
                return new Attempt(account, origin);
            }
            // Another thread took the last one in between: undo what this one took.
            if (a.isZero()) {
                perAccount.giveBack(account);
            }
            if (b.isZero() && origin != null) {
                perAddress.giveBack(origin);
            }
            wait = a.compareTo(b) > 0 ? a : b;
        }
        throw new ChatException(ChatException.Refusal.RATE_LIMITED, "too many failed logins; try again later", wait);
    }
}

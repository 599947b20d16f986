package dev.parley.testkit;

import dev.parley.core.account.Account;
import dev.parley.core.account.AccountStore;
import dev.parley.core.account.Device;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.Invite;
import dev.parley.core.account.UserId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link dev.parley.core.account.AccountStore}: accounts, usernames (unique, freed by deletion),
 * devices and their tokens, invites (never more uses than they have, even under concurrency).
 */
public abstract class AccountStoreContract extends StoreFixture {
    // ------------------------------------------------------------------------------------------
    // Accounts and devices

    @Test
    public void createdAccountIsFoundByIdAndUsername() {
        Account alice = account("alice");
        assertThat(accounts.createAccount(alice)).contains(alice);

        assertThat(accounts.findAccount(alice.id())).contains(alice);
        assertThat(accounts.findAccountByUsername("alice")).contains(alice);
        assertThat(accounts.findAccount(new UserId(ids.next()))).isEmpty();
        assertThat(accounts.findAccountByUsername("bob")).isEmpty();
    }

    @Test
    public void duplicateUsernameIsRefusedAndKeepsTheFirstAccount() {
        Account first = account("alice");
        Account second = account("alice");
        assertThat(accounts.createAccount(first)).contains(first);

        assertThat(accounts.createAccount(second)).isEmpty();

        assertThat(accounts.findAccountByUsername("alice")).contains(first);
        assertThat(accounts.findAccount(second.id())).isEmpty();
    }

    @Test
    public void findAccountsLeavesOutMissingIds() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId ghost = new UserId(ids.next());

        List<Account> found = accounts.findAccounts(List.of(alice, ghost, bob));

        assertThat(found).extracting(Account::id).containsExactlyInAnyOrder(alice, bob);
        assertThat(found).extracting(Account::username).containsExactlyInAnyOrder("alice", "bob");
        assertThat(accounts.findAccounts(List.of(ghost))).isEmpty();
        assertThat(accounts.findAccounts(List.of())).isEmpty();
    }

    @Test
    public void setDisabledMarksTheAccountAndReportsWhetherItExists() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");

        assertThat(accounts.setDisabled(alice, true)).isTrue();
        assertThat(accounts.findAccount(alice)).hasValueSatisfying(a -> assertThat(a.disabled()).isTrue());
        assertThat(accounts.findAccountByUsername("alice")).hasValueSatisfying(a -> assertThat(a.disabled()).isTrue());
        assertThat(accounts.findAccount(bob)).hasValueSatisfying(a -> assertThat(a.disabled()).isFalse());

        assertThat(accounts.setDisabled(alice, false)).isTrue();
        assertThat(accounts.findAccount(alice)).hasValueSatisfying(a -> assertThat(a.disabled()).isFalse());

        assertThat(accounts.setDisabled(new UserId(ids.next()), true)).isFalse();
    }

    // ------------------------------------------------------------------------------------------
    // Invites

    @Test
    public void inviteAllowsItsUsesAndNoMore() {
        accounts.createInvite(new Invite(hash("code-1"), 2, Instant.ofEpochMilli(T0 + 60_000), Instant.ofEpochMilli(T0)));
        Instant now = Instant.ofEpochMilli(T0 + 1_000);

        assertThat(accounts.redeemInvite(hash("code-1"), now)).isTrue();
        assertThat(accounts.redeemInvite(hash("code-1"), now)).isTrue();
        assertThat(accounts.redeemInvite(hash("code-1"), now)).isFalse();
        assertThat(accounts.redeemInvite(hash("unknown"), now)).isFalse();
    }

    @Test
    public void inviteIsRefusedFromItsExpiryOn() {
        accounts.createInvite(new Invite(hash("code-1"), 5, Instant.ofEpochMilli(T0 + 60_000), Instant.ofEpochMilli(T0)));

        assertThat(accounts.redeemInvite(hash("code-1"), Instant.ofEpochMilli(T0 + 60_000))).isFalse();
        assertThat(accounts.redeemInvite(hash("code-1"), Instant.ofEpochMilli(T0 + 59_999))).isTrue();
    }

    @Test
    public void aReturnedInviteUseCanBeTakenAgain() {
        accounts.createInvite(new Invite(hash("code-1"), 1, Instant.ofEpochMilli(T0 + 60_000), Instant.ofEpochMilli(T0)));
        Instant now = Instant.ofEpochMilli(T0 + 1_000);
        assertThat(accounts.redeemInvite(hash("code-1"), now)).isTrue();

        accounts.returnInvite(hash("code-1"));

        assertThat(accounts.redeemInvite(hash("code-1"), now)).isTrue();
        assertThat(accounts.redeemInvite(hash("code-1"), now)).isFalse();
    }

    @Test
    public void concurrentRedemptionsNeverTakeMoreUsesThanTheInviteHas() throws Exception {
        accounts.createInvite(new Invite(hash("code-1"), 3, Instant.ofEpochMilli(T0 + 60_000), Instant.ofEpochMilli(T0)));
        Instant now = Instant.ofEpochMilli(T0 + 1_000);

        List<Boolean> results = concurrently(8, t -> accounts.redeemInvite(hash("code-1"), now));

        assertThat(results).filteredOn(Boolean::booleanValue).hasSize(3);
    }

    @Test
    public void deviceIsFoundByItsTokenHashAndListedOldestFirst() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        // Created out of age order, so the listing has to sort.
        Device laptop = device(alice, "laptop", T0 + 5_000);
        Device phone = device(alice, "phone", T0 + 1_000);
        Device tablet = device(alice, "tablet", T0 + 9_000);
        Device bobsPhone = device(bob, "phone", T0 + 500);
        accounts.createDevice(laptop, hash("laptop"));
        accounts.createDevice(phone, hash("phone"));
        accounts.createDevice(tablet, hash("tablet"));
        accounts.createDevice(bobsPhone, hash("bobs-phone"));

        assertThat(accounts.findDeviceByTokenHash(hash("laptop"))).contains(laptop);
        assertThat(accounts.findDeviceByTokenHash(hash("phone"))).contains(phone);
        assertThat(accounts.findDeviceByTokenHash(hash("bobs-phone"))).contains(bobsPhone);
        assertThat(accounts.findDeviceByTokenHash(hash("unknown"))).isEmpty();

        assertThat(accounts.listDevices(alice)).containsExactly(phone, laptop, tablet);
        assertThat(accounts.listDevices(bob)).containsExactly(bobsPhone);
        assertThat(accounts.listDevices(newUser("carol"))).isEmpty();
    }

    @Test
    public void apiTokensAreScopedDevicesListedApartAndBotsAreMarked() {
        UserId alice = newUser("alice");
        Device laptop = device(alice, "laptop", T0 + 1_000);
        accounts.createDevice(laptop, hash("laptop"));
        dev.parley.core.account.ApiToken reader = new dev.parley.core.account.ApiToken(new DeviceId(nextId()), alice,
                "reader", java.util.Set.of(dev.parley.core.account.Scope.READ), java.time.Instant.ofEpochMilli(T0 + 2_000),
                java.time.Instant.ofEpochMilli(T0 + 2_000));
        accounts.createApiToken(reader, hash("reader"));

        assertThat(accounts.findCallerByTokenHash(hash("laptop")))
                .contains(new dev.parley.core.account.Caller(alice, laptop.id()));
        assertThat(accounts.findCallerByTokenHash(hash("reader"))).contains(new dev.parley.core.account.Caller(alice,
                reader.id(), java.util.Set.of(dev.parley.core.account.Scope.READ), true));
        assertThat(accounts.findCallerByTokenHash(hash("unknown"))).isEmpty();
        assertThat(accounts.listApiTokens(alice)).containsExactly(reader);
        assertThat(accounts.listDevices(alice)).extracting(Device::id).containsExactly(laptop.id(), reader.id());
        assertThat(accounts.revokeDevice(alice, reader.id())).isTrue();
        assertThat(accounts.findCallerByTokenHash(hash("reader"))).isEmpty();
        assertThat(accounts.listApiTokens(alice)).isEmpty();

        assertThat(accounts.isBot(alice)).isFalse();
        accounts.setBot(alice, true);
        assertThat(accounts.isBot(alice)).isTrue();
        assertThat(accounts.findAccount(alice)).get().extracting(dev.parley.core.account.Account::bot).isEqualTo(true);
        accounts.setBot(alice, false);
        assertThat(accounts.isBot(alice)).isFalse();
    }

    @Test
    public void revokedDeviceIsNoLongerFoundOrListed() {
        UserId alice = newUser("alice");
        Device phone = device(alice, "phone", T0 + 1_000);
        Device laptop = device(alice, "laptop", T0 + 2_000);
        accounts.createDevice(phone, hash("phone"));
        accounts.createDevice(laptop, hash("laptop"));

        assertThat(accounts.revokeDevice(alice, phone.id())).isTrue();

        assertThat(accounts.findDeviceByTokenHash(hash("phone"))).isEmpty();
        assertThat(accounts.listDevices(alice)).containsExactly(laptop);
        assertThat(accounts.findDeviceByTokenHash(hash("laptop"))).contains(laptop);

        assertThat(accounts.revokeDevice(alice, phone.id())).as("revoking twice").isFalse();
        assertThat(accounts.revokeDevice(alice, new DeviceId(ids.next()))).as("unknown device").isFalse();
    }

    @Test
    public void revokingAnotherUsersDeviceDoesNothing() {
        UserId alice = newUser("alice");
        UserId mallory = newUser("mallory");
        Device phone = device(alice, "phone", T0 + 1_000);
        accounts.createDevice(phone, hash("phone"));

        assertThat(accounts.revokeDevice(mallory, phone.id())).isFalse();

        assertThat(accounts.findDeviceByTokenHash(hash("phone"))).contains(phone);
        assertThat(accounts.listDevices(alice)).containsExactly(phone);
    }


    // ------------------------------------------------------------------------------------------
    // Deleting accounts, and usernames under concurrency

    @Test
    public void deletedAccountFreesItsUsernameAndKeepsItsId() {
        UserId alice = newUser("alice");
        accounts.createDevice(device(alice, "phone", T0 + 1), hash("phone"));

        assertThat(accounts.deleteAccount(alice)).isTrue();

        assertThat(accounts.findAccountByUsername("alice")).isEmpty();
        assertThat(accounts.findAccount(alice)).hasValueSatisfying(a -> {
            assertThat(a.disabled()).isTrue();
            assertThat(a.username()).isNotEqualTo("alice");
        });
        assertThat(accounts.findDeviceByTokenHash(hash("phone"))).isEmpty();
        assertThat(accounts.listDevices(alice)).isEmpty();
        assertThat(accounts.deleteAccount(alice)).as("deleting twice").isFalse();
        assertThat(accounts.deleteAccount(new UserId(ids.next()))).as("unknown user").isFalse();

        Account again = account("alice");
        assertThat(accounts.createAccount(again)).as("the name is free again").contains(again);
        assertThat(accounts.findAccountByUsername("alice")).contains(again);
    }

    @Test
    public void concurrentRegistrationsOfOneUsernameKeepOne() throws Exception {
        List<Account> candidates = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            candidates.add(account("alice"));
        }

        List<Optional<Account>> results = concurrently(8, t -> accounts.createAccount(candidates.get(t)));

        assertOneRegistrationWon(candidates, results);
    }

    @Test
    public void concurrentRegistrationsOfOneUsernameOnTwoInstancesKeepOne() throws Exception {
        Stores second = secondStores();
        List<Account> candidates = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            candidates.add(account("alice"));
        }

        List<Optional<Account>> results = concurrently(8, t ->
                (t % 2 == 0 ? accounts : second.accountStore()).createAccount(candidates.get(t)));

        assertOneRegistrationWon(candidates, results);
        assertThat(second.accountStore().findAccountByUsername("alice")).isEqualTo(results.stream()
                .flatMap(Optional::stream).findFirst());
    }

    private void assertOneRegistrationWon(List<Account> candidates, List<Optional<Account>> results) {
        List<Account> winners = results.stream().flatMap(Optional::stream).toList();
        assertThat(winners).hasSize(1);
        assertThat(accounts.findAccountByUsername("alice")).contains(winners.getFirst());
        assertThat(accounts.findAccounts(candidates.stream().map(Account::id).toList()))
                .as("the losers left no account behind").containsExactly(winners.getFirst());
    }
}

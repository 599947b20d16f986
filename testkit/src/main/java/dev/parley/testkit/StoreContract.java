package dev.parley.testkit;

/**
 * The behaviour every implementation of the store ports ({@link dev.parley.core.account.AccountStore},
 * {@link dev.parley.core.conversation.ConversationStore}, {@link dev.parley.core.message.MessageStore})
 * must show. An adapter's test extends this class and says how to open its stores
 * ({@link #openStores()}); every test then runs unchanged against it.
 *
 * <p>The tests are split by port and concern, one short file each, chained so that this class
 * holds them all: {@link AccountStoreContract}, {@link ConversationStoreContract},
 * {@link MessageStoreContract}, {@link PositionsContract}, {@link GroupContract} and
 * {@link TwoInstanceContract}, on the fixture {@link StoreFixture}. A new test goes into the file
 * of its port.
 */
public abstract class StoreContract extends TwoInstanceContract {
}

package dev.parley.cli;

import org.jline.keymap.KeyMap;
import org.jline.reader.Binding;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Reference;
import org.jline.reader.UserInterruptException;
import org.jline.reader.Widget;
import org.jline.terminal.Terminal;
import org.jline.utils.InfoCmp;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The terminal front end of {@link ChatScreen}: reads lines with JLine and redraws the screen
 * above the input line whenever the model changes. On a terminal that can clear itself the
 * whole screen is redrawn in place; on a dumb one (a pipe) each redraw is printed below the last.
 * PageUp and PageDown scroll the open conversation.
 */
final class TerminalChat {
    /** Redraws are coalesced: a burst of events draws once. */
    private static final long REDRAW_DELAY_MS = 40;
    private static final String CLEAR = "\033[H\033[2J";
    private static final String PAGE_UP = "parley-page-up";
    private static final String PAGE_DOWN = "parley-page-down";

    private final Terminal terminal;
    private final ChatScreen screen;
    private final boolean dumb;
    private final AtomicBoolean redrawQueued = new AtomicBoolean();
    private final ScheduledExecutorService painter = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("parley-chat-painter").daemon(true).factory());
    private volatile LineReader reader;
    private String lastDrawn = "";

    TerminalChat(Terminal terminal, ChatScreen screen) {
        this.terminal = terminal;
        this.screen = screen;
        this.dumb = Terminal.TYPE_DUMB.equals(terminal.getType())
                || Terminal.TYPE_DUMB_COLOR.equals(terminal.getType());
    }

    /** Runs until the user quits (/quit, Ctrl-D or Ctrl-C). */
    void run() {
        LineReader r = LineReaderBuilder.builder().terminal(terminal).appName("parley").build();
        Widget insert = r.getWidgets().get(LineReader.SELF_INSERT);
        if (insert != null) {
            r.getWidgets().put(LineReader.SELF_INSERT, () -> {
                boolean done = insert.apply();
                screen.typed(r.getBuffer().toString());
                return done;
            });
        }
        bind(r, PAGE_UP, InfoCmp.Capability.key_ppage, "\033[5~", () -> {
            screen.pageUp();
            draw();
        });
        bind(r, PAGE_DOWN, InfoCmp.Capability.key_npage, "\033[6~", () -> {
            screen.pageDown();
            draw();
        });
        reader = r;
        screen.onChange(this::queueRedraw);
        draw();
        try {
            while (true) {
                String line;
                try {
                    line = r.readLine("> ");
                } catch (UserInterruptException | EndOfFileException e) {
                    break;
                }
                if (!screen.handle(line)) {
                    break;
                }
                draw();
            }
        } finally {
            screen.onChange(() -> { });
            painter.shutdownNow();
        }
    }

    /**
     * Binds a key to an action: the sequence the terminal's description gives, and the common
     * VT220 one for terminals that describe none.
     */
    private void bind(LineReader r, String widget, InfoCmp.Capability key, String vt220, Runnable action) {
        r.getWidgets().put(widget, () -> {
            action.run();
            return true;
        });
        KeyMap<Binding> keys = r.getKeyMaps().get(LineReader.MAIN);
        String described = KeyMap.key(terminal, key);
        if (described != null && !described.isEmpty()) {
            keys.bind(new Reference(widget), described);
        }
        keys.bind(new Reference(widget), vt220);
    }

    private void queueRedraw() {
        if (redrawQueued.compareAndSet(false, true)) {
            painter.schedule(() -> {
                redrawQueued.set(false);
                draw();
            }, REDRAW_DELAY_MS, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void draw() {
        int rows = terminal.getSize().getRows();
        int height = rows > 0 ? rows - 1 : 24;
        List<String> lines = screen.render(height);
        String text = String.join(System.lineSeparator(), lines);
        if (text.equals(lastDrawn)) {
            return;
        }
        lastDrawn = text;
        LineReader r = reader;
        String frame = dumb ? text + System.lineSeparator() + "----" : CLEAR + text;
        if (r != null && r.isReading()) {
            r.printAbove(frame);
        } else {
            terminal.writer().println(frame);
            terminal.flush();
        }
    }
}

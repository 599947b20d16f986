package dev.parley.app;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The plain parse of {@code serve}'s options (no picocli at start) agrees with picocli's. */
class ServeCommandTest {

    @Test
    void everyOptionIsParsedPlainlyToWhatPicocliParses() throws Exception {
        List<String> args = new ArrayList<>();
        List<String> joined = new ArrayList<>();
        for (Field f : ServeCommand.class.getDeclaredFields()) {
            Option o = f.getAnnotation(Option.class);
            if (o == null) {
                continue;
            }
            String name = o.names()[0];
            if (f.getType() == boolean.class) {
                args.add(name);
                joined.add(name);
            } else {
                String value = f.getType() == Integer.class ? "4321" : "value-of" + name.replace("--", "-");
                args.add(name);
                args.add(value);
                joined.add(name + "=" + value);
            }
        }
        assertThat(args).contains("--port", "--data", "--class-data-training");
        for (List<String> form : List.of(args, joined)) {
            String[] a = form.toArray(String[]::new);
            ServeCommand byPicocli = new ServeCommand();
            new CommandLine(byPicocli).parseArgs(a);
            ServeCommand plain = ServeCommand.parsedPlainly(a).orElseThrow();
            for (Field f : ServeCommand.class.getDeclaredFields()) {
                if (f.getAnnotation(Option.class) != null) {
                    f.setAccessible(true);
                    assertThat(f.get(plain)).as(f.getName()).isEqualTo(f.get(byPicocli)).isNotNull();
                }
            }
        }
    }

    @Test
    void whatThePlainParseDoesNotKnowIsLeftToPicocli() {
        assertThat(ServeCommand.parsedPlainly(new String[] {"--port", "80"})).isPresent();
        assertThat(ServeCommand.parsedPlainly(new String[] {})).isPresent();
        assertThat(ServeCommand.parsedPlainly(new String[] {"--prot", "80"})).isEmpty();
        assertThat(ServeCommand.parsedPlainly(new String[] {"--port"})).isEmpty();
        assertThat(ServeCommand.parsedPlainly(new String[] {"--port", "eighty"})).isEmpty();
        assertThat(ServeCommand.parsedPlainly(new String[] {"--port", "--data", "d"})).isEmpty();
        assertThat(ServeCommand.parsedPlainly(new String[] {"--allow-empty=yes"})).isEmpty();
        assertThat(ServeCommand.parsedPlainly(new String[] {"extra"})).isEmpty();
    }
}

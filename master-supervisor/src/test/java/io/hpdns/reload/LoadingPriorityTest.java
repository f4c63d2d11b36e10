package io.hpdns.reload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Zone loading runs at a lower scheduling priority than the threads that serve, and so do the threads it starts. */
class LoadingPriorityTest {

    /** The calling thread's nice value, as the kernel reports it (proc(5), field 19 of stat). */
    private static int nice() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[19 - 3]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void loadRunsNicerThanItsCallerAndSoDoTheThreadsItStarts() throws Exception {
        int caller = nice();
        AtomicInteger started = new AtomicInteger(Integer.MIN_VALUE);

        int loading = LoadingPriority.lowered(() -> {
            Thread parser = Thread.ofPlatform().start(() -> started.set(nice()));
            try {
                parser.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return nice();
        });

        int expected = Math.min(19, caller + LoadingPriority.NICE);
        assertThat(loading).isEqualTo(expected);
        assertThat(started.get()).isEqualTo(expected);
        assertThat(nice()).isEqualTo(caller);
    }

    @Test
    void failureOfTheLoadReachesTheCaller() {
        assertThatThrownBy(() -> LoadingPriority.lowered(() -> {
            throw new IllegalStateException("broken");
        })).isInstanceOf(IllegalStateException.class).hasMessage("broken");
    }
}

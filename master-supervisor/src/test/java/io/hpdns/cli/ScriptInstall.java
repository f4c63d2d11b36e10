package io.hpdns.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/**
 * A copy of the repository's {@code scripts/hpdns} (and the library it sources) in a directory laid
 * out like the repository, run as a process the way an operator runs it. Its
 * {@code master-supervisor/target/hpdns.jar} is a jar whose manifest class path is the tests' own,
 * so the script runs the classes under test without the build having packaged them. {@code mvn} on
 * the script's PATH is a stand-in that only records that it was called, and fails: a build the
 * script starts shows, and changes nothing.
 */
final class ScriptInstall {

    private static final long TIMEOUT_SECONDS = 120;

    private final Path root;
    private final Path mvnCalls;

    private ScriptInstall(Path root) {
        this.root = root;
        this.mvnCalls = root.resolve("mvn-calls");
    }

    /**
     * The scripts and the jar, under {@code root}; the jar without the libraries whose file names
     * start with {@code librariesLeftOut}, to show that a run does without them.
     */
    static ScriptInstall withJar(Path root, String... librariesLeftOut) throws IOException {
        ScriptInstall install = withoutJar(root);
        install.writeJar(List.of(librariesLeftOut));
        return install;
    }

    /** The scripts only, as in a checkout that was never built. */
    static ScriptInstall withoutJar(Path root) throws IOException {
        ScriptInstall install = new ScriptInstall(root);
        install.copyScripts();
        install.writeFakeMaven();
        return install;
    }

    Path root() {
        return root;
    }

    Path jar() {
        return root.resolve("master-supervisor/target/hpdns.jar");
    }

    /** A source file newer than the jar, which makes the jar stale for the script. */
    void editSourceAfterTheBuild() throws IOException {
        Path source = Files.createDirectories(root.resolve("master-supervisor/src/main/java")).resolve("Edited.java");
        Files.writeString(source, "class Edited {}\n");
        FileTime built = Files.getLastModifiedTime(jar());
        Files.setLastModifiedTime(source, FileTime.fromMillis(built.toMillis() + TimeUnit.HOURS.toMillis(1)));
    }

    /** How many times the script ran {@code mvn}. */
    long mavenRuns() throws IOException {
        return Files.exists(mvnCalls) ? Files.readAllLines(mvnCalls).size() : 0;
    }

    /**
     * Runs {@code scripts/hpdns ARGS} in {@code workingDirectory} with the tests' JDK as JAVA_HOME and
     * server JVM options that no JVM accepts, so a run that passed them to its JVM would fail.
     */
    CommandRun run(Path workingDirectory, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(root.resolve("scripts/hpdns").toString()));
        command.addAll(Arrays.asList(args));
        Path out = Files.createTempFile(root, "out", ".txt");
        Path err = Files.createTempFile(root, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("PATH", root.resolve("bin") + File.pathSeparator + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HPDNS_JAVA_OPTS", "-XX:+NoSuchOptionForTheServerOnly");
        Process process = builder.start();
        assertThat(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("scripts/hpdns %s ended", args).isTrue();
        return new CommandRun(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private void copyScripts() throws IOException {
        Path scripts = repositoryRoot().resolve("scripts");
        Files.createDirectories(root.resolve("scripts/lib"));
        for (String script : List.of("hpdns", "lib/jdk.sh")) {
            Files.copy(scripts.resolve(script), root.resolve("scripts").resolve(script),
                    StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    private void writeFakeMaven() throws IOException {
        Path mvn = Files.createDirectories(root.resolve("bin")).resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\necho \"mvn $*\" >> '" + mvnCalls + "'\nexit 1\n");
        assertThat(mvn.toFile().setExecutable(true)).isTrue();
    }

    private void writeJar(List<String> librariesLeftOut) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH,
                Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                        .map(entry -> Path.of(entry).toAbsolutePath())
                        .filter(entry -> librariesLeftOut.stream()
                                .noneMatch(library -> entry.getFileName().toString().startsWith(library)))
                        .map(entry -> entry.toUri().toString())
                        .collect(Collectors.joining(" ")));
        Files.createDirectories(jar().getParent());
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(jar()), manifest)) {
            jar.flush();
        }
    }

    /** The repository these tests run in: the nearest directory up from here with scripts/hpdns. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("scripts/hpdns"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no scripts/hpdns above " + Path.of("").toAbsolutePath());
    }
}

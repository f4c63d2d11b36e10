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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A copy of the repository's {@code scripts/hpdns} (and the library it sources) in a directory laid
 * out like the repository, run as a process the way an operator runs it. Its
 * {@code master-supervisor/target/hpdns.jar} holds the classes of the tests' class path and names
 * their libraries in its manifest's class path: the script runs the classes under test without the
 * build having packaged them, and the JVM can archive them for class data sharing (it archives
 * classes from jars only). {@code mvn} on the script's PATH is a stand-in that only records that it
 * was called, and fails: a build the script starts shows, and changes nothing.
 */
final class ScriptInstall {

    private static final long TIMEOUT_SECONDS = 120;

    private final Path root;
    private final Path mvnCalls;
    private final List<String> librariesLeftOut;

    private ScriptInstall(Path root, List<String> librariesLeftOut) throws IOException {
        this.root = root;
        this.mvnCalls = root.resolve("mvn-calls");
        this.librariesLeftOut = librariesLeftOut;
        copyScripts();
        writeFakeMaven();
    }

    /**
     * The scripts and the jar, under {@code root}; the jar without the libraries whose file names
     * start with {@code librariesLeftOut}, to show that a run does without them.
     */
    static ScriptInstall withJar(Path root, String... librariesLeftOut) throws IOException {
        ScriptInstall install = new ScriptInstall(root, List.of(librariesLeftOut));
        install.writeJar();
        return install;
    }

    /** The scripts only, as in a checkout that was never built. */
    static ScriptInstall withoutJar(Path root) throws IOException {
        return new ScriptInstall(root, List.of());
    }

    Path root() {
        return root;
    }

    Path jar() {
        return root.resolve("master-supervisor/target/hpdns.jar");
    }

    /** The class data sharing archive ctl's JVM maps, and writes when it is missing. */
    Path ctlArchive() {
        return root.resolve("master-supervisor/target/hpdns-ctl.jsa");
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

    /** Writes the jar (again, as a build does). */
    void writeJar() throws IOException {
        List<Path> classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath())
                .toList();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath.stream()
                .filter(Files::isRegularFile)
                .filter(library -> librariesLeftOut.stream()
                        .noneMatch(name -> library.getFileName().toString().startsWith(name)))
                .map(library -> library.toUri().toString())
                .collect(Collectors.joining(" ")));
        Files.createDirectories(jar().getParent());
        Set<String> added = new HashSet<>(Set.of(JarFile.MANIFEST_NAME));
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(jar()), manifest)) {
            for (Path classes : classPath.stream().filter(Files::isDirectory).toList()) {
                List<Path> files;
                try (Stream<Path> walk = Files.walk(classes)) {
                    files = walk.filter(Files::isRegularFile).sorted().toList();
                }
                for (Path file : files) {
                    String name = classes.relativize(file).toString().replace(File.separatorChar, '/');
                    // The first of two directories that hold the same file wins, as on a class path.
                    if (added.add(name)) {
                        jar.putNextEntry(new JarEntry(name));
                        Files.copy(file, jar);
                        jar.closeEntry();
                    }
                }
            }
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

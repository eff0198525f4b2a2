package io.nightcoral;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

/**
 * Packs this test JVM's class path as a server would ship it: one shaded jar, or a Spring Boot
 * executable jar whose launcher comes from Spring Boot's own loader.
 */
final class TestJars {
  private TestJars() {}

  /** The test JVM's class-path entries: jars and folders of classes. */
  static List<Path> classpath() {
    List<Path> entries = new ArrayList<>();
    for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!e.isEmpty() && Files.exists(Path.of(e))) {
        entries.add(Path.of(e));
      }
    }
    return entries;
  }

  /**
   * One jar with every class of the class path in it (the first of a name wins, service files are
   * joined), started by {@code java -jar} at {@code mainClass}.
   */
  static Path shaded(Path jar, String mainClass) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    Map<String, ByteArrayOutputStream> services = new LinkedHashMap<>();
    for (Path entry : classpath()) {
      for (Map.Entry<String, byte[]> f : contents(entry).entrySet()) {
        String name = f.getKey();
        if (name.startsWith("META-INF/services/")) {
          ByteArrayOutputStream joined =
              services.computeIfAbsent(name, n -> new ByteArrayOutputStream());
          joined.write(f.getValue());
          joined.write('\n');
        } else if (!signatureOrManifest(name)) {
          files.putIfAbsent(name, f.getValue());
        }
      }
    }
    services.forEach((name, bytes) -> files.put(name, bytes.toByteArray()));
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest(mainClass, Map.of()))) {
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        out.putNextEntry(new JarEntry(f.getKey()));
        out.write(f.getValue());
        out.closeEntry();
      }
    }
    return jar;
  }

  /**
   * A Spring Boot executable jar: Spring Boot's launcher at the root ({@code classic} picks the
   * loader of Spring Boot before 3.2), the test classes in {@code BOOT-INF/classes}, and every
   * other class-path entry as a stored jar in {@code BOOT-INF/lib} (folders packed first), listed
   * in {@code BOOT-INF/classpath.idx}; {@code version} goes into {@code
   * BOOT-INF/classes/version.txt}.
   */
  static Path springBoot(Path jar, String startClass, boolean classic, String version)
      throws IOException {
    String launcher =
        classic
            ? "org.springframework.boot.loader.JarLauncher"
            : "org.springframework.boot.loader.launch.JarLauncher";
    Map<String, String> boot =
        Map.of(
            "Start-Class", startClass,
            "Spring-Boot-Classes", "BOOT-INF/classes/",
            "Spring-Boot-Lib", "BOOT-INF/lib/",
            "Spring-Boot-Classpath-Index", "BOOT-INF/classpath.idx");
    Set<String> written = new LinkedHashSet<>();
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest(launcher, boot))) {
      String loader = "META-INF/loader/spring-boot-loader" + (classic ? "-classic" : "") + ".jar";
      try (InputStream in = TestJars.class.getClassLoader().getResourceAsStream(loader);
          JarInputStream loaderJar = new JarInputStream(in)) {
        for (JarEntry e = loaderJar.getNextJarEntry(); e != null; e = loaderJar.getNextJarEntry()) {
          if (!e.getName().startsWith("META-INF/") && written.add(e.getName())) {
            out.putNextEntry(new JarEntry(e.getName()));
            loaderJar.transferTo(out);
            out.closeEntry();
          }
        }
      }
      for (String folder : List.of("BOOT-INF/", "BOOT-INF/classes/", "BOOT-INF/lib/")) {
        out.putNextEntry(new JarEntry(folder)); // the launcher looks for the folders' own entries
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry("BOOT-INF/classes/version.txt"));
      out.write(version.getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
      List<String> libs = new ArrayList<>();
      int folders = 0;
      for (Path entry : classpath()) {
        if (Files.isDirectory(entry) && entry.getFileName().toString().equals("test-classes")) {
          for (Map.Entry<String, byte[]> f : contents(entry).entrySet()) {
            out.putNextEntry(new JarEntry("BOOT-INF/classes/" + f.getKey()));
            out.write(f.getValue());
            out.closeEntry();
          }
          continue;
        }
        String name =
            Files.isDirectory(entry)
                ? "classes-"
                    + ++folders
                    + "-"
                    + entry.getParent().getParent().getFileName()
                    + ".jar"
                : entry.getFileName().toString();
        byte[] bytes =
            Files.isDirectory(entry) ? jarOf(contents(entry)) : Files.readAllBytes(entry);
        String path = "BOOT-INF/lib/" + name;
        if (written.add(path)) {
          out.putNextEntry(stored(path, bytes));
          out.write(bytes);
          out.closeEntry();
          libs.add(path);
        }
      }
      StringBuilder index = new StringBuilder();
      libs.forEach(l -> index.append("- \"").append(l).append("\"\n"));
      out.putNextEntry(new JarEntry("BOOT-INF/classpath.idx"));
      out.write(index.toString().getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return jar;
  }

  /** Nested jars must be stored, not compressed, for Spring Boot's loader to open them in place. */
  private static JarEntry stored(String name, byte[] bytes) {
    JarEntry e = new JarEntry(name);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    e.setMethod(ZipEntry.STORED);
    e.setSize(bytes.length);
    e.setCompressedSize(bytes.length);
    e.setCrc(crc.getValue());
    return e;
  }

  private static byte[] jarOf(Map<String, byte[]> files) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JarOutputStream out = new JarOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        out.putNextEntry(new JarEntry(f.getKey()));
        out.write(f.getValue());
        out.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  private static Manifest manifest(String mainClass, Map<String, String> more) {
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
    more.forEach((k, v) -> m.getMainAttributes().putValue(k, v));
    return m;
  }

  private static boolean signatureOrManifest(String name) {
    String upper = name.toUpperCase(java.util.Locale.ROOT);
    return upper.equals("META-INF/MANIFEST.MF")
        || upper.startsWith("META-INF/") && upper.matches("META-INF/[^/]*\\.(SF|RSA|DSA|EC)");
  }

  /** The files of a jar or a folder, by their names inside it (folders' entries left out). */
  private static Map<String, byte[]> contents(Path entry) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    if (Files.isDirectory(entry)) {
      try (Stream<Path> walk = Files.walk(entry)) {
        for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
          files.put(
              entry.relativize(p).toString().replace(File.separatorChar, '/'),
              Files.readAllBytes(p));
        }
      }
    } else {
      try (JarFile jar = new JarFile(entry.toFile())) {
        for (JarEntry e : jar.stream().filter(e -> !e.isDirectory()).toList()) {
          try (InputStream in = jar.getInputStream(e)) {
            files.put(e.getName(), in.readAllBytes());
          }
        }
      }
    }
    return files;
  }
}

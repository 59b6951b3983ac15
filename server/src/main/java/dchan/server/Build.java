package dchan.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version and commit this jar was built from (filtered into build.properties by Maven). */
public record Build(String version, String commit) {
  /** This jar's build; "unknown" for what the build could not tell (no git, an IDE). */
  public static Build current() {
    Properties p = new Properties();
    try (InputStream in = Build.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // unknown, below
    }
    String commit = known(p.getProperty("commit"));
    if (!commit.equals("unknown") && "true".equals(p.getProperty("dirty"))) {
      commit += "-dirty";
    }
    return new Build(known(p.getProperty("version")), commit);
  }

  private static String known(String v) {
    return v == null || v.isEmpty() || v.startsWith("${") ? "unknown" : v;
  }

  @Override
  public String toString() {
    return "dchan " + version + " (commit " + commit + ")";
  }
}

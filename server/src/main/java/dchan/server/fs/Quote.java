package dchan.server.fs;

import java.util.ArrayList;
import java.util.List;

/**
 * Words in ctl and stats, quoted as Plan 9's quote(2) and split as its tokenize(2): a word that
 * is empty or holds a space, a tab or a single quote is written between single quotes, with each
 * quote inside doubled ({@code /with space} is {@code '/with space'}, {@code it's} is {@code
 * 'it''s'}). Names cannot hold control characters (the tree refuses them), so a line of ctl or
 * stats is always one line, and {@code tokenize(quote(w))} is {@code [w]} for every word w.
 */
public final class Quote {
  private Quote() {}

  public static String quote(String word) {
    if (!needsQuotes(word)) {
      return word;
    }
    return "'" + word.replace("'", "''") + "'";
  }

  private static boolean needsQuotes(String w) {
    if (w.isEmpty()) {
      return true;
    }
    for (int i = 0; i < w.length(); i++) {
      char c = w.charAt(i);
      if (c == ' ' || c == '\t' || c == '\'') {
        return true;
      }
    }
    return false;
  }

  /**
   * Splits a line into words at spaces and tabs; quotes group and are removed, a doubled quote
   * inside quotes is one quote.
   *
   * @throws IllegalArgumentException for a quote left open
   */
  public static List<String> tokenize(String line) {
    List<String> words = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (true) {
      while (i < n && isSpace(line.charAt(i))) {
        i++;
      }
      if (i == n) {
        return words;
      }
      StringBuilder w = new StringBuilder();
      boolean quoted = false;
      for (; i < n; i++) {
        char c = line.charAt(i);
        if (c == '\'') {
          if (quoted && i + 1 < n && line.charAt(i + 1) == '\'') {
            w.append('\'');
            i++;
          } else {
            quoted = !quoted;
          }
        } else if (!quoted && isSpace(c)) {
          break;
        } else {
          w.append(c);
        }
      }
      if (quoted) {
        throw new IllegalArgumentException("unterminated quote");
      }
      words.add(w.toString());
    }
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\r';
  }
}

using System.Globalization;
using System.Text;

namespace PamMySqlNet.Logging;

/// <summary>
/// Text made safe for one syslog line: everything that is not a printable character is written
/// as \u{XXXX}. That covers control characters (newline, ESC), format characters (the bidi
/// overrides that reorder what a reader sees), the line and paragraph separators U+2028/U+2029
/// that some log viewers break lines at, private-use and unpaired surrogate code points,
/// non-characters and U+FFFD. Applied to every line the module logs, whatever its source (user
/// names, server error texts), and used for quoted names with '"' and '\' escaped as well.
/// </summary>
public static class LogText
{
    public static string Printable(string text, int maxRunes = 1024, bool escapeQuotes = false)
    {
        if (IsClean(text, escapeQuotes) && text.Length <= maxRunes)
            return text;
        var sb = new StringBuilder(text.Length + 16);
        int runes = 0;
        for (int i = 0; i < text.Length;)
        {
            if (runes == maxRunes)
            {
                sb.Append($"...({text.Length} chars)");
                break;
            }
            Rune r;
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out r, out int used) != System.Buffers.OperationStatus.Done)
            {
                sb.Append($"\\u{{{(int)text[i]:x4}}}"); // an unpaired surrogate
                i++;
            }
            else
            {
                if (Unsafe(r) || (escapeQuotes && (r.Value == '"' || r.Value == '\\')))
                    sb.Append($"\\u{{{r.Value:x4}}}");
                else
                    sb.Append(text, i, used);
                i += used;
            }
            runes++;
        }
        return sb.ToString();
    }

    /// <summary>Whether a code point must not appear as itself in a log line.</summary>
    public static bool Unsafe(Rune r)
    {
        int v = r.Value;
        if (v == 0xFFFD || (v >= 0xFDD0 && v <= 0xFDEF) || (v & 0xFFFE) == 0xFFFE)
            return true;
        return Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned
            && !(v >= 0x20 && v < 0x7F);
    }

    private static bool IsClean(string text, bool escapeQuotes)
    {
        foreach (char c in text)
        {
            if (c >= 0x20 && c < 0x7F)
            {
                if (escapeQuotes && (c == '"' || c == '\\'))
                    return false;
                continue;
            }
            return false; // anything else takes the careful path
        }
        return true;
    }
}

namespace PamMySqlNet.Options;

/// <summary>One <c>key = value</c> line of a config file.</summary>
public sealed record ConfigEntry(int Line, string Key, string Value);

/// <summary>
/// pam_mysql's NSS-MySQL style config file: <c>key = value</c> lines, <c>#</c> at the start of a
/// line makes it a comment, and a <c>;</c> ends a value (<c>key = value;</c>), as in pam_mysql; text
/// after that <c>;</c> is an error. Values are trimmed (pam_mysql kept trailing spaces); a value in
/// double quotes keeps its spaces, with <c>\"</c> and <c>\\</c> as escapes.
/// </summary>
public static class ConfigFile
{
    public static IReadOnlyList<ConfigEntry> Parse(string text, out string? error)
    {
        error = null;
        var entries = new List<ConfigEntry>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].TrimEnd('\r').Trim();
            if (line.Length == 0 || line[0] == '#')
                continue;
            int eq = line.IndexOf('=');
            if (eq <= 0)
            {
                error = $"line {i + 1}: expected 'key = value'";
                return entries;
            }
            string key = line[..eq].Trim();
            string value = line[(eq + 1)..].Trim();
            if (value.Length >= 2 && value[0] == '"')
            {
                // A ';' after the closing quote ends the entry, as after a bare value.
                string quoted = value.Length > 2 && value[^1] == ';' ? value[..^1].TrimEnd() : value;
                if (!TryUnquote(quoted, out value))
                {
                    error = $"line {i + 1}: unterminated quoted value";
                    return entries;
                }
            }
            else if (value.IndexOf(';') is var semi and >= 0)
            {
                // pam_mysql (NSS-MySQL syntax): ';' ends the value, so "key = value;" is the same as
                // "key = value". Anything after it on the line is refused rather than dropped.
                if (value[(semi + 1)..].Trim().Length > 0)
                {
                    error = $"line {i + 1}: text after ';' (a ';' ends the value)";
                    return entries;
                }
                value = value[..semi].TrimEnd();
            }
            if (key.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                error = $"line {i + 1}: bad key";
                return entries;
            }
            entries.Add(new ConfigEntry(i + 1, key, value));
        }
        return entries;
    }

    private static bool TryUnquote(string quoted, out string value)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 1; i < quoted.Length; i++)
        {
            char c = quoted[i];
            if (c == '\\' && i + 1 < quoted.Length)
            {
                sb.Append(quoted[++i]);
                continue;
            }
            if (c == '"')
            {
                value = sb.ToString();
                return i == quoted.Length - 1;
            }
            sb.Append(c);
        }
        value = "";
        return false;
    }
}

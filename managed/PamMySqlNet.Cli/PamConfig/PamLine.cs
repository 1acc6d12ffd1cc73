namespace PamMySqlNet.Cli.PamConfig;

/// <summary>
/// Reads pam.d lines the way Linux-PAM does, far enough to find our module's arguments:
/// <c>type control module args…</c>, where control and arguments may be in brackets with spaces
/// (<c>[where=a = 1]</c>, <c>\]</c> escaping a bracket), and <c>#</c> starts a comment.
/// </summary>
public static class PamLine
{
    public const string ModuleName = "pam_mysql_net.so";

    /// <summary>The arguments of every line of <paramref name="text"/> that names our module.</summary>
    public static List<(int Line, string[] Args)> ModuleArguments(string text)
    {
        var found = new List<(int, string[])>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var words = Words(lines[i]);
            if (words.Count >= 3 && IsOurModule(words[2]))
                found.Add((i + 1, words.Skip(3).ToArray()));
        }
        return found;
    }

    /// <summary>A full pam.d line naming the module, or just its arguments.</summary>
    public static string[] ArgumentsOf(string line)
    {
        var words = Words(line);
        int module = words.FindIndex(IsOurModule);
        return (module >= 0 ? words.Skip(module + 1) : words).ToArray();
    }

    public static bool IsOurModule(string word) =>
        word == ModuleName || word.EndsWith("/" + ModuleName, StringComparison.Ordinal);

    /// <summary>Splits one line into words; a bracketed word keeps its spaces (brackets removed).</summary>
    public static List<string> Words(string line)
    {
        var words = new List<string>();
        int i = 0;
        while (i < line.Length)
        {
            char c = line[i];
            if (c == '#')
                break;
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            var word = new System.Text.StringBuilder();
            if (c == '[')
            {
                for (i++; i < line.Length && line[i] != ']'; i++)
                {
                    if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] == ']')
                        i++;
                    word.Append(line[i]);
                }
                i++;
            }
            else
            {
                for (; i < line.Length && !char.IsWhiteSpace(line[i]); i++)
                    word.Append(line[i]);
            }
            words.Add(word.ToString());
        }
        return words;
    }
}

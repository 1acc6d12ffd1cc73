namespace PamMySqlNet.CommandLine;

/// <summary>
/// A tiny, reflection-free option reader for one command's arguments: <c>--name value</c>,
/// <c>--name=value</c>, flags, <c>--</c> ending the options, <c>-h</c>/<c>--help</c> anywhere.
/// An unknown option, a missing value or an option given twice is an error (one line).
/// </summary>
public sealed class ArgReader
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly List<string> _positionals = new();

    public bool Help { get; private set; }
    public IReadOnlyList<string> Positionals => _positionals;

    public string? Value(string name) => _values.TryGetValue(name, out var v) ? v : null;
    public bool Flag(string name) => _flags.Contains(name);

    /// <param name="args">The command's arguments (without the command name).</param>
    /// <param name="valueOptions">Options that take a value, e.g. "--crypt".</param>
    /// <param name="flagOptions">Options without a value, e.g. "--strip-newline".</param>
    public static bool TryParse(IReadOnlyList<string> args, string[] valueOptions, string[] flagOptions,
        out ArgReader reader, out string error)
    {
        reader = new ArgReader();
        error = "";
        bool optionsEnded = false;
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (optionsEnded || a.Length < 2 || a[0] != '-')
            {
                reader._positionals.Add(a);
                continue;
            }
            if (a == "--")
            {
                optionsEnded = true;
                continue;
            }
            if (a is "-h" or "--help")
            {
                reader.Help = true;
                continue;
            }
            string name = a, value = "";
            bool inlineValue = false;
            int eq = a.IndexOf('=');
            if (a.StartsWith("--", StringComparison.Ordinal) && eq > 2)
            {
                name = a[..eq];
                value = a[(eq + 1)..];
                inlineValue = true;
            }
            if (Array.IndexOf(valueOptions, name) >= 0)
            {
                if (!inlineValue)
                {
                    if (i + 1 >= args.Count)
                    {
                        error = $"option {name} needs a value";
                        return false;
                    }
                    value = args[++i];
                }
                if (!reader._values.TryAdd(name, value))
                {
                    error = $"option {name} given twice";
                    return false;
                }
            }
            else if (Array.IndexOf(flagOptions, name) >= 0 && !inlineValue)
            {
                if (!reader._flags.Add(name))
                {
                    error = $"option {name} given twice";
                    return false;
                }
            }
            else
            {
                error = Array.IndexOf(flagOptions, name) >= 0 ? $"option {name} takes no value" : $"unknown option {name}";
                return false;
            }
        }
        return true;
    }
}

namespace PamMySqlNet.Options;

/// <summary>What parsing the module arguments gave: settings, plus what to log about them.</summary>
public sealed record OptionParseResult(
    ModuleSettings Settings,
    IReadOnlyList<string> UnknownOptions,
    IReadOnlyList<string> Errors);

/// <summary>Turns the module arguments of a pam.d line into <see cref="ModuleSettings"/>.</summary>
public static class OptionParser
{
    public static OptionParseResult Parse(IEnumerable<string> args)
    {
        var settings = new ModuleSettings();
        var unknown = new List<string>();
        var errors = new List<string>();
        foreach (var raw in args)
        {
            var (name, value) = Split(raw);
            if (name.Length == 0)
                continue;
            var spec = OptionTable.Find(name);
            if (spec is null)
            {
                if (OptionTable.NotYetImplemented.Contains(name))
                    errors.Add($"option '{name}' is not supported by this version");
                else
                    unknown.Add(name);
                continue;
            }
            try
            {
                settings = spec.Apply(settings, value);
            }
            catch (OptionValueException e)
            {
                errors.Add($"option '{name}': {e.Message}");
            }
        }
        return new OptionParseResult(settings, unknown, errors);
    }

    /// <summary>
    /// Splits one argument into name and value at the first '='. A bare word has an empty value
    /// (a boolean reads it as true). Linux-PAM already removes the brackets of
    /// <c>[name=value with spaces]</c>; an argument that still carries them is unwrapped here too.
    /// </summary>
    public static (string Name, string Value) Split(string arg)
    {
        if (arg.Length >= 2 && arg[0] == '[' && arg[^1] == ']')
            arg = arg[1..^1].Replace("\\]", "]", StringComparison.Ordinal);
        int eq = arg.IndexOf('=');
        return eq < 0 ? (arg.Trim(), "") : (arg[..eq].Trim(), arg[(eq + 1)..]);
    }
}

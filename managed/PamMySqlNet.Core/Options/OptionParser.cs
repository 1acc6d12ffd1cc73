namespace PamMySqlNet.Options;

/// <summary>What parsing gave: settings, plus what to log about them.</summary>
public sealed record OptionParseResult(
    ModuleSettings Settings,
    IReadOnlyList<string> UnknownOptions,
    IReadOnlyList<string> Errors)
{
    /// <summary>Config-file keys that changed what a module argument had set (logged at NOTICE;
    /// they name the option and the line, never a value).</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];
}

/// <summary>Turns the module arguments of a pam.d line (and the config file they name) into <see cref="ModuleSettings"/>.</summary>
public static class OptionParser
{
    /// <param name="configSource">Reads config_file; the default checks ownership and permissions.</param>
    public static OptionParseResult Parse(IEnumerable<string> args, IConfigSource? configSource = null)
    {
        var settings = new ModuleSettings();
        var unknown = new List<string>();
        var errors = new List<string>();
        var notices = new List<string>();
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in args)
        {
            var (name, value) = Split(raw);
            if (name.Length == 0)
                continue;
            if (OptionTable.Find(name) is { } spec)
            {
                settings = Apply(spec, settings, value, $"option '{name}'", errors);
                given.Add(spec.Name);
            }
            else
                unknown.Add($"option '{name}'");
        }
        if (settings.ConfigFile is { } path && errors.Count == 0)
            settings = ApplyConfigFile(settings, path, configSource ?? SecureConfigFile.Instance, given, unknown, errors,
                notices);
        if (errors.Count == 0 && Auth.DefaultScheme.Problem(settings) is { } combination)
            errors.Add(combination);
        if (errors.Count == 0 && Auth.RehashPolicy.Problem(settings) is { } rehash)
            errors.Add(rehash);
        return new OptionParseResult(settings, unknown, errors) { Notices = notices };
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

    /// <summary>
    /// pam_mysql reads the file after the arguments, so its values win, security keys (ssl_*,
    /// crypt, nullok) included: the file is held to the same ownership rules as pam.d, and a
    /// compatible module must read existing pairs of pam.d line and file as pam_mysql did. A key
    /// that changes what an argument set is reported once in <paramref name="notices"/>, so that a
    /// stricter argument silently undone by the file shows in the log.
    /// </summary>
    private static ModuleSettings ApplyConfigFile(ModuleSettings settings, string path, IConfigSource source,
        HashSet<string> given, List<string> unknown, List<string> errors, List<string> notices)
    {
        var read = source.Read(path);
        if (read.Error is not null)
        {
            errors.Add($"config_file {path} {read.Error}");
            return settings;
        }
        var entries = ConfigFile.Parse(read.Text!, out var parseError);
        if (parseError is not null)
        {
            errors.Add($"config_file {path}: {parseError}");
            return settings;
        }
        foreach (var entry in entries)
        {
            var spec = OptionTable.FindConfigKey(entry.Key);
            if (spec is null)
            {
                unknown.Add($"key '{entry.Key}' in {path}");
                continue;
            }
            if (spec.Name == "passwd" && read.OthersCanRead)
            {
                errors.Add($"config_file {path} holds the database password but everyone may read it: chmod o-r {path} (e.g. 0640 root:root)");
                return settings;
            }
            var before = settings;
            settings = Apply(spec, settings, entry.Value, $"{path} line {entry.Line} ({entry.Key})", errors);
            if (given.Contains(spec.Name) && !SameSettings(before, settings))
            {
                given.Remove(spec.Name); // one notice per option
                notices.Add($"{path} line {entry.Line} ({entry.Key}) overrides the module argument '{spec.Name}' with another value");
            }
        }
        return settings;
    }

    /// <summary>Record equality, with the server list compared by its content.</summary>
    private static bool SameSettings(ModuleSettings a, ModuleSettings b) =>
        a with { Hosts = b.Hosts } == b && a.Hosts.SequenceEqual(b.Hosts);

    private static ModuleSettings Apply(OptionSpec spec, ModuleSettings settings, string value, string where, List<string> errors)
    {
        try
        {
            return spec.Apply(settings, value);
        }
        catch (OptionValueException e)
        {
            errors.Add($"{where}: {e.Message}");
            return settings;
        }
    }
}

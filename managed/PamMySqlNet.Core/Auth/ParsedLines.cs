using System.Collections.Concurrent;
using PamMySqlNet.Options;
using PamMySqlNet.Sql;

namespace PamMySqlNet.Auth;

/// <summary>
/// A pam.d line's arguments, parsed and checked, with its queries built: what every call of the
/// module did from scratch. A long-lived host (a saslauthd worker, Dovecot's auth process) passes
/// the same argument lines on every login, so the result is remembered per exact argument list.
/// Only lines that name no config file are remembered: a config file is read on every call, so
/// an edit takes effect at the next login without restarting the host.
/// </summary>
public static class ParsedLines
{
    /// <summary>One line's parse: the settings, the queries when the settings are usable, and every
    /// problem that makes the line unusable (the parser's errors; else missing required options
    /// and the query builder's refusal).</summary>
    public sealed record Line(OptionParseResult Parsed, QuerySet? Queries, IReadOnlyList<string> Problems)
    {
        public bool Usable => Problems.Count == 0 && Queries is not null;
    }

    /// <summary>More distinct lines than this in one process: start over (no unbounded growth).</summary>
    private const int MaxRemembered = 64;

    private static readonly ConcurrentDictionary<string, Line> Remembered = new(StringComparer.Ordinal);

    /// <summary>Forgets every line (the daemon's SIGHUP).</summary>
    public static void Forget() => Remembered.Clear();

    /// <param name="configSource">Tests pass their own reader; lines parsed with one are never remembered.</param>
    public static Line Get(IReadOnlyList<string> args, IConfigSource? configSource)
    {
        string key = string.Join('\0', args);
        if (configSource is null && Remembered.TryGetValue(key, out var known))
            return known;
        var line = Load(args, configSource);
        if (configSource is null && line.Parsed.Settings.ConfigFile is null)
        {
            if (Remembered.Count >= MaxRemembered)
                Remembered.Clear();
            Remembered[key] = line;
        }
        return line;
    }

    /// <summary>Parses and checks a line without remembering it: the one loader behind the module
    /// (through <see cref="Get"/>) and <c>pam-mysql-net check</c>.</summary>
    public static Line Load(IReadOnlyList<string> args, IConfigSource? configSource = null)
    {
        var parsed = OptionParser.Parse(args, configSource);
        if (parsed.Errors.Count > 0)
            return new Line(parsed, null, parsed.Errors);
        var queries = QuerySet.Build(parsed.Settings, out var queryError);
        var problems = OptionTable.Missing(parsed.Settings).ToList();
        if (queryError is not null || (queries is null && problems.Count == 0))
            problems.Add(queryError ?? "the queries could not be built");
        return new Line(parsed, queries, problems);
    }
}

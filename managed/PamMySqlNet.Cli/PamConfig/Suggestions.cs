using PamMySqlNet.Options;

namespace PamMySqlNet.Cli.PamConfig;

/// <summary>"Did you mean …?" for misspelled options and config-file keys.</summary>
public static class Suggestions
{
    public static string? For(string unknown)
    {
        var candidates = OptionTable.All
            .SelectMany(s => s.Aliases.Prepend(s.Name).Append(s.ConfigKey))
            .Where(c => c.Length > 0)
            .Distinct();
        var best = candidates.Select(c => (Name: c, Distance: Distance(unknown.ToLowerInvariant(), c)))
            .OrderBy(x => x.Distance).First();
        return best.Distance <= Math.Max(2, unknown.Length / 4) ? best.Name : null;
    }

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}

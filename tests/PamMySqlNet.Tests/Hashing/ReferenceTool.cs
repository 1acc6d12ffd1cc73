using System.Diagnostics;

namespace PamMySqlNet.Tests.Hashing;

/// <summary>
/// Runs installed reference tools (never project code) to make or check hashes at test time.
/// A missing tool fails the test with the apt package to install, unless the environment
/// variable PAM_MYSQL_NET_ALLOW_MISSING_TOOLS=1 is set (then the case is skipped).
/// </summary>
public static class ReferenceTool
{
    public static readonly Dictionary<string, string> Packages = new()
    {
        ["mkpasswd"] = "whois", ["openssl"] = "openssl", ["htpasswd"] = "apache2-utils",
        ["doveadm"] = "dovecot-core", ["php"] = "php-cli", ["argon2"] = "argon2",
    };

    public static bool Available(string tool)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, tool)))
                return true;
        if (Environment.GetEnvironmentVariable("PAM_MYSQL_NET_ALLOW_MISSING_TOOLS") == "1")
            return false;
        Assert.Fail($"reference tool '{tool}' is not installed: apt-get install -y {Packages.GetValueOrDefault(tool, tool)}");
        return false;
    }

    /// <summary>Runs the tool with arguments and exact stdin bytes; returns stdout's first line.</summary>
    public static string Run(string tool, IEnumerable<string> args, byte[]? stdin = null)
    {
        var psi = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        if (stdin is not null)
            p.StandardInput.BaseStream.Write(stdin);
        p.StandardInput.Close();
        var outTask = p.StandardOutput.ReadToEndAsync();
        var errTask = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(true);
            Assert.Fail($"{tool} timed out");
        }
        string output = outTask.Result, err = errTask.Result;
        Assert.True(p.ExitCode == 0, $"{tool} {string.Join(' ', args)} failed ({p.ExitCode}): {err}");
        return output.Split('\n')[0].TrimEnd('\r');
    }
}

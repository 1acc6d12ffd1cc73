using PamMySqlNet.CommandLine;
using System.Diagnostics;
using PamMySqlNet.Hashing;
using PamMySqlNet.Options;

namespace PamMySqlNet.Cli.Commands;

/// <summary>
/// Hidden <c>pam-mysql-net bench-verify [--crypt MODE] HASH N</c> (used by build/bench-hash.sh):
/// one untimed verify of the password on stdin (bytes as given), then N timed ones in this
/// process. Prints "result=Match n=N total_ms=... us_per_verify=... cpu_us_per_verify=...": wall
/// time, and the process's CPU time (steadier on a busy machine). Exit 0 if it matched.
/// </summary>
public static class BenchVerifyCommand
{
    public const string Help = "usage: pam-mysql-net bench-verify [--crypt MODE] HASH N   (internal: build/bench-hash.sh)";

    private static double CpuMs() => Environment.CpuUsage.TotalTime.TotalMilliseconds;

    public static int Run(IReadOnlyList<string> args, CliContext io)
    {
        if (!ArgReader.TryParse(args, ["--crypt"], [], out var a, out string error))
            return io.Fail("bench-verify", error);
        if (a.Help)
        {
            io.Stdout.WriteLine(Help);
            return ExitCodes.Ok;
        }
        CryptMode mode = CryptMode.Auto;
        if (a.Positionals.Count != 2 || !int.TryParse(a.Positionals[1], out int n) || n < 1
            || (a.Value("--crypt") is string m && !CryptModeNames.TryParse(m, out mode)))
            return io.Fail("bench-verify", Help);
        string stored = a.Positionals[0];
        byte[] password = io.ReadPassword("Password: ") ?? [];
        VerifyResult first = PasswordVerifier.Verify(mode, password, stored, VerifyOptions.Default);
        double cpu0 = CpuMs();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++)
            PasswordVerifier.Verify(mode, password, stored, VerifyOptions.Default);
        sw.Stop();
        double cpu = CpuMs() - cpu0;
        double ms = sw.Elapsed.TotalMilliseconds;
        io.Stdout.WriteLine(FormattableString.Invariant(
            $"result={first} n={n} total_ms={ms:F1} us_per_verify={ms * 1000 / n:F1} cpu_us_per_verify={cpu * 1000 / n:F1}"));
        return first == VerifyResult.Match ? ExitCodes.Ok : ExitCodes.NoMatch;
    }
}

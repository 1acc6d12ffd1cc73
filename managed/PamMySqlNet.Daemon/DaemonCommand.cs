using PamMySqlNet.CommandLine;
using PamMySqlNet.Helper;

using PamMySqlNet.Interop;
using PamMySqlNet.Logging;
using PamMySqlNet.Options;

namespace PamMySqlNet.Daemon;

/// <summary>`pam-mysql-net daemon [--socket PATH] [--workers N]`: runs the broker in the foreground.</summary>
public static class DaemonCommand
{
    public const string Help =
        """
        usage: pam-mysql-net daemon [--socket PATH] [--workers N]
               pam-mysql-net daemon --status [--socket PATH] [--max N]

        Runs the resident daemon in the foreground: pam_mysql_net.so in root PAM hosts (sshd,
        saslauthd, dovecot, su, ...) then sends its requests here instead of starting the .NET
        runtime in the host (module option broker=auto, the default; broker=required: only here).

          --socket PATH   where to listen (default /run/pam_mysql_net/socket); the directory is
                          created root 0755 if missing, the socket is mode 0600 and removed on exit.
                          Under systemd socket activation (LISTEN_FDS) the passed socket is used.
          --workers N     requests run at the same time, 1-64 (default 8, the connection pool's size)
          --status        do not start a daemon: ask the running one for the addresses and user
                          names it throttles now (failures, back-off step, seconds to the next
                          checked login and to the release, logins refused); root only
          --max N         with --status: list at most N of them, 1-1000 (default 100)

        Runs as root (the module trusts no other daemon) and needs no capabilities. Logs to syslog
        (authpriv). SIGTERM or SIGINT: finish the requests in flight and exit 0. SIGHUP: drop the
        cached pam.d lines, database connections and server states.
        """;

    private const int DefaultWorkers = 8;
    private const int DefaultStatusKeys = 100;
    /// <summary>The exit status of a usage error or a daemon that cannot start (as the CLI's).</summary>
    private const int Usage = 2;

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"pam-mysql-net daemon: {message}");
        return Usage;
    }

    public static int Run(IReadOnlyList<string> args)
    {
        if (!ArgReader.TryParse(args, ["--socket", "--workers", "--max"], ["--status"], out var a, out string error))
            return Fail(error);
        if (a.Help)
        {
            Console.Out.WriteLine(Help);
            return 0;
        }
        if (a.Positionals.Count > 0)
            return Fail($"unexpected argument '{a.Positionals[0]}'");
        int workers = DefaultWorkers;
        if (a.Value("--workers") is { } w && (!int.TryParse(w, out workers) || workers is < 1 or > 64))
            return Fail($"--workers must be a whole number from 1 to 64, not '{w}'");
        string path = a.Value("--socket") ?? ModuleSettings.DefaultBrokerSocket;
        if (a.Flag("--status"))
        {
            int max = DefaultStatusKeys;
            if (a.Value("--workers") is not null)
                return Fail("--workers goes with starting a daemon, not with --status");
            if (a.Value("--max") is { } m && (!int.TryParse(m, out max) || max is < 1 or > StatusFrames.MaxKeys))
                return Fail($"--max must be a whole number from 1 to {StatusFrames.MaxKeys}, not '{m}'");
            return DaemonStatus.Run(path, max, Console.Out, Console.Error);
        }
        if (a.Value("--max") is not null)
            return Fail("--max goes with --status");

        UnixFiles.SetUMask(0x3F); // 077: the socket, and anything else, is the owner's alone
        DaemonLog.Open();
        // The pool runs the driver's timers and the reads of slow requests; it never needs more.
        ThreadPool.SetMaxThreads(16, 16);

        var listener = ListenSocket.FromActivation(out string? activationError)
                       ?? (activationError is null ? ListenSocket.Create(path, out activationError) : null);
        if (listener is null)
        {
            DaemonLog.Write(LogLevel.Err, $"cannot start: {activationError}");
            return Usage;
        }
        uint euid = UnixFiles.EffectiveUid;
        if (euid != 0)
            DaemonLog.Write(LogLevel.Warning, $"running as uid {euid}: PAM hosts will not use this daemon (they trust only root)");
        return new BrokerDaemon(listener, workers).Run();
    }
}

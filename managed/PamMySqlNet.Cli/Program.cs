using PamMySqlNet.Cli.Commands;
using PamMySqlNet.Helper;

// A Linux program: PAM, UNIX sockets, file modes.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace PamMySqlNet.Cli;

/// <summary>pam-mysql-net: admin commands, and the helper that serves forked PAM hosts.</summary>
public static class Program
{
    public const string Help =
        """
        usage: pam-mysql-net COMMAND [OPTIONS]

        Admin commands for pam_mysql_net.so (the PAM module for MySQL/MariaDB user tables).

        commands:
          verify [--crypt MODE] [--use-323-passwd] [--strip-newline] [--user NAME] HASH
                   check the password on stdin against a stored value, as the module would
          hash [--scheme SCHEME] [--rounds N] [--memory KIB] [--keep-newline]
                   print a new stored value (default sha512crypt) for the password on stdin
          check (--service NAME | --pam-line LINE | --config FILE) [--user USER]
                   check options, config file permissions, servers and a user's entry
          test --service NAME --user USER
                   one login through libpam (like pamtester), with the result explained
          daemon [--socket PATH] [--workers N]
                   run the resident daemon that serves the module in root PAM hosts
          daemon --status [--socket PATH] [--max N]
                   list the addresses and user names the running daemon throttles now
          help [COMMAND]
                   this text, or a command's (also: COMMAND --help)

        exit status:
          0  success (verify: the password matches)
          1  verify: the password does not match
          2  usage error, refused input, or (verify) an unusable stored value; one line on stderr

        Passwords are read from stdin (or prompted for without echo on a terminal), never from
        the command line, and never printed. The module itself runs `pam-mysql-net pam-helper`
        in forked PAM hosts; that command is not for interactive use.
        """;

    public static int Main(string[] args)
    {
        // Exactly as before: the shim (native/helper_client.c) runs "pam-mysql-net pam-helper".
        if (args.Length == 1 && args[0] == "pam-helper")
        {
            // The helper often runs under the host's address-space cap (Dovecot, vsftpd): the
            // runtime's threads share the main malloc arena instead of reserving 64 MiB each. The
            // shim also sets MALLOC_ARENA_MAX=1, which glibc ignores in setuid-started helpers.
            _ = Interop.LibCMalloc.MallOpt(Interop.LibCMalloc.ArenaMax, 1);
            return RunHelper();
        }
        return Dispatch(args, CliContext.FromConsole());
    }

    public static int Dispatch(IReadOnlyList<string> args, CliContext io)
    {
        if (args.Count == 0)
        {
            io.Stderr.WriteLine("pam-mysql-net: missing command (verify, hash, check, test, daemon, help); see pam-mysql-net --help");
            return ExitCodes.Usage;
        }
        var rest = args.Skip(1).ToArray();
        try
        {
            switch (args[0])
            {
                case "-h" or "--help":
                    io.Stdout.WriteLine(Help);
                    return ExitCodes.Ok;
                case "help":
                    return HelpFor(rest, io);
                case "verify":
                    return VerifyCommand.Run(rest, io);
                case "hash":
                    return HashCommand.Run(rest, io);
                case "check":
                    return CheckCommand.Run(rest, io);
                case "test":
                    return TestCommand.Run(rest, io);
                case "daemon":
                    return io.Fail("daemon", Interop.DaemonExec.Exec(rest));
                case "bench-verify":
                    return BenchVerifyCommand.Run(rest, io);
                case "pam-helper":
                    io.Stderr.WriteLine("pam-mysql-net pam-helper: takes no arguments (run by pam_mysql_net.so in forked hosts)");
                    return ExitCodes.Usage;
                default:
                    io.Stderr.WriteLine($"pam-mysql-net: unknown command '{args[0]}' (verify, hash, check, test, daemon, help); see pam-mysql-net --help");
                    return ExitCodes.Usage;
            }
        }
        catch (IOException e)
        {
            io.Stderr.WriteLine($"pam-mysql-net {args[0]}: I/O error: {e.Message}");
            return ExitCodes.Usage;
        }
    }

    private static int HelpFor(string[] rest, CliContext io)
    {
        string? text = rest.Length == 0 ? Help : rest[0] switch
        {
            "verify" => VerifyCommand.Help,
            "hash" => HashCommand.Help,
            "check" => CheckCommand.Help,
            "test" => TestCommand.Help,
            "help" => Help,
            _ => null,
        };
        if (rest is ["daemon"])
            return io.Fail("help", Interop.DaemonExec.Exec(["--help"]));
        if (text is null || rest.Length > 1)
        {
            io.Stderr.WriteLine($"pam-mysql-net help: unknown command '{string.Join(' ', rest)}' (verify, hash)");
            return ExitCodes.Usage;
        }
        io.Stdout.WriteLine(text);
        return ExitCodes.Ok;
    }

    /// <summary>The shim talks to us over a socket on fds 0 and 1; exit status mirrors the PAM code.</summary>
    private static int RunHelper()
    {
        using var input = Console.OpenStandardInput();
        using var output = Console.OpenStandardOutput();
        new HelperSession(input, output).Run();
        return 0;
    }
}

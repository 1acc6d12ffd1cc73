using PamMySqlNet.Helper;

namespace PamMySqlNet.Cli;

/// <summary>pam-mysql-net: admin commands, and the helper that serves forked PAM hosts.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 1 && args[0] == "pam-helper")
            return RunHelper();
        Console.Error.WriteLine("usage: pam-mysql-net pam-helper   (run by pam_mysql_net.so in forked hosts)");
        return 2;
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

using PamMySqlNet.CommandLine;
using System.Runtime.InteropServices;
using PamMySqlNet.Cli.Interop;
using PamMySqlNet.Pam;

namespace PamMySqlNet.Cli.Commands;

/// <summary><c>pam-mysql-net test</c>: one real login through libpam, like pamtester, with the
/// result explained.</summary>
public static unsafe class TestCommand
{
    public const string Help =
        """
        usage: pam-mysql-net test --service NAME --user USER [--pam-dir DIR]

        Runs pam_authenticate and pam_acct_mgmt for USER through the PAM service NAME
        (/etc/pam.d/NAME, or DIR/NAME), exactly as a PAM application would, answering password
        prompts with the password read from stdin (prompted for without echo on a terminal;
        one trailing newline is removed). Prints each PAM result with what it means for
        pam_mysql_net; the module's own reason is in the auth log (syslog facility authpriv,
        e.g. journalctl -t pam-mysql-net or /var/log/auth.log), one line per failure.

        exit status: 0 both calls succeeded; 1 a call failed; 2 usage error
        """;

    private static byte[]? _password;

    public static int Run(IReadOnlyList<string> args, CliContext io)
    {
        if (!ArgReader.TryParse(args, ["--service", "--user", "--pam-dir"], [], out var a, out string error))
            return io.Fail("test", error + " (see pam-mysql-net test --help)");
        if (a.Help)
        {
            io.Stdout.WriteLine(Help);
            return ExitCodes.Ok;
        }
        if (a.Value("--service") is not string service || a.Value("--user") is not string user || a.Positionals.Count > 0)
            return io.Fail("test", "give --service NAME and --user USER (see pam-mysql-net test --help)");
        byte[]? password = io.ReadPassword("Password: ");
        if (password is null)
            return io.Fail("test", "no password read");
        if (password.Length > 0 && password[^1] == (byte)'\n')
            password = password[..^1];
        _password = password;
        try
        {
            var conversation = new LibPam.Conversation { Function = &Converse, AppData = null };
            string? dir = a.Value("--pam-dir");
            int rc = dir is null
                ? LibPam.Start(service, user, &conversation, out nint handle)
                : LibPam.StartConfDir(service, user, &conversation, dir, out handle);
            if (rc != 0)
                return io.Fail("test", $"pam_start failed: {Explain(rc)}");
            int auth = LibPam.Authenticate(handle, 0);
            io.Stdout.WriteLine($"pam_authenticate: {Explain(auth)}");
            int acct = auth == 0 ? LibPam.AccountManagement(handle, 0) : -1;
            if (acct >= 0)
                io.Stdout.WriteLine($"pam_acct_mgmt:    {Explain(acct)}");
            _ = LibPam.End(handle, auth == 0 ? acct : auth);
            if (auth != 0 || acct != 0)
                io.Stdout.WriteLine($"the module's reason is in the auth log: lines starting 'pam_mysql_net({service}:'");
            return auth == 0 && acct == 0 ? ExitCodes.Ok : ExitCodes.NoMatch;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(password);
            _password = null;
        }
    }

    /// <summary>A PAM code with what it means when pam_mysql_net returned it.</summary>
    public static string Explain(int code) => $"{(PamCode)code} ({code}) - " + (PamCode)code switch
    {
        PamCode.Success => "accepted",
        PamCode.AuthErr => "refused: wrong password, no stored password, or a stored hash the module cannot use",
        PamCode.UserUnknown => "no such user for the module's query (check table, usercolumn, where)",
        PamCode.AuthInfoUnavail => "no database server answered: down, frozen, wrong credentials or TLS failure",
        PamCode.ServiceErr => "configuration problem: bad option or config file, SQL error, duplicate user rows (pam-mysql-net check explains)",
        PamCode.AcctExpired => "the account has expired (statcolumn bit 0)",
        PamCode.NewAuthTokReqd => "the password has expired and must be changed (statcolumn bit 1)",
        PamCode.PermDenied => "refused by the stack (a module such as pam_deny, or account sufficient with no success)",
        PamCode.ModuleUnknown or PamCode.OpenErr or PamCode.SymbolErr => "a module in the stack could not be loaded",
        PamCode.MaxTries => "too many attempts",
        _ => "see pam(3)",
    };

    [UnmanagedCallersOnly]
    private static int Converse(int count, LibPam.Message** messages, LibPam.Response** responses, void* appData)
    {
        try
        {
            var replies = (LibPam.Response*)NativeMemory.AllocZeroed((nuint)count, (nuint)sizeof(LibPam.Response));
            for (int i = 0; i < count; i++)
            {
                LibPam.Message* m = messages[i];
                if (m->Style is LibPam.PromptEchoOff or LibPam.PromptEchoOn)
                {
                    byte[] secret = _password ?? [];
                    byte* copy = (byte*)NativeMemory.AllocZeroed((nuint)secret.Length + 1);
                    secret.CopyTo(new Span<byte>(copy, secret.Length));
                    replies[i].Text = copy;
                }
                else if (m->Text != null)
                {
                    Console.Error.WriteLine(Marshal.PtrToStringUTF8((nint)m->Text));
                }
            }
            *responses = replies;
            return 0;
        }
        catch
        {
            return (int)PamCode.ConvErr;
        }
    }
}

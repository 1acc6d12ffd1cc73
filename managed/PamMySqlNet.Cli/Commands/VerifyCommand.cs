using PamMySqlNet.CommandLine;
using PamMySqlNet.Hashing;
using PamMySqlNet.Options;

namespace PamMySqlNet.Cli.Commands;

/// <summary><c>pam-mysql-net verify</c>: does the password on stdin match a stored value, as the module would decide?</summary>
public static class VerifyCommand
{
    public const string Help =
        """
        usage: pam-mysql-net verify [--crypt MODE] [--use-323-passwd] [--strip-newline] [--user NAME] HASH

        Checks the password read from stdin against HASH (a stored column value) exactly as
        pam_mysql_net.so would with the same crypt= and use_323_passwd= options.

        The password is every byte of stdin, as given: a trailing newline is part of it unless
        --strip-newline is given (then one trailing "\n" is removed). Use printf '%s' or
        echo -n to pipe a password; on a terminal the password is prompted for without echo.
        Neither the password nor the hash is ever printed.

        options:
          --crypt MODE       0/plain, 1/crypt, 2/mysql, 3/md5, 4/sha1, 5/drupal7, 6/joomla15,
                             7/ssha, 8/sha512, 9/sha256, or auto (default: auto, which detects
                             the scheme from HASH)
          --use-323-passwd   read 16-hex-digit values as MySQL 3.23 OLD_PASSWORD() (crypt=2, auto)
          --strip-newline    remove one trailing newline from the password
          --user NAME        the login name, which a Dovecot {DIGEST-MD5} value hashes in (the
                             module uses the PAM user name); without it such a value is unusable
          -h, --help         this text

        prints "match" or "no match"; exit status:
          0  the password matches
          1  it does not match
          2  HASH is unusable (malformed, or a scheme this version does not support), or a
             usage error; one line on stderr says which
        """;

    public static int Run(IReadOnlyList<string> args, CliContext io)
    {
        if (!ArgReader.TryParse(args, ["--crypt", "--user"], ["--use-323-passwd", "--strip-newline"], out var a, out string error))
            return io.Fail("verify", error + " (see pam-mysql-net verify --help)");
        if (a.Help)
        {
            io.Stdout.WriteLine(Help);
            return ExitCodes.Ok;
        }
        if (a.Positionals.Count != 1)
            return io.Fail("verify", a.Positionals.Count == 0
                ? "missing HASH (see pam-mysql-net verify --help)"
                : "expected exactly one HASH argument (quote it: it may contain '$')");
        CryptMode mode = CryptMode.Auto;
        if (a.Value("--crypt") is string m && !CryptModeNames.TryParse(m, out mode))
            return io.Fail("verify", $"unknown crypt mode '{m}' (0-9, plain, crypt, mysql, md5, sha1, drupal7, joomla15, ssha, sha512, sha256, auto)");
        string stored = a.Positionals[0];
        var options = new VerifyOptions { Use323Passwd = a.Flag("--use-323-passwd"), UserName = a.Value("--user") };

        byte[]? password = io.ReadPassword("Password: ");
        if (password is null)
            return io.Fail("verify", $"no password read (stdin over {CliContext.MaxPasswordBytes} bytes, or end of input)");
        try
        {
            int length = password.Length;
            if (a.Flag("--strip-newline") && length > 0 && password[length - 1] == (byte)'\n')
                length--;
            VerifyResult result = PasswordVerifier.Verify(mode, password.AsSpan(0, length), stored, options);
            switch (result)
            {
                case VerifyResult.Match:
                    io.Stdout.WriteLine("match");
                    return ExitCodes.Ok;
                case VerifyResult.NoMatch:
                    io.Stdout.WriteLine("no match");
                    return ExitCodes.NoMatch;
                case VerifyResult.Unsupported:
                    return io.Fail("verify", $"unusable hash: scheme not supported with crypt={CryptModeNames.Name(mode)}");
                default:
                    return io.Fail("verify", $"unusable hash: malformed for crypt={CryptModeNames.Name(mode)}"
                                              + (stored.Length == 0 ? " (empty)" : ""));
            }
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(password);
        }
    }
}

using PamMySqlNet.CommandLine;
using PamMySqlNet.Hashing;

namespace PamMySqlNet.Cli.Commands;

/// <summary><c>pam-mysql-net hash</c>: a new stored value for the password on stdin.</summary>
public static class HashCommand
{
    public const string Help =
        """
        usage: pam-mysql-net hash [--scheme SCHEME] [--rounds N] [--memory KIB] [--keep-newline]

        Reads a password from stdin and prints a new stored value for it (fresh random salt),
        ready for the password column. crypt=1 reads md5crypt, sha256crypt, sha512crypt and
        bcrypt values; crypt=auto reads all five.

        Like mkpasswd --stdin, ONE trailing newline is removed from stdin by default, so that
        `echo 'secret' | pam-mysql-net hash` hashes "secret". --keep-newline hashes the bytes
        exactly as given. A password that is empty, contains a NUL byte (PAM cannot pass one) or
        still contains a line break is refused. On a terminal the password is prompted for twice,
        without echo.

        options:
          --scheme SCHEME  sha512crypt (default), sha256crypt, md5crypt, bcrypt, argon2id
          --rounds N       sha-crypt rounds 1000..1000000 (default 5000, not written out);
                           bcrypt cost 4..14 (default 12); argon2id passes t 1..16 (default 3);
                           not allowed for md5crypt (fixed 1000 rounds)
          --memory KIB     argon2id memory in KiB, 8..65536 (default 65536 = 64 MiB)
          --keep-newline   hash stdin byte for byte (no newline removed)
          --strip-newline  the default; accepted for symmetry with verify
          -h, --help       this text

        exit status: 0 printed a value; 2 usage error or refused password (one line on stderr)
        """;

    public static int Run(IReadOnlyList<string> args, CliContext io)
    {
        if (!ArgReader.TryParse(args, ["--scheme", "--rounds", "--memory"], ["--keep-newline", "--strip-newline"],
                out var a, out string error))
            return io.Fail("hash", error + " (see pam-mysql-net hash --help)");
        if (a.Help)
        {
            io.Stdout.WriteLine(Help);
            return ExitCodes.Ok;
        }
        if (a.Positionals.Count != 0)
            return io.Fail("hash", "unexpected argument (the password is read from stdin, never from the command line)");
        if (a.Flag("--keep-newline") && a.Flag("--strip-newline"))
            return io.Fail("hash", "--keep-newline and --strip-newline contradict each other");
        if (!TryScheme(a.Value("--scheme") ?? "sha512crypt", out var scheme))
            return io.Fail("hash", $"unknown scheme '{a.Value("--scheme")}' (md5crypt, sha256crypt, sha512crypt, bcrypt, argon2id)");
        int? rounds = null, memory = null;
        if (a.Value("--rounds") is string rs)
        {
            if (!TryInt(rs, out int r))
                return io.Fail("hash", $"--rounds must be a number, not '{rs}'");
            var (min, max) = scheme switch
            {
                PasswordHashScheme.Md5Crypt => (0, -1),
                PasswordHashScheme.BCrypt => (BCrypt.MinCost, BCrypt.MaxCost),
                PasswordHashScheme.Argon2id => (1, Argon2.MaxIterations),
                _ => (ShaCrypt.MinRounds, ShaCrypt.MaxRounds),
            };
            if (max < 0)
                return io.Fail("hash", "md5crypt has a fixed round count; --rounds is not allowed");
            if (r < min || r > max)
                return io.Fail("hash", $"--rounds for {SchemeName(scheme)} must be {min}..{max}");
            rounds = r;
        }
        if (a.Value("--memory") is string ms)
        {
            if (scheme != PasswordHashScheme.Argon2id)
                return io.Fail("hash", "--memory is only for argon2id");
            if (!TryInt(ms, out int mk) || mk < 8 || mk > Argon2.MaxMemoryKiB)
                return io.Fail("hash", $"--memory must be 8..{Argon2.MaxMemoryKiB} KiB");
            memory = mk;
        }

        byte[]? password = ReadNewPassword(io);
        if (password is null)
            return ExitCodes.Usage; // ReadNewPassword wrote the line
        try
        {
            int length = password.Length;
            if (!io.Interactive && !a.Flag("--keep-newline") && length > 0 && password[length - 1] == (byte)'\n')
                length--;
            ReadOnlySpan<byte> pw = password.AsSpan(0, length);
            if (pw.IsEmpty)
                return io.Fail("hash", "empty password refused");
            if (pw.IndexOf((byte)0) >= 0)
                return io.Fail("hash", "password contains a NUL byte, which PAM can never pass; refused");
            if (!a.Flag("--keep-newline") && pw.IndexOfAny((byte)'\n', (byte)'\r') >= 0)
                return io.Fail("hash", "password contains a line break (more than one line on stdin?); use --keep-newline to hash it anyway");
            string stored = memory is int mem
                ? PasswordHasher.HashArgon2id(pw, mem, rounds ?? PasswordHasher.DefaultArgon2Iterations)
                : PasswordHasher.Hash(scheme, pw, rounds);
            io.Stdout.WriteLine(stored);
            return ExitCodes.Ok;
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(password);
        }
    }

    private static byte[]? ReadNewPassword(CliContext io)
    {
        byte[]? first = io.ReadPassword("New password: ");
        if (first is null)
        {
            io.Fail("hash", $"no password read (stdin over {CliContext.MaxPasswordBytes} bytes, or end of input)");
            return null;
        }
        if (!io.Interactive)
            return first;
        byte[]? again = io.ReadPassword("Retype new password: ");
        bool same = again is not null && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(first, again);
        if (again is not null)
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(again);
        if (same)
            return first;
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(first);
        io.Fail("hash", "the passwords differ");
        return null;
    }

    public static bool TryScheme(string name, out PasswordHashScheme scheme)
    {
        switch (name.ToLowerInvariant())
        {
            case "md5crypt": scheme = PasswordHashScheme.Md5Crypt; return true;
            case "sha256crypt": scheme = PasswordHashScheme.Sha256Crypt; return true;
            case "sha512crypt": scheme = PasswordHashScheme.Sha512Crypt; return true;
            case "bcrypt": scheme = PasswordHashScheme.BCrypt; return true;
            case "argon2id": scheme = PasswordHashScheme.Argon2id; return true;
            default: scheme = default; return false;
        }
    }

    private static string SchemeName(PasswordHashScheme s) => s.ToString().ToLowerInvariant();

    private static bool TryInt(string s, out int value) =>
        int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value);
}

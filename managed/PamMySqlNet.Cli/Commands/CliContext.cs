using System.Text;

namespace PamMySqlNet.Cli.Commands;

/// <summary>What a command talks to: stdin as bytes, stdout, stderr, and whether stdin is a terminal.</summary>
public sealed class CliContext
{
    /// <summary>The most password bytes a command reads (PAM itself allows 512 per response).</summary>
    public const int MaxPasswordBytes = 64 * 1024;

    public required Stream Stdin { get; init; }
    public required TextWriter Stdout { get; init; }
    public required TextWriter Stderr { get; init; }
    /// <summary>True when stdin is a terminal: prompt on stderr and read without echo.</summary>
    public bool Interactive { get; init; }
    /// <summary>Reads one line without echo (only used when <see cref="Interactive"/>).</summary>
    public Func<string, string?>? ReadSecretLine { get; init; }

    public static CliContext FromConsole() => new()
    {
        Stdin = Console.OpenStandardInput(),
        Stdout = Console.Out,
        Stderr = Console.Error,
        Interactive = !Console.IsInputRedirected,
        ReadSecretLine = ReadWithoutEcho,
    };

    /// <summary>One error line, "pam-mysql-net COMMAND: message", and the usage exit code.</summary>
    public int Fail(string command, string message)
    {
        Stderr.WriteLine($"pam-mysql-net {command}: {message}");
        return ExitCodes.Usage;
    }

    /// <summary>
    /// All of stdin, byte for byte (at most <see cref="MaxPasswordBytes"/>); null if longer.
    /// On a terminal: a prompt on stderr and one line read without echo, without its newline.
    /// </summary>
    public byte[]? ReadPassword(string prompt)
    {
        if (Interactive && ReadSecretLine is not null)
        {
            string? line = ReadSecretLine(prompt);
            return line is null ? null : Encoding.UTF8.GetBytes(line);
        }
        var buffer = new MemoryStream();
        byte[] chunk = new byte[4096];
        int n;
        while ((n = Stdin.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + n > MaxPasswordBytes)
            {
                System.Security.Cryptography.CryptographicOperations.ZeroMemory(buffer.GetBuffer());
                return null;
            }
            buffer.Write(chunk, 0, n);
        }
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(chunk);
        return buffer.ToArray();
    }

    private static string? ReadWithoutEcho(string prompt)
    {
        Console.Error.Write(prompt);
        var sb = new StringBuilder();
        while (true)
        {
            ConsoleKeyInfo key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
                break;
            if (key.Key == ConsoleKey.Backspace)
            {
                if (sb.Length > 0)
                    sb.Length--;
                continue;
            }
            if (key.KeyChar == '\u0004' && sb.Length == 0) // Ctrl-D on an empty line
            {
                Console.Error.WriteLine();
                return null;
            }
            if (key.KeyChar != '\0')
                sb.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return sb.ToString();
    }
}

/// <summary>The exit codes of every command (documented in --help).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int NoMatch = 1;
    public const int Usage = 2;
}

namespace PamMySqlNet.Logging;

/// <summary>syslog priorities used by the module (values of syslog.h).</summary>
public enum LogLevel
{
    Err = 3,
    Warning = 4,
    Notice = 5,
    Info = 6,
    Debug = 7,
}

/// <summary>
/// Where the module's log lines go: pam_syslog in the PAM host, a pipe in the fork helper,
/// a list in unit tests. Callers never pass a password, a hash or the DB password.
/// </summary>
public interface IModuleLog
{
    void Write(LogLevel level, string message);
}

/// <summary>A log that keeps its lines; for tests and the CLI.</summary>
public sealed class ListLog : IModuleLog
{
    private readonly List<(LogLevel Level, string Message)> _lines = new();
    public IReadOnlyList<(LogLevel Level, string Message)> Lines => _lines;
    public void Write(LogLevel level, string message) => _lines.Add((level, message));
}

using System.Collections.Concurrent;

namespace PamMySqlNet.Logging;

/// <summary>
/// Warnings about the configuration itself (not about one login), written once per process: a
/// long-lived host (saslauthd, dovecot) logs them when it first uses the setting, not on every login.
/// </summary>
public static class OncePerProcess
{
    /// <summary>More distinct warnings than this (config files edited in a loop?): start over.</summary>
    private const int MaxRemembered = 256;

    private static readonly ConcurrentDictionary<string, byte> Written = new(StringComparer.Ordinal);

    /// <summary>Forgets what was written, so that each line is written again once (the daemon's SIGHUP).</summary>
    public static void Forget() => Written.Clear();

    /// <returns>True when the line was written now, false when this process already wrote it.</returns>
    /// <summary>True the first time <paramref name="key"/> is seen in this process.</summary>
    public static bool First(string key)
    {
        if (Written.Count >= MaxRemembered)
            Written.Clear();
        return Written.TryAdd(key, 0);
    }

    /// <summary>Writes the line unless this process already wrote the same one.</summary>
    public static bool Write(IModuleLog log, LogLevel level, string message)
    {
        if (!First(message))
            return false;
        log.Write(level, message);
        return true;
    }

    public static bool Warn(IModuleLog log, string message) => Write(log, LogLevel.Warning, message);
}

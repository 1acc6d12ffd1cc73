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

    /// <returns>True when the line was written now, false when this process already wrote it.</returns>
    public static bool Warn(IModuleLog log, string message)
    {
        if (Written.Count >= MaxRemembered)
            Written.Clear();
        if (!Written.TryAdd(message, 0))
            return false;
        log.Write(LogLevel.Warning, message);
        return true;
    }
}

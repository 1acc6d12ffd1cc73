using PamMySqlNet.Logging;

namespace PamMySqlNet.Auth;

/// <summary>
/// Whether throttle_table is used now, per process. A statement on it that fails (no server, a
/// missing table or column, no privilege, a frozen server past query_timeout) turns it off for
/// <see cref="PauseSeconds"/> with one warning; logins go on, counted in memory, meanwhile.
/// </summary>
public static class ThrottleTableHealth
{
    public const int PauseSeconds = 30;

    /// <summary>Environment.TickCount64 until which the table is not used.</summary>
    private static long _pausedUntil = long.MinValue;

    public static bool Usable => Environment.TickCount64 >= Volatile.Read(ref _pausedUntil);

    /// <summary>Pauses the table; the first caller of a pause writes the one line.</summary>
    public static void Failed(string table, string detail, IModuleLog log)
    {
        long now = Environment.TickCount64;
        long paused = Volatile.Read(ref _pausedUntil);
        if (now < paused || Interlocked.CompareExchange(ref _pausedUntil, now + PauseSeconds * 1000L, paused) != paused)
            return;
        log.Write(LogLevel.Warning,
            $"throttle_table {LogText.Printable(table, maxRunes: 100)} unusable: {detail}; failed logins are counted in memory only for {PauseSeconds} s");
    }

    /// <summary>Uses the table again at once (the daemon's SIGHUP, tests).</summary>
    public static void Forget() => Volatile.Write(ref _pausedUntil, long.MinValue);
}

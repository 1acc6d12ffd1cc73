using PamMySqlNet.Options;

namespace PamMySqlNet.Auth;

/// <summary>
/// The throttle options of one pam.d line: how many failed logins within the window throttle a
/// remote address or a user name, and the back-off that follows. The counters themselves are
/// process-wide (<see cref="Throttle"/>); each request applies its own line's policy to them.
/// </summary>
public sealed record ThrottlePolicy
{
    public bool Enabled { get; init; } = true;
    /// <summary>Failed logins from one address (IPv6: one /64) within the window that throttle it.</summary>
    public int AddressAttempts { get; init; } = 5;
    /// <summary>Failed logins for one user name, from anywhere, within the window; 0 = not counted.</summary>
    public int UserAttempts { get; init; } = 20;
    /// <summary>The sliding window, and how long after its last failure a throttled key is kept.</summary>
    public int WindowSeconds { get; init; } = 300;
    /// <summary>The longest back-off; the steps double from 2 s up to it (Dovecot's auth penalty).</summary>
    public int MaxBackoffSeconds { get; init; } = 60;
    /// <summary>Addresses that are never counted nor throttled.</summary>
    public IReadOnlyList<NetworkRange> Trusted { get; init; } = DefaultTrusted;
    /// <summary>throttle_table: the table the counters are shared in by several servers; null = none.</summary>
    public string? Table { get; init; }

    public const string DefaultTrustedText = "127.0.0.0/8,::1";
    public static readonly IReadOnlyList<NetworkRange> DefaultTrusted = NetworkRange.ParseList(DefaultTrustedText);

    public const int FirstBackoffSeconds = 2;

    /// <summary>The back-off of step 1, 2, 3 …: 2, 4, 8, 16 … seconds, at most MaxBackoffSeconds
    /// (with throttle_max_backoff=15 exactly Dovecot's 2, 4, 8, 15).</summary>
    public long BackoffMilliseconds(int step)
    {
        long seconds = FirstBackoffSeconds;
        for (int i = 1; i < step && seconds < MaxBackoffSeconds; i++)
            seconds *= 2;
        return Math.Min(seconds, MaxBackoffSeconds) * 1000L;
    }

    /// <summary>One line for pam-mysql-net check.</summary>
    public string Describe() => !Enabled
        ? "off"
        : $"on: an address after {AddressAttempts} failed logins within {WindowSeconds} s"
          + (UserAttempts > 0 ? $", a user name after {UserAttempts}" : ", user names not counted")
          + $"; back-off 2 s doubling to {MaxBackoffSeconds} s; trusted: "
          + (Trusted.Count == 0 ? "none" : string.Join(",", Trusted))
          + (Table is null ? "; counted in this process only (no throttle_table)" : $"; shared through the table {Table}");
}

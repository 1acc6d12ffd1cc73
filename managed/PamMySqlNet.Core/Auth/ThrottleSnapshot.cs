namespace PamMySqlNet.Auth;

/// <summary>One throttled key as `pam-mysql-net daemon --status` shows it.</summary>
/// <param name="Failures">Failures counted for it since it was first seen.</param>
/// <param name="Step">Its back-off step (1: the first, 2 s).</param>
/// <param name="BackoffMs">Until the next login from it is checked; 0: the next one is.</param>
/// <param name="ReleaseMs">Until it is released if no login fails meanwhile (a success releases it at once).</param>
/// <param name="Refused">Logins refused without a check since it became throttled.</param>
public sealed record ThrottledKey(string Key, int Failures, int Step, long BackoffMs, long ReleaseMs, int Refused);

/// <summary>The counters of a process at one moment: the keys tracked, the throttled ones, and
/// the first of those (bounded).</summary>
public sealed record ThrottleSnapshot(int Tracked, int Throttled, IReadOnlyList<ThrottledKey> Keys);

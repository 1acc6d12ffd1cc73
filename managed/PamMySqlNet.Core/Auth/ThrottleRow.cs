namespace PamMySqlNet.Auth;

/// <summary>
/// One key's row in throttle_table, as read (<see cref="Sql.ThrottleQueries"/> writes it): the
/// failures in its window, when the window started and when the last failure was, in
/// milliseconds since the epoch. What the reader does with it follows the in-memory rules with the
/// reader's own policy: throttled from <paramref name="Failures"/> ≥ the threshold on, for the
/// back-off of step failures − threshold + 1 (each checked failure after the threshold is one
/// more step) counted from the last failure.
/// </summary>
public sealed record ThrottleRow(string Key, int Failures, long WindowStart, long LastFailure)
{
    /// <summary>Milliseconds this key is still refused for at <paramref name="now"/>; 0 = admitted.</summary>
    public long RefusedForMs(ThrottlePolicy policy, int threshold, long now)
    {
        if (threshold <= 0 || Failures < threshold || Stale(policy, threshold, now))
            return 0;
        long until = LastFailure + policy.BackoffMilliseconds(Step(threshold));
        return Math.Max(0, until - now);
    }

    /// <summary>The back-off step this row is in: 1 at the threshold.</summary>
    public int Step(int threshold) => Math.Max(1, Failures - threshold + 1);

    /// <summary>The row's next failure would start a new window: it counts for nothing now (the
    /// same test as the UPSERT's). A throttled row goes stale only a whole window after its last failure.</summary>
    public bool Stale(ThrottlePolicy policy, int threshold, long now)
    {
        long window = policy.WindowSeconds * 1000L;
        return WindowStart <= now - window && (Failures < threshold || LastFailure <= now - window);
    }
}

using PamMySqlNet.Options;

namespace PamMySqlNet.Data;

/// <summary>
/// Per-process memory of database servers that recently failed (connect refused or timed out,
/// connection lost, server shutting down), and the order in which a login tries the servers.
/// A failed server is "backed off" for <c>failover_backoff</c> seconds: later logins try it only
/// after every other server, so a dead primary costs one failed attempt per process per back-off,
/// not one per login. No timers or threads: a timestamp is compared when the order is asked for.
/// Thread-safe (one lock around a small dictionary). State lives in this process only: a forked
/// child never runs managed code (the shim sends it to the helper), so nothing here crosses fork.
/// </summary>
public sealed class ServerHealth
{
    /// <summary>The process-wide instance the MySQL store uses (monotonic milliseconds).</summary>
    public static readonly ServerHealth Shared = new(() => Environment.TickCount64);

    private readonly Func<long> _nowMs;
    private readonly object _lock = new();
    private readonly Dictionary<DbEndpoint, long> _downUntilMs = new();
    private long _turn = -1;

    /// <summary>Forgets every failure (the daemon's SIGHUP).</summary>
    public void Forget()
    {
        lock (_lock)
            _downUntilMs.Clear();
    }

    /// <param name="nowMs">A monotonic clock in milliseconds (injected by the unit tests).</param>
    public ServerHealth(Func<long> nowMs) => _nowMs = nowMs;

    /// <summary>
    /// The servers to try, in order: those not backed off (in the configured order, or rotated one
    /// step per call for round-robin), then the backed-off ones, the one whose back-off ends
    /// first leading. Every configured server appears exactly once: a backed-off server is still
    /// tried when all the others fail.
    /// </summary>
    public IReadOnlyList<DbEndpoint> Order(IReadOnlyList<DbEndpoint> hosts, HostOrder order)
    {
        if (hosts.Count <= 1 && order == HostOrder.Ordered)
            return hosts;
        long now = _nowMs();
        var up = new List<DbEndpoint>(hosts.Count);
        List<(DbEndpoint Endpoint, long Until, int Index)>? down = null;
        lock (_lock)
        {
            for (int i = 0; i < hosts.Count; i++)
            {
                var endpoint = hosts[i];
                if (_downUntilMs.TryGetValue(endpoint, out long until))
                {
                    if (until > now)
                    {
                        (down ??= new()).Add((endpoint, until, i));
                        continue;
                    }
                    // Back-off over: the server gets its normal place again; a new failure marks it anew.
                    _downUntilMs.Remove(endpoint);
                }
                up.Add(endpoint);
            }
        }
        if (order == HostOrder.RoundRobin && up.Count > 1)
        {
            int start = (int)((ulong)Interlocked.Increment(ref _turn) % (ulong)up.Count);
            if (start != 0)
                up = [.. up.Skip(start), .. up.Take(start)];
        }
        if (down is not null)
        {
            down.Sort((a, b) => a.Until != b.Until ? a.Until.CompareTo(b.Until) : a.Index.CompareTo(b.Index));
            foreach (var d in down)
                up.Add(d.Endpoint);
        }
        return up;
    }

    /// <summary>Backs <paramref name="endpoint"/> off for <paramref name="backoffSeconds"/> (0: never).</summary>
    public void Failed(DbEndpoint endpoint, int backoffSeconds)
    {
        if (backoffSeconds <= 0)
            return;
        long until = _nowMs() + backoffSeconds * 1000L;
        lock (_lock)
            _downUntilMs[endpoint] = until;
    }

    /// <summary>The server answered: it is no longer backed off.</summary>
    public void Succeeded(DbEndpoint endpoint)
    {
        lock (_lock)
        {
            if (_downUntilMs.Count != 0)
                _downUntilMs.Remove(endpoint);
        }
    }

    /// <summary>True while <paramref name="endpoint"/> is backed off (for tests and diagnostics).</summary>
    public bool IsBackedOff(DbEndpoint endpoint)
    {
        lock (_lock)
            return _downUntilMs.TryGetValue(endpoint, out long until) && until > _nowMs();
    }
}

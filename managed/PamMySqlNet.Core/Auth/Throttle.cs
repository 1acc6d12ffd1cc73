using PamMySqlNet.Logging;

namespace PamMySqlNet.Auth;

/// <summary>
/// Failed-login counters per remote address and per user name, in a sliding window. A key with
/// <c>attempts</c> failures within the window is throttled: its requests are refused at once,
/// without a database query or a hash, for a back-off of 2 s; after each back-off one request is
/// checked again (and the next, doubled, back-off starts with it), until a success clears the key
/// or a whole window passes without a failure. Process-wide and thread-safe (one lock: the work
/// under it is a few dictionary operations); in the daemon one instance sees every host.
/// </summary>
/// <remarks>Memory is bounded: at most <see cref="Capacity"/> keys; a new key beyond that forgets
/// the least recently used one. Time comes from an injectable monotonic clock (milliseconds).</remarks>
public sealed class Throttle(Func<long> clock, int capacity = Throttle.DefaultCapacity)
{
    /// <summary>About 2–3 MB at most; an attacker needs that many addresses (IPv6: /64s) or names
    /// within the window to push an active key out.</summary>
    public const int DefaultCapacity = 8192;

    /// <summary>The counters of this process (of every host, in the daemon).</summary>
    public static readonly Throttle Shared = new(() => Environment.TickCount64);

    /// <summary>Expired keys looked at (and dropped) per call, oldest first.</summary>
    private const int SweepPerCall = 2;

    private sealed class Entry(string key)
    {
        public readonly string Key = key;
        /// <summary>Times of the latest failures within the window, oldest first, at most attempts.</summary>
        public readonly Queue<long> Failures = new();
        /// <summary>0 = counting; 1, 2, … = throttled, in its n-th back-off.</summary>
        public int Step;
        public long BlockedUntil;
        public long LastFailure;
        public long WindowMs;
        public int Refused;
        /// <summary>Failures counted since the key was first seen (or, adopted, as throttle_table said).</summary>
        public int Counted;
    }

    private readonly object _lock = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    /// <summary>Least recently used first.</summary>
    private readonly LinkedList<Entry> _byUse = new();

    public int Capacity { get; } = capacity;

    public int Count
    {
        get { lock (_lock) return _entries.Count; }
    }

    /// <summary>True when the request may be checked; false when its address or user name is
    /// throttled (refuse it without a check). A throttled key past its back-off admits this one
    /// request, and its next back-off starts now: one checked guess per back-off, however many
    /// requests arrive together.</summary>
    public bool Admit(ThrottlePolicy policy, string? addressKey, string? userKey, IModuleLog log)
    {
        long now = clock();
        lock (_lock)
        {
            Sweep(now, log);
            var address = Current(addressKey, now, log);
            var user = policy.UserAttempts > 0 ? Current(userKey, now, log) : null;
            foreach (var e in new[] { address, user })
            {
                if (e is { Step: > 0 } && now < e.BlockedUntil)
                {
                    e.Refused++;
                    return false;
                }
            }
            foreach (var e in new[] { address, user })
            {
                if (e is { Step: > 0 })
                {
                    e.Step++;
                    e.BlockedUntil = now + policy.BackoffMilliseconds(e.Step);
                }
            }
            return true;
        }
    }

    /// <summary>A checked login failed (wrong password, unknown user).</summary>
    public void Failed(ThrottlePolicy policy, string? addressKey, string? userKey, IModuleLog log)
    {
        long now = clock();
        lock (_lock)
        {
            Sweep(now, log);
            if (addressKey is not null)
                Record(policy, addressKey, policy.AddressAttempts, now, log);
            if (userKey is not null && policy.UserAttempts > 0)
                Record(policy, userKey, policy.UserAttempts, now, log);
        }
    }

    /// <summary>A checked login succeeded: its address and its user name start afresh.</summary>
    public void Succeeded(string? addressKey, string? userKey, IModuleLog log)
    {
        lock (_lock)
        {
            foreach (var key in new[] { addressKey, userKey })
            {
                if (key is not null && _entries.TryGetValue(key, out var node))
                    Drop(node, log, "after a successful login");
            }
        }
    }

    /// <summary>Another server counted this key throttled (throttle_table, <see cref="SharedCounters"/>):
    /// it is refused here too for <paramref name="refusedForMs"/>, then in memory as if this process
    /// had counted it; this request is one of the refused.</summary>
    public void Adopt(ThrottlePolicy policy, string key, int step, int failures, long refusedForMs, long lastFailureAgoMs,
        string table, IModuleLog log)
    {
        long now = clock();
        lock (_lock)
        {
            Sweep(now, log);
            var e = GetOrAdd(key, log);
            e.WindowMs = policy.WindowSeconds * 1000L;
            e.LastFailure = Math.Max(e.LastFailure, now - lastFailureAgoMs);
            if (e.Step == 0)
            {
                e.Refused = 0;
                log.Write(LogLevel.Warning,
                    $"throttling {Label(key)}: {failures} failed login(s) counted in throttle_table {Label(table)} by the servers that share it; " +
                    $"refused without a check for {refusedForMs / 1000.0:0.#} s, then one check per back-off");
            }
            e.Step = Math.Max(e.Step, step);
            e.Counted = Math.Max(e.Counted, failures);
            e.BlockedUntil = Math.Max(e.BlockedUntil, now + refusedForMs);
            e.Refused++;
        }
    }

    /// <summary>The keys throttled now, most recently seen first, at most <paramref name="max"/>;
    /// a key whose release is due but not yet noticed is not among them. Read-only.</summary>
    public ThrottleSnapshot Snapshot(int max)
    {
        long now = clock();
        var list = new List<ThrottledKey>(Math.Min(max, 64));
        int throttled = 0;
        lock (_lock)
        {
            for (var node = _byUse.Last; node is not null; node = node.Previous)
            {
                var e = node.Value;
                if (e.Step == 0 || Expired(e, now))
                    continue;
                throttled++;
                if (list.Count < max)
                    list.Add(new ThrottledKey(e.Key, e.Counted, e.Step, Math.Max(0, e.BlockedUntil - now),
                        Math.Max(e.BlockedUntil, e.LastFailure + e.WindowMs) - now, e.Refused));
            }
            return new ThrottleSnapshot(_entries.Count, throttled, list);
        }
    }

    /// <summary>Forgets every key (tests).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
            _byUse.Clear();
        }
    }

    private void Record(ThrottlePolicy policy, string key, int attempts, long now, IModuleLog log)
    {
        var e = GetOrAdd(key, log);
        e.WindowMs = policy.WindowSeconds * 1000L;
        Prune(e, now);
        e.Failures.Enqueue(now);
        e.Counted = Math.Min(e.Counted + 1, int.MaxValue - 1);
        while (e.Failures.Count > attempts)
            e.Failures.Dequeue();
        e.LastFailure = now;
        if (e.Step == 0 && e.Failures.Count >= attempts)
        {
            e.Step = 1;
            e.BlockedUntil = now + policy.BackoffMilliseconds(1);
            e.Refused = 0;
            log.Write(LogLevel.Warning,
                $"throttling {Label(key)}: {attempts} failed login(s) within {policy.WindowSeconds} s; " +
                $"refused without a check for {policy.BackoffMilliseconds(1) / 1000.0:0.#} s, then one check per back-off " +
                $"(doubling up to {policy.MaxBackoffSeconds} s) until a success or {policy.WindowSeconds} s without a failure");
        }
        else if (e.Step > 0)
        {
            // The admitted check failed: its back-off runs from now (the check itself took time).
            e.BlockedUntil = Math.Max(e.BlockedUntil, now + policy.BackoffMilliseconds(e.Step));
        }
    }

    /// <summary>The key's entry, or null when there is none or it has just expired (dropped).</summary>
    private Entry? Current(string? key, long now, IModuleLog log)
    {
        if (key is null || !_entries.TryGetValue(key, out var node))
            return null;
        if (Expired(node.Value, now))
        {
            Drop(node, log, $"after {node.Value.WindowMs / 1000} s without a failed login");
            return null;
        }
        Touch(node);
        return node.Value;
    }

    private static bool Expired(Entry e, long now)
    {
        if (e.Step > 0)
            return now >= e.BlockedUntil && now - e.LastFailure >= e.WindowMs;
        Prune(e, now);
        return e.Failures.Count == 0;
    }

    private static void Prune(Entry e, long now)
    {
        while (e.Failures.Count > 0 && now - e.Failures.Peek() >= e.WindowMs)
            e.Failures.Dequeue();
    }

    private void Sweep(long now, IModuleLog log)
    {
        for (int i = 0; i < SweepPerCall && _byUse.First is { } oldest && Expired(oldest.Value, now); i++)
            Drop(oldest, log, $"after {oldest.Value.WindowMs / 1000} s without a failed login");
    }

    private Entry GetOrAdd(string key, IModuleLog log)
    {
        if (_entries.TryGetValue(key, out var node))
        {
            Touch(node);
            return node.Value;
        }
        while (_entries.Count >= Capacity && _byUse.First is { } oldest)
            Drop(oldest, log, $"early: more than {Capacity} addresses and names are tracked, and it was the least recently seen");
        node = _byUse.AddLast(new Entry(key));
        _entries.Add(key, node);
        return node.Value;
    }

    private void Touch(LinkedListNode<Entry> node)
    {
        if (node != _byUse.Last)
        {
            _byUse.Remove(node);
            _byUse.AddLast(node);
        }
    }

    private void Drop(LinkedListNode<Entry> node, IModuleLog log, string why)
    {
        _byUse.Remove(node);
        _entries.Remove(node.Value.Key);
        if (node.Value.Step > 0)
            log.Write(LogLevel.Notice, $"no longer throttling {Label(node.Value.Key)} {why} ({node.Value.Refused} attempt(s) refused while throttled)");
    }

    private static string Label(string key) => LogText.Printable(key, maxRunes: 100, escapeQuotes: true);
}

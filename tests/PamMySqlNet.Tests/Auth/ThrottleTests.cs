namespace PamMySqlNet.Tests.Auth;

/// <summary>The counters (<see cref="Throttle"/>) on a clock the test moves: threshold, sliding
/// window, back-off growth and cap, one check per back-off, release, success, eviction, threads.</summary>
public class ThrottleTests
{
    private long _now = 1_000_000;
    private readonly ListLog _log = new();
    private static readonly ThrottlePolicy Policy = new() { AddressAttempts = 3, UserAttempts = 5, WindowSeconds = 60, MaxBackoffSeconds = 15 };
    private const string A = "address 192.0.2.7", B = "address 198.51.100.1";

    private Throttle NewThrottle(int capacity = Throttle.DefaultCapacity) => new(() => _now, capacity);
    private void Wait(double seconds) => _now += (long)(seconds * 1000);
    private static string User(string name) => ThrottleKeys.ForUser(name);

    /// <summary>Admits, then records a failure: one checked wrong guess. False when refused.</summary>
    private bool Guess(Throttle t, string? address, string user = "bob")
    {
        if (!t.Admit(Policy, address, User(user), _log))
            return false;
        t.Failed(Policy, address, User(user), _log);
        return true;
    }

    private int Lines(string text) => _log.Lines.Count(l => l.Message.Contains(text));

    [Fact]
    public void ThrottlesAnAddressAtTheThresholdAndNotBefore()
    {
        var t = NewThrottle();
        Assert.True(Guess(t, A));
        Assert.True(Guess(t, A));
        Assert.Equal(0, Lines("throttling"));
        Assert.True(Guess(t, A, "carol"));            // the third failure, another user: the address counts
        Assert.False(t.Admit(Policy, A, User("dave"), _log));
        Assert.Equal(1, Lines("throttling address 192.0.2.7"));
        Assert.True(t.Admit(Policy, B, User("dave"), _log)); // another address is not affected
    }

    [Fact]
    public void TheWindowSlides()
    {
        var t = NewThrottle();
        Guess(t, A);
        Wait(40);
        Guess(t, A);
        Wait(21);                                       // the first failure is now 61 s old
        Guess(t, A);
        Assert.True(t.Admit(Policy, A, User("bob"), _log));
        Assert.Equal(0, Lines("throttling"));
        t.Failed(Policy, A, User("bob"), _log);         // 3 within 60 s: 21 s, 0 s and now
        Assert.False(t.Admit(Policy, A, User("bob"), _log));
    }

    [Fact]
    public void BackoffDoublesFromTwoSecondsToTheMaximumWithOneCheckEach()
    {
        var t = NewThrottle();
        for (int i = 0; i < 3; i++)
            Guess(t, A);
        var backoffs = new List<double>();
        for (int step = 0; step < 6; step++)
        {
            long start = _now;
            while (!t.Admit(Policy, A, User("bob"), _log))
                Wait(0.5);
            backoffs.Add((_now - start) / 1000.0);
            // The admitted check: a second request right now is refused (one check per back-off).
            Assert.False(t.Admit(Policy, A, User("bob"), _log));
            t.Failed(Policy, A, User("bob"), _log);
        }
        Assert.Equal(new[] { 2.0, 4, 8, 15, 15, 15 }, backoffs);
        Assert.Equal(1, Lines("throttling address"));
        Assert.Equal(0, Lines("no longer throttling"));
    }

    [Theory]
    [InlineData(60, 1, 2_000)]
    [InlineData(60, 4, 16_000)]
    [InlineData(60, 6, 60_000)]
    [InlineData(60, 40, 60_000)]
    [InlineData(1, 1, 1_000)]
    [InlineData(3600, 100, 3_600_000)]
    public void BackoffSteps(int max, int step, long ms) =>
        Assert.Equal(ms, new ThrottlePolicy { MaxBackoffSeconds = max }.BackoffMilliseconds(step));

    [Fact]
    public void ReleasedByItselfAfterAWindowWithoutFailures()
    {
        var t = NewThrottle();
        for (int i = 0; i < 3; i++)
            Guess(t, A);
        Wait(59);
        Assert.True(t.Admit(Policy, A, User("bob"), _log));   // past the back-off: checked, not released yet
        Assert.Equal(0, Lines("no longer throttling"));
        Wait(62);                                             // that check never reported a failure
        Assert.True(t.Admit(Policy, A, User("bob"), _log));
        Assert.Equal(1, Lines("no longer throttling address 192.0.2.7 after 60 s without a failed login"));
        Assert.Equal(0, t.Count);
        Assert.True(Guess(t, A));                              // counting starts again from zero
        Assert.True(Guess(t, A));
        Assert.True(t.Admit(Policy, A, User("bob"), _log));
    }

    [Fact]
    public void ASuccessClearsTheAddressAndTheUser()
    {
        var t = NewThrottle();
        for (int i = 0; i < 3; i++)
            Guess(t, A, "alice");
        Wait(2);
        Assert.True(t.Admit(Policy, A, User("alice"), _log));
        t.Succeeded(A, User("alice"), _log);
        Assert.Equal(1, Lines("no longer throttling address 192.0.2.7 after a successful login (0 attempt(s) refused"));
        Assert.Equal(0, t.Count);
        Assert.True(Guess(t, A, "alice"));
        Assert.True(Guess(t, A, "alice"));
        Assert.True(t.Admit(Policy, A, User("alice"), _log)); // two failures since the success: not yet
    }

    [Fact]
    public void AUserNameIsThrottledFromEveryAddress()
    {
        var t = NewThrottle();
        for (int i = 0; i < 5; i++)
            Assert.True(Guess(t, $"address 203.0.113.{i}", "Alice"));
        Assert.False(t.Admit(Policy, "address 203.0.113.99", User("alice"), _log)); // case-insensitive
        Assert.False(t.Admit(Policy, null, User("ALICE"), _log));                   // and without an address
        Assert.True(t.Admit(Policy, "address 203.0.113.99", User("bob"), _log));
        Assert.Equal(1, Lines("throttling user alice"));
        Assert.Equal(0, Lines("throttling address"));
    }

    [Fact]
    public void UserAttemptsZeroCountsNoUserNames()
    {
        var t = NewThrottle();
        var policy = Policy with { UserAttempts = 0 };
        for (int i = 0; i < 50; i++)
        {
            Assert.True(t.Admit(policy, null, User("alice"), _log));
            t.Failed(policy, null, User("alice"), _log);
        }
        Assert.Equal(0, t.Count);
    }

    [Fact]
    public void ARefusalNeitherCountsNorConsumesTheOtherKeysCheck()
    {
        var t = NewThrottle();
        for (int i = 0; i < 5; i++)
            Guess(t, $"address 203.0.113.{i}", "alice");  // alice throttled (user, 5)
        for (int i = 0; i < 3; i++)
            Guess(t, B, "bob");                            // B throttled (address, 3)
        Wait(2);                                           // alice's back-off is over, B's too
        Assert.True(t.Admit(Policy, "address 203.0.113.50", User("alice"), _log)); // alice's one check
        Assert.False(t.Admit(Policy, B, User("alice"), _log)); // alice is in her next back-off: B keeps its check
        Assert.True(t.Admit(Policy, B, User("bob"), _log));
    }

    [Fact]
    public void TheOldestKeyIsForgottenAtTheCap()
    {
        var t = NewThrottle(capacity: 100);
        for (int i = 0; i < 3; i++)
            Guess(t, A);                                   // A throttled
        for (int i = 0; i < 1000; i++)
        {
            Wait(0.001);
            t.Failed(Policy, $"address 10.0.{i / 256}.{i % 256}", null, _log);
        }
        Assert.Equal(100, t.Count);
        Assert.True(t.Admit(Policy, A, User("bob"), _log)); // forgotten, so admitted
        Assert.Equal(1, Lines("no longer throttling address 192.0.2.7 early: more than 100"));
    }

    [Fact]
    public void AnActiveKeyOutlivesTheRotation()
    {
        var t = NewThrottle(capacity: 100);
        for (int i = 0; i < 3; i++)
            Guess(t, A);
        for (int i = 0; i < 1000; i++)
        {
            t.Failed(Policy, $"address 10.0.{i / 256}.{i % 256}", null, _log);
            if (i % 50 == 0)
                Assert.False(t.Admit(Policy, A, User("bob"), _log)); // seen again: most recently used
        }
        Assert.False(t.Admit(Policy, A, User("bob"), _log));
    }

    [Fact]
    public void ExpiredKeysAreSweptWithoutBeingAskedFor()
    {
        var t = NewThrottle();
        for (int i = 0; i < 3; i++)
            Guess(t, A);
        Guess(t, B);
        Wait(120);
        t.Admit(Policy, null, User("someone"), _log);      // two of the three (A, B, bob) per call
        Assert.Equal(1, t.Count);
        t.Admit(Policy, null, User("someone"), _log);
        Assert.Equal(0, t.Count);
        Assert.Equal(1, Lines("no longer throttling address 192.0.2.7"));
    }

    [Fact]
    public void ParallelCallsKeepTheBoundAndTheThreshold()
    {
        var t = new Throttle(() => Interlocked.Read(ref _now), capacity: 64);
        var policy = Policy with { AddressAttempts = 10, UserAttempts = 0, WindowSeconds = 3600 };
        var log = new LockedLog();
        var eight = new ParallelOptions { MaxDegreeOfParallelism = 8 };
        Parallel.For(0, 8, eight, worker =>
        {
            for (int i = 0; i < 5000; i++)
            {
                string key = $"address 10.1.{worker}.{i % 50}";
                if (t.Admit(policy, key, null, log))
                    t.Failed(policy, key, null, log);
                if (i % 7 == 0)
                    t.Succeeded($"address 10.1.{worker}.{(i + 3) % 50}", null, log);
                if (i % 100 == 0)
                    Interlocked.Add(ref _now, 10);
            }
        });
        Assert.InRange(t.Count, 1, 64);

        // All threads on one key, the clock standing still: the threshold gets through, plus at
        // most the checks already admitted on the other threads; then one throttling line.
        var one = new Throttle(() => 5);
        var hundred = policy with { AddressAttempts = 100 };
        int through = 0;
        Parallel.For(0, 1000, eight, _ =>
        {
            if (one.Admit(hundred, A, null, log))
            {
                one.Failed(hundred, A, null, log);
                Interlocked.Increment(ref through);
            }
        });
        Assert.InRange(through, 100, 107);
        Assert.Equal(1, log.Count("throttling address 192.0.2.7"));
    }

    private sealed class LockedLog : IModuleLog
    {
        private readonly List<string> _lines = new();
        public void Write(LogLevel level, string message) { lock (_lines) _lines.Add(message); }
        public int Count(string text) { lock (_lines) return _lines.Count(l => l.Contains(text)); }
    }

    // Snapshot (what `daemon --status` lists) and Adopt (a key the servers sharing throttle_table throttle).

    [Fact]
    public void OnlyThrottledKeysAreListedWithTheirTimes()
    {
        var t = NewThrottle();
        for (int i = 0; i < 3; i++)
            Guess(t, A);
        Guess(t, B);
        _now += 500;
        Assert.False(t.Admit(Policy, A, User("bob"), _log));
        var s = t.Snapshot(100);
        Assert.Equal(3, s.Tracked);                           // A, B and user bob
        Assert.Equal(1, s.Throttled);
        var k = Assert.Single(s.Keys);
        Assert.Equal(new ThrottledKey(A, 3, 1, 1500, 59_500, 1), k);
    }

    [Fact]
    public void AReleasedKeyIsNotListed()
    {
        var t = NewThrottle();
        for (int i = 0; i < 3; i++)
            Guess(t, A);
        _now += 60_000;
        Assert.Equal(0, t.Snapshot(100).Throttled);
        Assert.Empty(t.Snapshot(100).Keys);
    }

    [Fact]
    public void TheListIsBoundedAndMostRecentFirst()
    {
        var t = NewThrottle();
        for (int n = 0; n < 10; n++)
            for (int i = 0; i < 3; i++)
                Guess(t, $"address 192.0.2.{n}", $"u{n}");
        var s = t.Snapshot(4);
        Assert.Equal(10, s.Throttled);
        Assert.Equal(["address 192.0.2.9", "address 192.0.2.8", "address 192.0.2.7", "address 192.0.2.6"], s.Keys.Select(k => k.Key));
    }

    [Fact]
    public void AnAdoptedKeyIsRefusedThenCheckedOncePerBackoff()
    {
        var t = NewThrottle();
        t.Adopt(Policy, A, step: 2, failures: 4, refusedForMs: 3000, lastFailureAgoMs: 1000, "pam_throttle", _log);
        Assert.Equal(1, _log.Lines.Count(l => l.Message.StartsWith($"throttling {A}: 4 failed login(s) counted in throttle_table pam_throttle")));
        Assert.False(t.Admit(Policy, A, User("bob"), _log));
        _now += 3000;
        Assert.True(t.Admit(Policy, A, User("bob"), _log));    // one check; the next back-off is step 3's
        Assert.False(t.Admit(Policy, A, User("bob"), _log));
        var k = Assert.Single(t.Snapshot(10).Keys);
        Assert.Equal((4, 3, 8000L, 3), (k.Failures, k.Step, k.BackoffMs, k.Refused));
        // Adopting it again keeps the longer back-off and writes no second line.
        t.Adopt(Policy, A, step: 1, failures: 4, refusedForMs: 100, lastFailureAgoMs: 0, "pam_throttle", _log);
        Assert.Equal(8000L, t.Snapshot(10).Keys[0].BackoffMs);
        Assert.Equal(1, _log.Lines.Count(l => l.Message.StartsWith("throttling")));
        // Released a window after the last failure, as if counted here.
        _now += 60_000;
        Assert.True(t.Admit(Policy, A, User("bob"), _log));
        Assert.Contains(_log.Lines, l => l.Message.StartsWith($"no longer throttling {A} after 60 s without a failed login"));
    }
}

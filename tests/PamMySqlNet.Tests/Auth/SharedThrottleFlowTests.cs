using static PamMySqlNet.Tests.Auth.ThrottledFlowTests;

namespace PamMySqlNet.Tests.Auth;

/// <summary>throttle_table in <see cref="AuthFlow.Authenticate"/> (<see cref="SharedCounters"/>):
/// read after the lookup the database answered, one UPSERT per failure, a DELETE after a success
/// when there were rows, nothing without the option, and a table that fails costs the login nothing.</summary>
[Collection(nameof(ThrottleTableHealth))]
public class SharedThrottleFlowTests : IDisposable
{
    private long _now = 1_000_000;
    private readonly Throttle _throttle;
    private readonly Table _table = new();
    private const string Shared = "throttle_table=pam_throttle";
    private const long Wall = 1_800_000_000_000;

    public SharedThrottleFlowTests()
    {
        _throttle = new Throttle(() => _now);
        ThrottleTableHealth.Forget();
        SharedCounters.WallClock = () => Wall + _now;
    }

    public void Dispose()
    {
        ThrottleTableHealth.Forget();
        SharedCounters.WallClock = () => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    }

    /// <summary>The table in memory, as the UPSERT would keep it (the SQL itself is tested against MariaDB).</summary>
    private sealed class Table : IThrottleTable
    {
        public readonly Dictionary<string, ThrottleRow> Rows = new();
        public int Reads, Upserts, Clears;
        public string? Fail;
        public List<(string Key, int Threshold)> LastUpsert = new();

        public IReadOnlyList<ThrottleRow>? Read(IReadOnlyList<string> keys, out string? problem)
        {
            Reads++;
            problem = Fail;
            return Fail is null ? keys.Where(Rows.ContainsKey).Select(k => Rows[k]).ToList() : null;
        }

        public string? RecordFailure(IReadOnlyList<(string Key, int Threshold)> keys, long now, int windowSeconds)
        {
            Upserts++;
            LastUpsert = keys.ToList();
            foreach (var (key, _) in keys)
                Rows[key] = Rows.TryGetValue(key, out var r) ? r with { Failures = r.Failures + 1, LastFailure = now } : new ThrottleRow(key, 1, now, now);
            return Fail;
        }

        public string? Clear(IReadOnlyList<string> keys)
        {
            Clears++;
            foreach (var key in keys)
                Rows.Remove(key);
            return Fail;
        }
    }

    private Store NewStore() => new() { ThrottleTable = _table };

    private (PamCode Code, Conversation Conversation, PamMySqlNet.Logging.ListLog Log) Login(Store store, string user, string? password,
        string rhost = "192.0.2.7", params string[] extra) =>
        ThrottledFlowTests.Login(_throttle, store, user, password, rhost, extra.Length == 0 ? [Shared] : extra);

    [Fact]
    public void WithoutTheOptionTheTableIsNeverUsed()
    {
        var store = NewStore();
        for (int i = 0; i < 7; i++)
            Login(store, "alice", "wrong", "192.0.2.7", "throttle=on");
        Login(store, "alice", "S3cret!", "198.51.100.1", "throttle=on");
        Assert.Equal((0, 0, 0), (_table.Reads, _table.Upserts, _table.Clears));
    }

    [Fact]
    public void EachFailureIsOneUpsertOfTheAddressAndTheNameWithTheirThresholds()
    {
        var store = NewStore();
        Assert.Equal(PamCode.AuthErr, Login(store, "alice", "wrong").Code);
        Assert.Equal((1, 1, 0), (_table.Reads, _table.Upserts, _table.Clears));
        Assert.Equal([("address 192.0.2.7", 5), ("user alice", 20)], _table.LastUpsert);
        Login(store, "nobody", "x", "2001:db8:1:2::7", Shared, "throttle_user_attempts=0");
        Assert.Equal([("address 2001:db8:1:2::/64", 5)], _table.LastUpsert);
    }

    [Fact]
    public void AnAddressAnotherServerThrottledIsRefusedHereWithoutAHashThenInMemory()
    {
        var store = NewStore();
        _table.Rows["address 192.0.2.7"] = new ThrottleRow("address 192.0.2.7", 5, Wall + _now - 10_000, Wall + _now - 500);
        var (code, _, log) = Login(store, "alice", "S3cret!");
        Assert.Equal(PamCode.AuthErr, code);                  // even the right password
        Assert.Equal(0, store.Rows);                          // no sqllog row, like any throttled refusal
        Assert.Equal((1, 0), (_table.Reads, _table.Upserts)); // a refusal is not a failure
        var line = Assert.Single(log.Lines, l => l.Message.Contains("throttling"));
        Assert.StartsWith("throttling address 192.0.2.7: 5 failed login(s) counted in throttle_table pam_throttle", line.Message);

        // Now in memory: refused before the prompt and the lookup, no table read.
        var (again, conversation, _) = Login(store, "alice", "S3cret!");
        Assert.Equal(PamCode.AuthErr, again);
        Assert.Equal(0, conversation.Prompts);
        Assert.Equal(1, store.Lookups);
        Assert.Equal(1, _table.Reads);

        // Another address, the same user: checked.
        Assert.Equal(PamCode.Success, Login(store, "alice", "S3cret!", "198.51.100.1").Code);
    }

    [Fact]
    public void AfterTheSharedBackoffTheNextLoginIsCheckedAndItsSuccessClearsTheRows()
    {
        var store = NewStore();
        _table.Rows["address 192.0.2.7"] = new ThrottleRow("address 192.0.2.7", 5, Wall + _now - 10_000, Wall + _now);
        Assert.Equal(PamCode.AuthErr, Login(store, "alice", "S3cret!").Code);
        _now += 2000;
        var (code, _, log) = Login(store, "alice", "S3cret!");
        Assert.Equal(PamCode.Success, code);
        Assert.Equal(1, _table.Clears);
        Assert.Empty(_table.Rows);
        Assert.Contains(log.Lines, l => l.Message.StartsWith("no longer throttling address 192.0.2.7 after a successful login"));
    }

    [Fact]
    public void ASuccessWithoutRowsWritesNothing()
    {
        var store = NewStore();
        Assert.Equal(PamCode.Success, Login(store, "alice", "S3cret!").Code);
        Assert.Equal((1, 0, 0), (_table.Reads, _table.Upserts, _table.Clears));
    }

    [Fact]
    public void ADatabaseThatDidNotAnswerTheLookupIsNotAskedAgain()
    {
        var store = NewStore();
        store.Answer = LookupStatus.Unavailable;
        Assert.Equal(PamCode.AuthInfoUnavail, Login(store, "alice", "S3cret!").Code);
        Assert.Equal((0, 0, 0), (_table.Reads, _table.Upserts, _table.Clears));
    }

    [Fact]
    public void ATableThatFailsIsPausedWithOneLineAndTheLoginsGoOnInMemory()
    {
        var store = NewStore();
        _table.Fail = "query failed on 127.0.0.1:3306: Table 'postfix.pam_throttle' doesn't exist (error 1146)";
        var (code, _, log) = Login(store, "alice", "S3cret!");
        Assert.Equal(PamCode.Success, code);
        var line = Assert.Single(log.Lines);
        Assert.Equal("throttle_table pam_throttle unusable: query failed on 127.0.0.1:3306: Table 'postfix.pam_throttle' doesn't exist (error 1146);"
                     + " failed logins are counted in memory only for 30 s", line.Message);
        for (int i = 0; i < 5; i++)
            Assert.DoesNotContain(Login(store, "alice", "wrong").Log.Lines, l => l.Message.Contains("throttle_table"));
        Assert.Equal(1, _table.Reads);                        // paused: not read again
        Assert.Equal(0, _table.Upserts);
        Assert.Equal(PamCode.AuthErr, Login(store, "alice", "S3cret!").Code); // throttled in memory meanwhile
    }

    [Fact]
    public void AKeyLongerThanTheColumnIsCountedInMemoryOnly()
    {
        var store = NewStore();
        string host = new string('h', 600) + ".example";
        Login(store, "alice", "wrong", host);
        Assert.Equal([("user alice", 20)], _table.LastUpsert);
    }
}

/// <summary>Tests that set <see cref="ThrottleTableHealth"/> (process-wide) run one at a time.</summary>
[CollectionDefinition(nameof(ThrottleTableHealth), DisableParallelization = true)]
public class ThrottleTableHealthCollection;

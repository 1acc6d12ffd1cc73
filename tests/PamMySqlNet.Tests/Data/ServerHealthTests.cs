namespace PamMySqlNet.Tests.Data;

/// <summary>The fail-over order: back-off of failed servers, round-robin, with an injected clock.</summary>
public class ServerHealthTests
{
    private static readonly DbEndpoint A = new("db1", 3306, null);
    private static readonly DbEndpoint B = new("db2", 3307, null);
    private static readonly DbEndpoint C = new("localhost", 0, "/run/mysqld/mysqld.sock");
    private static readonly DbEndpoint[] Three = { A, B, C };

    private long _now = 1_000_000;
    private ServerHealth NewHealth() => new(() => _now);

    private static string Names(IEnumerable<DbEndpoint> order) =>
        string.Join(",", order.Select(e => e == A ? "A" : e == B ? "B" : e == C ? "C" : "?"));

    [Fact]
    public void OrderedKeepsTheConfiguredOrder()
    {
        var h = NewHealth();
        Assert.Equal("A,B,C", Names(h.Order(Three, HostOrder.Ordered)));
        Assert.Equal("A,B,C", Names(h.Order(Three, HostOrder.Ordered)));
    }

    [Fact]
    public void FailedServerGoesLastUntilTheBackOffEnds()
    {
        var h = NewHealth();
        h.Failed(A, 30);
        Assert.True(h.IsBackedOff(A));
        Assert.Equal("B,C,A", Names(h.Order(Three, HostOrder.Ordered)));
        _now += 29_999;
        Assert.Equal("B,C,A", Names(h.Order(Three, HostOrder.Ordered)));
        _now += 1;
        Assert.Equal("A,B,C", Names(h.Order(Three, HostOrder.Ordered)));
        Assert.False(h.IsBackedOff(A));
    }

    [Fact]
    public void SuccessEndsTheBackOffAtOnce()
    {
        var h = NewHealth();
        h.Failed(A, 30);
        h.Succeeded(A);
        Assert.Equal("A,B,C", Names(h.Order(Three, HostOrder.Ordered)));
    }

    [Fact]
    public void AllBackedOffAreStillTriedSoonestEndingFirst()
    {
        var h = NewHealth();
        h.Failed(B, 30);
        _now += 1000;
        h.Failed(A, 30);
        _now += 1000;
        h.Failed(C, 30);
        // Every server is still in the list: PAM_AUTHINFO_UNAVAIL only when none answers.
        Assert.Equal("B,A,C", Names(h.Order(Three, HostOrder.Ordered)));
    }

    [Fact]
    public void EqualBackOffsKeepTheConfiguredOrder()
    {
        var h = NewHealth();
        h.Failed(C, 30);
        h.Failed(A, 30);
        Assert.Equal("B,A,C", Names(h.Order(Three, HostOrder.Ordered)));
    }

    [Fact]
    public void FailingAgainExtendsTheBackOff()
    {
        var h = NewHealth();
        h.Failed(A, 30);
        _now += 20_000;
        h.Failed(A, 30);
        _now += 20_000;
        Assert.Equal("B,C,A", Names(h.Order(Three, HostOrder.Ordered)));
        _now += 10_000;
        Assert.Equal("A,B,C", Names(h.Order(Three, HostOrder.Ordered)));
    }

    [Fact]
    public void ZeroBackOffNeverSkipsAServer()
    {
        var h = NewHealth();
        h.Failed(A, 0);
        Assert.False(h.IsBackedOff(A));
        Assert.Equal("A,B,C", Names(h.Order(Three, HostOrder.Ordered)));
    }

    [Fact]
    public void BackOffIsPerServerNotPerList()
    {
        var h = NewHealth();
        h.Failed(B, 30);
        // Another service naming the same server in another list sees it backed off too.
        Assert.Equal("A,C,B", Names(h.Order(new[] { B, A, C }, HostOrder.Ordered)));
        Assert.Equal("A", Names(h.Order(new[] { A }, HostOrder.Ordered)));
        Assert.Equal("B", Names(h.Order(new[] { B }, HostOrder.Ordered)));
    }

    [Fact]
    public void RoundRobinRotatesOneStepPerCall()
    {
        var h = NewHealth();
        var seen = Enumerable.Range(0, 6).Select(_ => Names(h.Order(Three, HostOrder.RoundRobin))).ToArray();
        Assert.Equal(new[] { "A,B,C", "B,C,A", "C,A,B", "A,B,C", "B,C,A", "C,A,B" }, seen);
    }

    [Fact]
    public void RoundRobinSpreadsEvenlyOverTheLiveServersAndKeepsTheDeadLast()
    {
        var h = NewHealth();
        h.Failed(A, 30);
        var firsts = new Dictionary<string, int>();
        for (int i = 0; i < 100; i++)
        {
            var order = Names(h.Order(Three, HostOrder.RoundRobin));
            Assert.EndsWith(",A", order);
            string first = order[..1];
            firsts[first] = firsts.GetValueOrDefault(first) + 1;
        }
        Assert.Equal(50, firsts["B"]);
        Assert.Equal(50, firsts["C"]);
    }

    [Fact]
    public void SingleServerIsAlwaysTried()
    {
        var h = NewHealth();
        h.Failed(A, 30);
        Assert.Equal("A", Names(h.Order(new[] { A }, HostOrder.Ordered)));
        Assert.Equal("A", Names(h.Order(new[] { A }, HostOrder.RoundRobin)));
    }

    [Fact]
    public void ConcurrentUseKeepsEveryServerInEveryOrder()
    {
        var h = NewHealth();
        var errors = 0;
        Parallel.For(0, 8, t =>
        {
            for (int i = 0; i < 5000; i++)
            {
                var ep = Three[(t + i) % 3];
                if (i % 3 == 0)
                    h.Failed(ep, 30);
                else if (i % 3 == 1)
                    h.Succeeded(ep);
                var order = h.Order(Three, (i & 1) == 0 ? HostOrder.Ordered : HostOrder.RoundRobin);
                if (order.Count != 3 || order.Distinct().Count() != 3)
                    Interlocked.Increment(ref errors);
            }
        });
        Assert.Equal(0, errors);
    }

    [Theory]
    [InlineData("host_order=ordered", HostOrder.Ordered)]
    [InlineData("host_order=roundrobin", HostOrder.RoundRobin)]
    [InlineData("host_order=RoundRobin", HostOrder.RoundRobin)]
    [InlineData("host_order=round_robin", HostOrder.RoundRobin)]
    public void HostOrderOption(string arg, HostOrder expected)
    {
        var r = OptionParser.Parse(new[] { arg });
        Assert.Empty(r.Errors);
        Assert.Equal(expected, r.Settings.HostOrder);
    }

    [Fact]
    public void FailoverDefaults()
    {
        var s = OptionParser.Parse(Array.Empty<string>()).Settings;
        Assert.Equal(30, s.FailoverBackoffSeconds);
        Assert.Equal(HostOrder.Ordered, s.HostOrder);
        Assert.Equal(0, OptionParser.Parse(new[] { "failover_backoff=0" }).Settings.FailoverBackoffSeconds);
        Assert.Equal(3600, OptionParser.Parse(new[] { "failover_backoff=3600" }).Settings.FailoverBackoffSeconds);
    }

    [Theory]
    [InlineData("host_order=random")]
    [InlineData("failover_backoff=-1")]
    [InlineData("failover_backoff=3601")]
    [InlineData("failover_backoff=soon")]
    public void BadFailoverOptionsAreErrors(string arg) => Assert.NotEmpty(OptionParser.Parse(new[] { arg }).Errors);
}

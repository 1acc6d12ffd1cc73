using System.Net;

namespace PamMySqlNet.Tests.Data;

/// <summary>"Loopback" is decided on the resolved address, never on how the host is spelled.</summary>
public class LoopbackTests
{
    private static DbEndpoint Tcp(string host) => new(host, 3306, null);

    private static Func<string, IReadOnlyList<IPAddress>?> Dns(params (string Name, string[] Addresses)[] table) =>
        name => table.FirstOrDefault(t => t.Name == name).Addresses?.Select(IPAddress.Parse).ToArray();

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.9.8.7", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("192.0.2.10", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::", false)]
    [InlineData("2001:db8::1", false)]
    public void AddressLiteralsByTheirValue(string host, bool loopback) =>
        Assert.Equal(loopback, Loopback.Decide(Tcp(host), _ => throw new InvalidOperationException("a literal is not looked up")));

    [Fact]
    public void NamesByEveryAddressTheyResolveTo()
    {
        var dns = Dns(("127.db.example.com", ["198.51.100.7"]),
            ("localhost6", ["::1"]),
            ("vm", ["127.0.0.1"]),
            ("localhost", ["127.0.0.1", "::1"]),
            ("mixed", ["127.0.0.1", "198.51.100.7"]),
            ("nothing", []));
        Assert.False(Loopback.Decide(Tcp("127.db.example.com"), dns));
        Assert.True(Loopback.Decide(Tcp("localhost6"), dns));
        Assert.True(Loopback.Decide(Tcp("vm"), dns));
        Assert.True(Loopback.Decide(Tcp("localhost"), dns));
        Assert.False(Loopback.Decide(Tcp("mixed"), dns));
        Assert.False(Loopback.Decide(Tcp("nothing"), dns));
        // No answer (unknown name, resolver down or slow): remote, the side that asks for TLS and warns.
        Assert.False(Loopback.Decide(Tcp("unknown.example"), dns));
        Assert.True(Loopback.Decide(new DbEndpoint("localhost", 0, "/run/mysqld/mysqld.sock"), dns));
    }

    [Fact]
    public void ANameIsResolvedOncePerProcess()
    {
        int lookups = 0;
        var loopback = new Loopback(_ =>
        {
            Interlocked.Increment(ref lookups);
            return Task.FromResult(new[] { IPAddress.Loopback });
        }, TimeSpan.FromSeconds(1));
        for (int i = 0; i < 5; i++)
            Assert.True(loopback.Is(Tcp("db.internal")));
        Assert.Equal(1, lookups);
    }

    [Fact]
    public void ASlowLookupIsWaitedForBrieflyAndItsAnswerUsedLater()
    {
        var answer = new TaskCompletionSource<IPAddress[]>();
        var loopback = new Loopback(_ => answer.Task, TimeSpan.FromMilliseconds(50));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(loopback.Is(Tcp("slow.example")));
        Assert.True(clock.ElapsedMilliseconds < 2000);
        answer.SetResult([IPAddress.Parse("127.0.0.1")]);
        Assert.True(loopback.Is(Tcp("slow.example")));
    }

    [Fact]
    public void AFailedLookupIsRetriedAtALaterLogin()
    {
        int lookups = 0;
        var loopback = new Loopback(_ => ++lookups == 1
            ? Task.FromException<IPAddress[]>(new System.Net.Sockets.SocketException(11001))
            : Task.FromResult(new[] { IPAddress.Loopback }), TimeSpan.FromSeconds(1));
        Assert.False(loopback.Is(Tcp("flaky.example")));
        Assert.True(loopback.Is(Tcp("flaky.example")));
    }
}

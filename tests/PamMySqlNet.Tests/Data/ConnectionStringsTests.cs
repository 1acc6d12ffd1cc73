using MySqlConnector;

namespace PamMySqlNet.Tests.Data;

/// <summary>What the driver is told: pooling and reset per purpose, timeouts, TLS, and the memo.</summary>
public class ConnectionStringsTests
{
    internal static ModuleSettings Settings(params string[] extra) =>
        OptionParser.Parse(["user=postfix", "passwd=yourpass", "db=postfix", .. extra]).Settings;

    internal static MySqlConnectionStringBuilder Built(ModuleSettings s, DbEndpoint e, bool forWrite = false) =>
        new(ConnectionStrings.For(s, e, forWrite));

    internal static readonly DbEndpoint Loopback = new("127.0.0.1", 3306, null);
    // A literal, so that no test asks DNS: 192.0.2.0/24 is TEST-NET-1.
    internal static readonly DbEndpoint Remote = new("192.0.2.10", 3307, null);

    [Fact]
    public void ReadsSkipTheResetWritesKeepIt()
    {
        var s = Settings();
        Assert.False(Built(s, Loopback).ConnectionReset);
        Assert.True(Built(s, Loopback, forWrite: true).ConnectionReset);
        // Different strings: reads and writes live in separate pools.
        Assert.NotEqual(ConnectionStrings.For(s, Loopback), ConnectionStrings.For(s, Loopback, forWrite: true));
    }

    [Fact]
    public void QueryTimeoutClosesTheConnectionWithoutAKillQueryConnection()
    {
        var b = Built(Settings("connect_timeout=2", "query_timeout=3"), Loopback);
        Assert.Equal(-1, b.CancellationTimeout);
        Assert.Equal(2u, b.ConnectionTimeout);
        Assert.Equal(3u, b.DefaultCommandTimeout);
    }

    [Fact]
    public void PoolingFollowsDisconnectEveryOp()
    {
        Assert.True(Built(Settings(), Loopback).Pooling);
        Assert.False(Built(Settings("disconnect_every_op=1"), Loopback).Pooling);
        Assert.Equal(0u, Built(Settings(), Loopback).ConnectionIdleTimeout);
    }

    [Fact]
    public void NoTlsToLoopbackPreferredElsewhereVerifiedWithACa()
    {
        Assert.Equal(MySqlSslMode.None, Built(Settings(), Loopback).SslMode);
        Assert.Equal(MySqlSslMode.Preferred, Built(Settings(), Remote).SslMode);
        Assert.Equal(MySqlSslMode.Required, Built(Settings("ssl_mode=required"), Loopback).SslMode);
    }

    [Theory]
    [InlineData("ssl_ca=/etc/ssl/ca.pem")]
    [InlineData("ssl_mode=verify_ca", "ssl_ca=/etc/ssl/ca.pem")]
    [InlineData("ssl_mode=verify_identity", "ssl_ca=/etc/ssl/ca.pem")]
    [InlineData("ssl_mode=verify_identity")]
    public void VerifyingModesLeaveTheCheckToUsNeverTheDriver(params string[] args)
    {
        // The driver's VerifyCA/VerifyFull would add ssl_ca to the system store (and fetch revocation
        // lists for VerifyFull); Required hands the certificate to TlsTrust alone.
        var b = Built(Settings(args), Remote);
        Assert.Equal(MySqlSslMode.Required, b.SslMode);
        Assert.Equal("", b.SslCa);
    }

    [Fact]
    public void DifferentCertificateChecksNeverShareAPool()
    {
        string pinned = ConnectionStrings.For(Settings("ssl_mode=required", "ssl_ca=/a.pem"), Remote);
        Assert.NotEqual(pinned, ConnectionStrings.For(Settings("ssl_mode=required"), Remote));
        Assert.NotEqual(pinned, ConnectionStrings.For(Settings("ssl_mode=required", "ssl_ca=/b.pem"), Remote));
        Assert.NotEqual(pinned, ConnectionStrings.For(Settings("ssl_mode=verify_identity", "ssl_ca=/a.pem"), Remote));
        Assert.DoesNotContain("/a.pem", pinned);
    }

    [Fact]
    public void EndpointsAndSettingsGetTheirOwnStrings()
    {
        var b = Built(Settings(), Remote);
        Assert.Equal("192.0.2.10", b.Server);
        Assert.Equal(3307u, b.Port);
        var socket = Built(Settings(), new DbEndpoint("localhost", 0, "/run/mysqld/mysqld.sock"));
        Assert.Equal(MySqlConnectionProtocol.UnixSocket, socket.ConnectionProtocol);
        Assert.Equal("/run/mysqld/mysqld.sock", socket.Server);
        Assert.Equal("other", Built(Settings("passwd=other"), Loopback).Password);
        Assert.Equal("yourpass", Built(Settings(), Loopback).Password);
    }

    [Fact]
    public void TheSameSettingsGiveTheSameRememberedString()
    {
        var first = ConnectionStrings.For(Settings("query_timeout=7"), Loopback);
        var again = ConnectionStrings.For(Settings("query_timeout=7"), Loopback);
        Assert.Same(first, again);
    }
}

using MySqlConnector;

namespace PamMySqlNet.Tests.Data;

/// <summary>caching_sha2_password full authentication: the server's RSA key is fetched only from a
/// loopback address, a configured key is pinned everywhere, and a socket or TLS needs neither.</summary>
public class PublicKeyPolicyTests
{
    private static ModuleSettings Settings(params string[] extra) => ConnectionStringsTests.Settings(extra);
    private static MySqlConnectionStringBuilder Built(ModuleSettings s, DbEndpoint e) => ConnectionStringsTests.Built(s, e);

    private static readonly DbEndpoint Loopback = ConnectionStringsTests.Loopback;
    private static readonly DbEndpoint Remote = ConnectionStringsTests.Remote;
    private static readonly DbEndpoint LoopbackV6 = new("::1", 3306, null);
    private static readonly DbEndpoint Socket = new("localhost", 0, "/run/mysqld/mysqld.sock");

    [Fact]
    public void TheKeyIsFetchedOnlyFromALoopbackAddress()
    {
        Assert.True(Built(Settings(), Loopback).AllowPublicKeyRetrieval);
        Assert.True(Built(Settings(), LoopbackV6).AllowPublicKeyRetrieval);
        Assert.False(Built(Settings(), Remote).AllowPublicKeyRetrieval);
        Assert.False(Built(Settings("ssl_mode=disabled"), Remote).AllowPublicKeyRetrieval);
        Assert.False(Built(Settings(), Socket).AllowPublicKeyRetrieval);
    }

    [Fact]
    public void AConfiguredKeyIsPinnedForEveryTcpServerAndNothingIsFetched()
    {
        var s = Settings("server_public_key=/etc/mysql/public_key.pem");
        foreach (var e in new[] { Loopback, Remote })
        {
            var b = Built(s, e);
            Assert.Equal("/etc/mysql/public_key.pem", b.ServerRsaPublicKeyFile);
            Assert.False(b.AllowPublicKeyRetrieval);
        }
        Assert.Equal("", Built(s, Socket).ServerRsaPublicKeyFile);
        Assert.Equal("", Built(Settings(), Remote).ServerRsaPublicKeyFile);
    }

    [Fact]
    public void OverTlsThePasswordNeedsNoKey()
    {
        var b = Built(Settings("ssl_mode=verify_identity", "server_public_key=/etc/mysql/public_key.pem"), Remote);
        Assert.False(b.AllowPublicKeyRetrieval);
        Assert.Equal("", b.ServerRsaPublicKeyFile);
        Assert.False(Built(Settings("ssl_mode=required"), Loopback).AllowPublicKeyRetrieval);
    }

    [Theory]
    [InlineData(new string[0], "192.0.2.10", PasswordTransport.TlsIfOffered, false)]
    [InlineData(new[] { "ssl_mode=disabled" }, "192.0.2.10", PasswordTransport.None, true)]
    [InlineData(new[] { "ssl_mode=disabled", "server_public_key=/k.pem" }, "192.0.2.10", PasswordTransport.PinnedKey, false)]
    [InlineData(new string[0], "127.0.0.1", PasswordTransport.KeyFromServer, false)]
    [InlineData(new[] { "ssl_ca=/ca.pem" }, "192.0.2.10", PasswordTransport.Tls, false)]
    public void TheCheckCommandIsToldWhatHappens(string[] args, string host, PasswordTransport expected, bool problem)
    {
        var s = Settings(args);
        var e = new DbEndpoint(host, 3306, null);
        bool loopback = host.StartsWith("127.", StringComparison.Ordinal);
        var transport = PublicKeyPolicy.For(s, e, loopback, TlsPolicy.DriverMode(s, loopback));
        Assert.Equal(expected, transport);
        Assert.NotEmpty(PublicKeyPolicy.Describe(transport, out bool isProblem));
        Assert.Equal(problem, isProblem);
    }
}

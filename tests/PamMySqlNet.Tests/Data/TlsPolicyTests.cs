using MySqlConnector;

namespace PamMySqlNet.Tests.Data;

/// <summary>The TLS decisions per server: driver mode, whose certificate check, name check, and the
/// warnings about servers that are not verified.</summary>
public class TlsPolicyTests
{
    private static readonly DbEndpoint Remote = new("192.0.2.10", 3306, null);
    private static readonly DbEndpoint Local = new("127.0.0.1", 3306, null);

    private static TlsPlan Plan(DbEndpoint endpoint, bool loopback, params string[] args) =>
        TlsPolicy.For(OptionParser.Parse(args).Settings, endpoint, loopback);

    [Theory]
    // ssl_mode unset
    [InlineData("", true, MySqlSslMode.None, CertificateCheck.None, false)]
    [InlineData("", false, MySqlSslMode.Preferred, CertificateCheck.None, false)]
    [InlineData("ssl_ca=/ca.pem", true, MySqlSslMode.Required, CertificateCheck.ConfiguredCa, false)]
    [InlineData("ssl_ca=/ca.pem", false, MySqlSslMode.Required, CertificateCheck.ConfiguredCa, false)]
    [InlineData("ssl_capath=/cas", false, MySqlSslMode.Required, CertificateCheck.ConfiguredCa, false)]
    // explicit modes
    [InlineData("ssl_mode=disabled ssl_ca=/ca.pem", false, MySqlSslMode.None, CertificateCheck.None, false)]
    [InlineData("ssl_mode=preferred", false, MySqlSslMode.Preferred, CertificateCheck.None, false)]
    [InlineData("ssl_mode=preferred ssl_ca=/ca.pem", false, MySqlSslMode.Preferred, CertificateCheck.ConfiguredCa, false)]
    [InlineData("ssl_mode=required", true, MySqlSslMode.Required, CertificateCheck.None, false)]
    [InlineData("ssl_mode=required ssl_ca=/ca.pem", false, MySqlSslMode.Required, CertificateCheck.ConfiguredCa, false)]
    [InlineData("ssl_mode=verify_ca", false, MySqlSslMode.Required, CertificateCheck.SystemStore, false)]
    [InlineData("ssl_mode=verify_ca ssl_ca=/ca.pem", false, MySqlSslMode.Required, CertificateCheck.ConfiguredCa, false)]
    [InlineData("ssl_mode=verify_identity", false, MySqlSslMode.Required, CertificateCheck.SystemStore, true)]
    [InlineData("ssl_mode=verify_identity ssl_ca=/ca.pem", true, MySqlSslMode.Required, CertificateCheck.ConfiguredCa, true)]
    [InlineData("ssl_mode=verify_full ssl_capath=/cas", false, MySqlSslMode.Required, CertificateCheck.ConfiguredCa, true)]
    public void ModeAndCheck(string args, bool loopback, MySqlSslMode driver, CertificateCheck check, bool name)
    {
        var plan = Plan(loopback ? Local : Remote, loopback, args.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(driver, plan.DriverMode);
        Assert.Equal(check, plan.Check);
        Assert.Equal(name, plan.CheckName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ssl_mode=preferred")]
    [InlineData("ssl_mode=required")]
    [InlineData("ssl_mode=disabled")]
    [InlineData("ssl_mode=preferred ssl_ca=/ca.pem")]
    public void AnUnverifiedRemoteServerIsNamedInAWarningWithTheFix(string args)
    {
        var plan = Plan(Remote, false, args.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(plan.Verified);
        Assert.NotNull(plan.Warning);
        Assert.Contains("server 192.0.2.10:3306 is not a loopback address and its TLS certificate is not verified", plan.Warning);
        Assert.Contains("set ssl_ca", plan.Warning);
        // The same settings to a loopback server: nothing to say.
        Assert.Null(Plan(Local, true, args.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Warning);
    }

    [Theory]
    [InlineData("ssl_ca=/ca.pem")]
    [InlineData("ssl_capath=/cas")]
    [InlineData("ssl_mode=required ssl_ca=/ca.pem")]
    [InlineData("ssl_mode=verify_ca ssl_ca=/ca.pem")]
    [InlineData("ssl_mode=verify_identity")]
    [InlineData("ssl_mode=verify_identity ssl_capath=/cas")]
    public void AVerifiedRemoteServerGetsNoWarning(string args)
    {
        var plan = Plan(Remote, false, args.Split(' '));
        Assert.True(plan.Verified);
        Assert.Null(plan.Warning);
    }

    [Fact]
    public void VerifyCaWithoutACaIsWarnedAboutEvenOnLoopback()
    {
        foreach (var (endpoint, loopback) in new[] { (Remote, false), (Local, true) })
        {
            var plan = Plan(endpoint, loopback, "ssl_mode=verify_ca");
            Assert.Contains("ssl_mode=verify_ca without ssl_ca or ssl_capath", plan.Warning);
            Assert.Contains("pins nothing", plan.Warning);
        }
    }

    [Fact]
    public void TheSeedsLoopbackLineNeedsNoTlsAndGetsNoWarning()
    {
        var s = OptionParser.Parse(["user=postfix", "passwd=yourpass", "host=127.0.0.1", "db=postfix"]).Settings;
        var plan = TlsPolicy.For(s, Assert.Single(s.Hosts));
        Assert.Equal(MySqlSslMode.None, plan.DriverMode);
        Assert.Null(plan.Warning);
        var socket = OptionParser.Parse(["host=localhost"]).Settings;
        Assert.Equal(MySqlSslMode.None, TlsPolicy.For(socket, Assert.Single(socket.Hosts)).DriverMode);
    }

    [Fact]
    public void AConfigurationWarningIsWrittenOncePerProcess()
    {
        var log = new ListLog();
        string message = "pmn test warning " + Guid.NewGuid();
        Assert.True(OncePerProcess.Warn(log, message));
        Assert.False(OncePerProcess.Warn(log, message));
        Assert.False(OncePerProcess.Warn(new ListLog(), message));
        Assert.Equal((LogLevel.Warning, message), Assert.Single(log.Lines));
    }
}

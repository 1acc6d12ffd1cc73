namespace PamMySqlNet.Tests.Options;

/// <summary>broker= and broker_socket= are read by the shim (native/broker_client.c) from the pam.d
/// line; the core checks them so that a typo is an error instead of a silent "off".</summary>
public class BrokerOptionTests
{
    [Fact]
    public void DefaultIsAutoOnTheStandardSocket()
    {
        var s = OptionParser.Parse([]).Settings;
        Assert.Equal(BrokerMode.Auto, s.Broker);
        Assert.Equal("/run/pam_mysql_net/socket", s.BrokerSocket);
    }

    [Theory]
    [InlineData("auto", BrokerMode.Auto)]
    [InlineData("off", BrokerMode.Off)]
    [InlineData("required", BrokerMode.Required)]
    public void KnowsTheThreeModes(string value, BrokerMode mode)
    {
        var r = OptionParser.Parse([$"broker={value}"]);
        Assert.Empty(r.Errors);
        Assert.Equal(mode, r.Settings.Broker);
    }

    [Theory]
    [InlineData("broker=Required")] // the shim compares exactly; so does the core
    [InlineData("broker=yes")]
    [InlineData("broker=")]
    [InlineData("broker_socket=run/socket")]
    [InlineData("broker_socket=/run/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    public void AnythingElseIsAConfigurationError(string arg) =>
        Assert.NotEmpty(OptionParser.Parse([arg]).Errors);

    [Fact]
    public void TheLastOneWinsAsInTheShim()
    {
        var s = OptionParser.Parse(["broker=off", "broker=required", "broker_socket=/a", "broker_socket=/b"]).Settings;
        Assert.Equal(BrokerMode.Required, s.Broker);
        Assert.Equal("/b", s.BrokerSocket);
    }

    [Fact]
    public void AConfigFileCannotSetThem() =>
        Assert.All(new[] { "broker", "broker_socket" }, name =>
            Assert.Equal("", OptionTable.Find(name)!.ConfigKey));

    [Fact]
    public void TheShimsDefaultSocketIsTheCores() =>
        Assert.Contains($"#define PMN_BROKER_SOCKET \"{ModuleSettings.DefaultBrokerSocket}\"",
            RepoFiles.Read("native/broker_client.c"));
}

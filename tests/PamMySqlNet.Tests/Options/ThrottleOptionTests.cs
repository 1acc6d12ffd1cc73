namespace PamMySqlNet.Tests.Options;

/// <summary>The throttle and fail_delay options: defaults, values, limits, config-file keys.</summary>
public class ThrottleOptionTests
{
    private static ModuleSettings Parse(params string[] args)
    {
        var r = OptionParser.Parse(args);
        Assert.Empty(r.Errors);
        return r.Settings;
    }

    [Fact]
    public void Defaults()
    {
        var s = Parse();
        Assert.True(s.Throttle.Enabled);
        Assert.Equal(5, s.Throttle.AddressAttempts);
        Assert.Equal(20, s.Throttle.UserAttempts);
        Assert.Equal(300, s.Throttle.WindowSeconds);
        Assert.Equal(60, s.Throttle.MaxBackoffSeconds);
        Assert.Equal(new[] { "127.0.0.0/8", "::1/128" }, s.Throttle.Trusted.Select(r => r.ToString()));
        Assert.Equal(ModuleSettings.DefaultFailDelayMicroseconds, s.EffectiveFailDelayMicroseconds);
    }

    [Fact]
    public void TheTableDocumentsTheDefaultsTheSettingsHave()
    {
        var s = new ModuleSettings();
        Assert.Equal(s.Throttle.AddressAttempts.ToString(), OptionTable.Find("throttle_attempts")!.Default);
        Assert.Equal(s.Throttle.UserAttempts.ToString(), OptionTable.Find("throttle_user_attempts")!.Default);
        Assert.Equal(s.Throttle.WindowSeconds.ToString(), OptionTable.Find("throttle_window")!.Default);
        Assert.Equal(s.Throttle.MaxBackoffSeconds.ToString(), OptionTable.Find("throttle_max_backoff")!.Default);
        Assert.Equal((s.FailDelayMicroseconds / 1e6).ToString(System.Globalization.CultureInfo.InvariantCulture),
            OptionTable.Find("fail_delay")!.Default);
    }

    [Theory]
    [InlineData("throttle=off", false)]
    [InlineData("throttle=OFF", false)]
    [InlineData("throttle=0", false)]
    [InlineData("throttle=no", false)]
    [InlineData("throttle=on", true)]
    [InlineData("throttle", true)]
    public void OnOrOff(string arg, bool on) => Assert.Equal(on, Parse(arg).Throttle.Enabled);

    [Fact]
    public void Values()
    {
        var s = Parse("throttle_attempts=3", "throttle_user_attempts=0", "throttle_window=30", "throttle_max_backoff=4",
            "throttle_trusted=192.0.2.0/24, 2001:db8::/48");
        Assert.Equal(new ThrottlePolicy
        {
            AddressAttempts = 3, UserAttempts = 0, WindowSeconds = 30, MaxBackoffSeconds = 4,
            Trusted = s.Throttle.Trusted,
        }, s.Throttle);
        Assert.Equal(new[] { "192.0.2.0/24", "2001:db8::/48" }, s.Throttle.Trusted.Select(r => r.ToString()));
        Assert.Empty(Parse("throttle_trusted=none").Throttle.Trusted);
        Assert.Empty(Parse("throttle_trusted=").Throttle.Trusted);
    }

    [Theory]
    [InlineData("throttle_attempts=0")]
    [InlineData("throttle_attempts=101")]
    [InlineData("throttle_user_attempts=-1")]
    [InlineData("throttle_window=0")]
    [InlineData("throttle_max_backoff=0")]
    [InlineData("throttle_max_backoff=3601")]
    [InlineData("throttle_trusted=192.0.2.0/24,example.com")]
    [InlineData("fail_delay=-1")]
    [InlineData("fail_delay=11")]
    [InlineData("fail_delay=1,5")]
    [InlineData("fail_delay=two")]
    public void BadValuesAreConfigurationErrors(string arg) => Assert.NotEmpty(OptionParser.Parse([arg]).Errors);

    [Theory]
    [InlineData("fail_delay=2", 2_000_000)]
    [InlineData("fail_delay=0.5", 500_000)]
    [InlineData("fail_delay=0", 0)]
    [InlineData("fail_delay=10", 10_000_000)]
    public void FailDelay(string arg, int microseconds) => Assert.Equal(microseconds, Parse(arg).EffectiveFailDelayMicroseconds);

    [Fact]
    public void NoDelayIsFailDelayZeroWhateverFailDelaySays()
    {
        Assert.Equal(0, Parse("fail_delay=2", "nodelay").EffectiveFailDelayMicroseconds);
        Assert.Equal(0, Parse("nodelay", "fail_delay=2").EffectiveFailDelayMicroseconds);
        Assert.Equal(2_000_000, Parse("fail_delay=2", "nodelay=0").EffectiveFailDelayMicroseconds);
    }

    [Theory]
    [InlineData("throttle", "throttle.enabled")]
    [InlineData("throttle_attempts", "throttle.attempts")]
    [InlineData("throttle_user_attempts", "throttle.user_attempts")]
    [InlineData("throttle_window", "throttle.window")]
    [InlineData("throttle_max_backoff", "throttle.max_backoff")]
    [InlineData("throttle_trusted", "throttle.trusted")]
    [InlineData("fail_delay", "fail_delay")]
    public void EachHasAConfigFileKey(string name, string key) =>
        Assert.Same(OptionTable.Find(name), OptionTable.FindConfigKey(key));

    [Fact]
    public void DescribedInOneLine()
    {
        Assert.Equal("off", Parse("throttle=off").Throttle.Describe());
        string on = Parse().Throttle.Describe();
        Assert.DoesNotContain('\n', on);
        Assert.Contains("after 5 failed logins within 300 s, a user name after 20", on);
        Assert.Contains("trusted: 127.0.0.0/8,::1/128", on);
    }
}
